package io.mediaplane.video;

/** What one {@link JpegEncoder#encode} call did. */
public enum JpegStatus {
    /** {@link JpegEncoder#jpeg()} holds the picture. */
    ENCODED,
    /** The JPEG library failed on this picture ({@link JpegEncoder#lastError()} says why). */
    ENCODER_ERROR
}
