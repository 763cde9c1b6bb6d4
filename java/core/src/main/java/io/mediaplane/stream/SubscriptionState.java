package io.mediaplane.stream;

/** Where a {@link Subscription} is in its life. Terminal states deliver nothing more. */
public enum SubscriptionState {
    /** Reading frames (cached replay first, then live). */
    ACTIVE,
    /** Dropping frames until the next keyframe: after joining without a cache, a skip that found no keyframe, or a republish. */
    AWAITING_KEYFRAME,
    /** The publication ended; this subscription follows the key and resumes with the next publisher's first keyframe. */
    WAITING_FOR_PUBLISHER,
    ENDED(true),
    EVICTED(true),
    CLOSED(true);

    private final boolean terminal;

    SubscriptionState() {
        this(false);
    }

    SubscriptionState(boolean terminal) {
        this.terminal = terminal;
    }

    public boolean isTerminal() {
        return terminal;
    }
}
