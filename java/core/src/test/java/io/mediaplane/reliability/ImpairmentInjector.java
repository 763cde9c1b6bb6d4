package io.mediaplane.reliability;

import java.util.Random;

/**
 * A deterministic network impairment between a sender and a receiver: each datagram is lost, delayed past the
 * ones after it (reordered) or duplicated with fixed probabilities drawn from a seeded generator, so a failing run
 * reproduces exactly.
 */
final class ImpairmentInjector {
    interface Link {
        void deliver(byte[] datagram, long arrivalNanos);
    }

    private final Random random;
    private final double loss;
    private final double reorder;
    private final double duplicate;
    private final long delayNanos;
    private final long reorderDelayNanos;
    long sent;
    long lost;
    long reordered;
    long duplicated;

    ImpairmentInjector(long seed, double loss, double reorder, double duplicate, long delayNanos,
            long reorderDelayNanos) {
        this.random = new Random(seed);
        this.loss = loss;
        this.reorder = reorder;
        this.duplicate = duplicate;
        this.delayNanos = delayNanos;
        this.reorderDelayNanos = reorderDelayNanos;
    }

    /** Sends one datagram at {@code nowNanos}; returns false when it was lost. */
    boolean send(byte[] datagram, long nowNanos, Link link) {
        sent++;
        double r = random.nextDouble();
        if (r < loss) {
            lost++;
            return false;
        }
        long arrival = nowNanos + delayNanos;
        if (r < loss + reorder) {
            reordered++;
            arrival += reorderDelayNanos; // the packets sent after it overtake it
        }
        link.deliver(datagram.clone(), arrival);
        if (random.nextDouble() < duplicate) {
            duplicated++;
            link.deliver(datagram.clone(), arrival + 1_000_000L);
        }
        return true;
    }
}
