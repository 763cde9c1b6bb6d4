package io.mediaplane.net;

/** Monotonic time for consent freshness and timeouts; tests inject a fake one. */
@FunctionalInterface
public interface TransportClock {
    TransportClock SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanos();
}
