package io.mediaplane.rtp;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One counter per {@link PacketStatus}: every packet a parser refuses is counted here so stats can show
 * what was dropped and why. Lock-free; safe to share between the receive thread and a stats reader.
 */
public final class StatusCounters {
    private static final PacketStatus[] STATUSES = PacketStatus.values();
    private final AtomicLongArray counts = new AtomicLongArray(STATUSES.length);

    /** Counts {@code status} and returns it, so a parse can be counted inline: {@code if (!c.count(s).ok())}. */
    public PacketStatus count(PacketStatus status) {
        counts.getAndIncrement(status.ordinal());
        return status;
    }

    public long get(PacketStatus status) {
        return counts.get(status.ordinal());
    }

    /** Every packet refused, whatever the reason. */
    public long dropped() {
        long sum = 0;
        for (PacketStatus s : STATUSES) {
            if (!s.ok()) {
                sum += counts.get(s.ordinal());
            }
        }
        return sum;
    }

    /** The non-zero counters, in declaration order. */
    public Map<PacketStatus, Long> snapshot() {
        Map<PacketStatus, Long> out = new EnumMap<>(PacketStatus.class);
        for (PacketStatus s : STATUSES) {
            long v = counts.get(s.ordinal());
            if (v != 0) {
                out.put(s, v);
            }
        }
        return out;
    }
}
