package io.mediaplane.video;

/** What one {@link H264Encoder#encode} call did. Only {@link #ENCODED} leaves an access unit to read. */
public enum EncodeStatus {
    /** An access unit is ready ({@link H264Encoder#accessUnit()}). */
    ENCODED,
    /** Rate control dropped this picture to hold the bitrate; nothing to send. */
    SKIPPED,
    /** The picture's size differs from the encoder's; convert or scale it first. */
    WRONG_SIZE,
    /** The encoder returned an error for this picture. */
    ENCODER_ERROR,
    /** The access unit did not fit the output buffer (a pathological bitrate setting). */
    OUTPUT_TOO_LARGE
}
