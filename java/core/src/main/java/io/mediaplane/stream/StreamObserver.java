package io.mediaplane.stream;

/**
 * Stream lifecycle and subscriber events, for stats, logs and control-plane notifications. Called on the thread
 * that caused the event (publisher, subscriber or control thread), so implementations must be quick and
 * thread-safe; an exception thrown here is counted and otherwise ignored.
 */
public interface StreamObserver {
    default void onStreamStarted(StreamKey key, boolean tookOver) {}

    default void onStreamEnded(StreamKey key, EndReason reason) {}

    default void onSubscriberJoined(StreamKey key, long subscriberId, long replayFrames) {}

    default void onSubscriberLeft(StreamKey key, long subscriberId) {}

    /** The subscriber skipped {@code skippedFrames} frames to catch up. */
    default void onSubscriberLagged(StreamKey key, long subscriberId, long skippedFrames) {}

    default void onSubscriberEvicted(StreamKey key, long subscriberId) {}

    /** A video keyframe was published; called on the publishing thread. */
    default void onKeyframe(StreamKey key, long sequence, long pts) {}
}
