package io.mediaplane.ipc;

import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code code} of an {@code error} event, by wire name. */
public enum ErrorCode {
    /** Unknown {@code type}, or a field missing or of the wrong JSON type or value; the event names the field. */
    INVALID_REQUEST("invalid_request"),
    /** The line is not one JSON value. */
    INVALID_JSON("invalid_json"),
    /** The line is longer than {@link LineReader#MAX_LINE_BYTES}; it was discarded unread. */
    INPUT_TOO_LARGE("input_too_large"),
    /** A well-formed audio or music command: this media plane does not carry those out (yet). */
    UNSUPPORTED_COMMAND("unsupported_command"),
    VOICE_CONNECT_FAILED("voice_connect_failed"),
    STREAM_WATCH_CONNECT_FAILED("stream_watch_connect_failed"),
    STREAM_PUBLISH_CONNECT_FAILED("stream_publish_connect_failed"),
    VOICE_RUNTIME_ERROR("voice_runtime_error");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
