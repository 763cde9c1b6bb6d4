package io.mediaplane.stream;

/** A subscription asked for a key that has no publisher, without {@link SubscribeOptions#followRepublish()}. */
public final class StreamNotPublishedException extends IllegalStateException {
    private final StreamKey key;

    public StreamNotPublishedException(StreamKey key) {
        super("stream " + key + " has no publisher; subscribe with followRepublish to wait for one");
        this.key = key;
    }

    public StreamKey key() {
        return key;
    }
}
