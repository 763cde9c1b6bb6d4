package io.mediaplane.net;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** One counter per {@link PortEvent}; lock-free, written by the receive thread, readable from any thread. */
public final class PortCounters {
    private static final PortEvent[] EVENTS = PortEvent.values();
    private final AtomicLongArray counts = new AtomicLongArray(EVENTS.length);

    void count(PortEvent e) {
        counts.getAndIncrement(e.ordinal());
    }

    public long get(PortEvent e) {
        return counts.get(e.ordinal());
    }

    /** Every datagram dropped, whatever the reason. */
    public long dropped() {
        long sum = 0;
        for (PortEvent e : EVENTS) {
            if (e.dropped()) {
                sum += counts.get(e.ordinal());
            }
        }
        return sum;
    }

    /** The non-zero counters in declaration order. */
    public Map<PortEvent, Long> snapshot() {
        Map<PortEvent, Long> out = new EnumMap<>(PortEvent.class);
        for (PortEvent e : EVENTS) {
            long v = counts.get(e.ordinal());
            if (v != 0) {
                out.put(e, v);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
