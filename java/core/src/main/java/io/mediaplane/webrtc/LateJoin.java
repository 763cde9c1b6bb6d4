package io.mediaplane.webrtc;

/** How a viewer joining a live publication gets its first decodable picture. */
public enum LateJoin {
    /**
     * Replay the publisher's current group of pictures ({@link RtpGopCache}) through the viewer's rewrite at once,
     * then continue live, the replayed pictures' timestamps moved to just before the live one (each one tick after
     * the previous), so the viewer decodes them all at once and shows live; when the group is not cached (none yet,
     * or over the bound), ask as {@link #KEYFRAME_REQUEST}.
     */
    GOP_REPLAY,
    /**
     * As {@link #GOP_REPLAY}, but the replayed pictures keep the timestamps the publisher gave them, spaced as sent:
     * the viewer then plays the group out over its whole length and stays that far behind live.
     */
    GOP_REPLAY_SPACED,
    /** Wait for the next keyframe, asked for with one coalesced PLI/FIR (RFC 4585 §6.3.1, RFC 5104 §4.3.1). */
    KEYFRAME_REQUEST
}
