package io.mediaplane.ipc;

import com.fasterxml.jackson.annotation.JsonValue;

/** The three Discord transport legs, by the names {@code transport_state} events carry. */
public enum TransportRole {
    VOICE("voice", ErrorCode.VOICE_CONNECT_FAILED),
    STREAM_WATCH("stream_watch", ErrorCode.STREAM_WATCH_CONNECT_FAILED),
    STREAM_PUBLISH("stream_publish", ErrorCode.STREAM_PUBLISH_CONNECT_FAILED);

    private final String wireName;
    private final ErrorCode connectFailed;

    TransportRole(String wireName, ErrorCode connectFailed) {
        this.wireName = wireName;
        this.connectFailed = connectFailed;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The error code a failed connection of this leg is reported with. */
    public ErrorCode connectFailed() {
        return connectFailed;
    }
}
