package io.mediaplane.webrtc;

/** The outcome of creating a WHIP or WHEP session. */
public sealed interface SessionResult {

    record Created(WebRtcSession session, String answer) implements SessionResult { }

    /** The offer could not be answered (400, 406, 422). */
    record Refused(Refusal reason, String detail) implements SessionResult { }

    /**
     * No session now, try later: {@code httpStatus} 503 when a capacity limit is reached, 409 for a WHEP viewer of
     * a room nobody publishes in (draft-ietf-wish-whep §4.1).
     */
    record Unavailable(int httpStatus, int retryAfterSeconds, String detail) implements SessionResult { }
}
