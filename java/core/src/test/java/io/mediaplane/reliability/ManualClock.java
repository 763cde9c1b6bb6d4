package io.mediaplane.reliability;

/** A clock tests move by hand; its wall clock is a fixed instant plus the reading. */
final class ManualClock implements NanoClock {
    /** 2026-01-01T00:00:00Z. */
    static final long WALL_ORIGIN = 1_767_225_600L * 1_000_000_000L;
    private long now;

    @Override
    public long nanos() {
        return now;
    }

    @Override
    public long unixNanos(long nanos) {
        return WALL_ORIGIN + nanos;
    }

    long advanceMillis(long ms) {
        now += ms * 1_000_000L;
        return now;
    }

    void set(long nanos) {
        now = nanos;
    }
}
