package io.mediaplane.discord;

/** Kinds of trouble a leg reports through {@link LegListener#onError} without stopping. */
public enum LegError {
    /** A gateway message that is not JSON, lacks {@code op}, or whose payload is missing required fields. */
    MALFORMED_GATEWAY_MESSAGE,
    /** A well-formed message that makes no sense in the current state (e.g. a second Ready). */
    UNEXPECTED_GATEWAY_MESSAGE,
    /** A binary gateway frame too short to carry {@code [u16 seq][u8 op]}. */
    MALFORMED_BINARY_FRAME,
    /** The server offered no encryption mode we implement. */
    NO_SUPPORTED_MODE,
    /** UDP IP discovery timed out or got a malformed response. */
    IP_DISCOVERY_FAILED,
    /** UDP keepalives went unanswered: the path is considered lost. */
    UDP_PATH_LOST,
    /** The WebSocket could not be opened. */
    CONNECT_FAILED,
    /** The publish source (e.g. the FFmpeg process) failed. */
    PUBLISH_SOURCE_FAILED
}
