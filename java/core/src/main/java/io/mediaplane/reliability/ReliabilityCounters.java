package io.mediaplane.reliability;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One counter per {@link ReliabilityStatus}: written by the one thread that owns the component, readable from any
 * thread (stats).
 */
public final class ReliabilityCounters {
    private static final ReliabilityStatus[] STATUSES = ReliabilityStatus.values();
    private final AtomicLongArray counts = new AtomicLongArray(STATUSES.length);

    /** Counts {@code status} (single writer: a plain read and an ordered write) and returns it. */
    ReliabilityStatus count(ReliabilityStatus status) {
        return count(status, 1);
    }

    ReliabilityStatus count(ReliabilityStatus status, long n) {
        int i = status.ordinal();
        counts.lazySet(i, counts.get(i) + n);
        return status;
    }

    public long get(ReliabilityStatus status) {
        return counts.get(status.ordinal());
    }

    /** The non-zero counters, in declaration order. */
    public Map<ReliabilityStatus, Long> snapshot() {
        Map<ReliabilityStatus, Long> out = new EnumMap<>(ReliabilityStatus.class);
        for (ReliabilityStatus s : STATUSES) {
            long v = counts.get(s.ordinal());
            if (v != 0) {
                out.put(s, v);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
