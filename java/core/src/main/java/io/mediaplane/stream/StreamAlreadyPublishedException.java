package io.mediaplane.stream;

/** A second publisher asked for a key that is live, without {@link PublishOptions#takeOver()}. */
public final class StreamAlreadyPublishedException extends IllegalStateException {
    private final StreamKey key;

    public StreamAlreadyPublishedException(StreamKey key) {
        super("stream " + key + " already has a publisher; close it first or publish with takeOver");
        this.key = key;
    }

    public StreamKey key() {
        return key;
    }
}
