package io.mediaplane.stream;

/**
 * The right to publish on one key, from one thread at a time. {@link #publish(Frame)} costs the same whatever the
 * number of subscribers and never waits for any of them; {@link #close()} ends the publication (every subscriber
 * receives the end).
 */
public final class Publisher implements AutoCloseable {
    private final Stream stream;
    private volatile boolean closed;

    Publisher(Stream stream) {
        this.stream = stream;
    }

    public StreamKey key() {
        return stream.key;
    }

    /**
     * Publishes a frame from a {@link FramePool}, taking over the caller's only reference (the caller must not
     * touch the frame afterwards, whatever the status). Throws only for misuse: a frame published twice, or one
     * whose reference was shared before publishing.
     */
    public PublishStatus publish(Frame frame) {
        frame.seal();
        Stream s = stream;
        s.lockGate();
        Publisher owner = s.producer;
        if (owner != this) {
            s.unlockGate();
            frame.release();
            return closed || owner == null ? PublishStatus.CLOSED : PublishStatus.REPLACED;
        }
        boolean videoKeyframe = frame.isKeyframe() && frame.codec().isVideo();
        long pts = frame.pts();
        long seq = s.write(frame); // the frame may be freed from here on: only use what was read before
        s.unlockGate();
        s.wakeArmed();
        if (videoKeyframe) {
            s.registry.keyframe(s.key, seq, pts);
        }
        return PublishStatus.PUBLISHED;
    }

    /** Whether this publisher still owns its key. */
    public boolean isLive() {
        return !closed && stream.producer == this;
    }

    /** Frames published on this key so far (by every publisher of the stream). */
    public long publishedFrames() {
        return stream.publishedFrames();
    }

    /** Ends the publication if this publisher still owns the key; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            stream.registry.endPublication(stream, this);
        }
    }
}
