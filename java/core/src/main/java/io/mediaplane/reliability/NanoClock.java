package io.mediaplane.reliability;

/**
 * The time source of a session: a monotonic reading in nanoseconds, plus the wall-clock instant a reading stands
 * for (sender reports carry wall-clock NTP time, RFC 3550 §6.4.1). Injected so that tests run on a manual clock.
 */
public interface NanoClock {
    /** A monotonic reading in nanoseconds; only differences mean anything. */
    long nanos();

    /** The wall-clock time, in nanoseconds since 1970-01-01 UTC, at which {@link #nanos()} read {@code nanos}. */
    long unixNanos(long nanos);

    /** {@link System#nanoTime()}, mapped to the wall clock once, when this is called. */
    static NanoClock system() {
        long offset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        return new NanoClock() {
            @Override
            public long nanos() {
                return System.nanoTime();
            }

            @Override
            public long unixNanos(long nanos) {
                return nanos + offset;
            }
        };
    }
}
