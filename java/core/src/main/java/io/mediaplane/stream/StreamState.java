package io.mediaplane.stream;

/** Whether a registered stream currently has a publisher. */
public enum StreamState {
    LIVE,
    /** No publisher; subscriptions that follow the key are waiting for the next one. */
    WAITING_FOR_PUBLISHER
}
