package io.mediaplane.crypto;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One counter per {@link CipherStatus} for one direction (seal or open) of one cipher: every packet is counted,
 * so stats show how many were sealed or opened and why any were refused.
 *
 * <p>Single writer: a cipher seals on one thread and opens on one thread, and each direction has its own
 * counters, so an increment is a plain read plus an ordered store (no locked instruction on the hot path).
 * Readers on other threads see the values promptly but not necessarily the latest.
 */
public final class CipherCounters {
    private static final CipherStatus[] STATUSES = CipherStatus.values();
    private final AtomicLongArray counts = new AtomicLongArray(STATUSES.length);

    /** Counts {@code status} and returns its result code (see {@link CipherStatus#asResult()}). */
    int fail(CipherStatus status) {
        increment(status.ordinal());
        return status.asResult();
    }

    /** Counts one success and returns {@code length}. */
    int ok(int length) {
        increment(0);
        return length;
    }

    private void increment(int i) {
        counts.lazySet(i, counts.get(i) + 1);
    }

    public long get(CipherStatus status) {
        return counts.get(status.ordinal());
    }

    /** Packets refused, whatever the reason. */
    public long refused() {
        long sum = 0;
        for (int i = 1; i < STATUSES.length; i++) {
            sum += counts.get(i);
        }
        return sum;
    }

    /** The non-zero counters in declaration order. */
    public Map<CipherStatus, Long> snapshot() {
        Map<CipherStatus, Long> out = new EnumMap<>(CipherStatus.class);
        for (CipherStatus s : STATUSES) {
            long v = counts.get(s.ordinal());
            if (v != 0) {
                out.put(s, v);
            }
        }
        return out;
    }
}
