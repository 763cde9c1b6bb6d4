package io.mediaplane.codec;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One counter per {@link PayloadStatus}, plus units delivered and packets lost, for stats. Written by the one
 * thread that owns the depacketizer or packetizer, readable from any thread.
 */
public final class PayloadCounters {
    private static final PayloadStatus[] STATUSES = PayloadStatus.values();
    private final AtomicLongArray counts = new AtomicLongArray(STATUSES.length);
    private volatile long units;
    private volatile long lostPackets;
    private volatile long droppedUnits;

    PayloadStatus count(PayloadStatus status) {
        counts.lazySet(status.ordinal(), counts.get(status.ordinal()) + 1);
        return status;
    }

    void unitDelivered() {
        units = units + 1;
    }

    void unitDropped() {
        droppedUnits = droppedUnits + 1;
    }

    void lost(long packets) {
        lostPackets = lostPackets + packets;
    }

    public long get(PayloadStatus status) {
        return counts.get(status.ordinal());
    }

    /** Access units or frames delivered (depacketizer) or packetized (packetizer). */
    public long units() {
        return units;
    }

    /** Units assembled in part and then dropped (gap, corrupt packet, too large). */
    public long droppedUnits() {
        return droppedUnits;
    }

    /** Packets missing according to sequence numbers. */
    public long lostPackets() {
        return lostPackets;
    }

    /** The non-zero status counters, in declaration order. */
    public Map<PayloadStatus, Long> snapshot() {
        Map<PayloadStatus, Long> out = new EnumMap<>(PayloadStatus.class);
        for (PayloadStatus s : STATUSES) {
            long v = counts.get(s.ordinal());
            if (v != 0) {
                out.put(s, v);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "units=" + units + " dropped=" + droppedUnits + " lost=" + lostPackets + " " + snapshot();
    }
}
