package io.mediaplane.webrtc;

/** Which side of a room a session is: a WHIP publisher (RFC 9725) or a WHEP viewer. */
public enum SessionKind {
    WHIP, WHEP
}
