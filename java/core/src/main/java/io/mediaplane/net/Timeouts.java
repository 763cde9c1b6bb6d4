package io.mediaplane.net;

import java.time.Duration;
import java.util.Objects;

/** Timeout arithmetic shared by the socket backends. */
final class Timeouts {
    private Timeouts() {}

    /** {@code timeout} in nanoseconds, saturating at ~292 years; negative timeouts are misuse. */
    static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2; // deadline = now + this must not overflow
        }
    }

    /** Remaining nanoseconds as poll(2)/select milliseconds, rounded up so a wait never ends early. */
    static int pollMillis(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        long ms = (nanos + 999_999) / 1_000_000;
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }
}
