package io.mediaplane.webrtc;

/** How a viewer joining a live publication gets its first decodable picture. */
public enum LateJoin {
    /**
     * Replay the publisher's current group of pictures ({@link RtpGopCache}) through the viewer's rewrite at once,
     * then continue live; when the group is not cached (none yet, or over the bound), ask as below.
     */
    GOP_REPLAY,
    /** Wait for the next keyframe, asked for with one coalesced PLI/FIR (RFC 4585 §6.3.1, RFC 5104 §4.3.1). */
    KEYFRAME_REQUEST
}
