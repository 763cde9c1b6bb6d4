package io.mediaplane.stream;

/** Why a subscription stopped receiving a publication's frames. */
public enum EndReason {
    /** The publisher closed its stream. */
    PUBLISHER_ENDED,
    /** A newer publisher took the key over ({@link PublishOptions#takeOver()}). */
    PUBLISHER_REPLACED,
    /** The subscriber fell further behind than {@link SubscribeOptions#evictLag()} or skipped too often. */
    EVICTED,
    /** The registry was closed. */
    REGISTRY_CLOSED
}
