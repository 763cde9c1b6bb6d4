package io.mediaplane.stream;

/**
 * Receives what {@link Subscription#poll(FrameHandler, int)} delivers, on the polling thread.
 *
 * <p>The frame is lent for the duration of {@link #onFrame}: to keep it longer, {@link Frame#retain()} it and
 * {@link Frame#release()} it later. Never write into it.
 */
@FunctionalInterface
public interface FrameHandler {
    /**
     * One frame, in publish order. {@code replay} is true for codec configuration and cached-GOP frames sent to a
     * late joiner: they were published before it joined, so an egress may send them without pacing them to their
     * timestamps, mark them, or drop non-reference ones, instead of playing the past GOP "very fast".
     */
    void onFrame(Frame frame, long sequence, boolean replay);

    /**
     * The subscriber fell behind and {@code skippedFrames} frames were not delivered; delivery resumes at
     * {@code resumeSequence}, a keyframe, or (if none was buffered) the next keyframe to be published.
     */
    default void onGap(long skippedFrames, long resumeSequence) {}

    /**
     * The publication ended for this subscriber. If the subscription follows the key
     * ({@link SubscribeOptions#followRepublish()}) and the reason is not {@link EndReason#EVICTED}, its state is
     * {@link SubscriptionState#WAITING_FOR_PUBLISHER} afterwards and frames of the next publication follow.
     */
    default void onEnd(EndReason reason) {}
}
