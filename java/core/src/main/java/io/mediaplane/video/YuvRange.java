package io.mediaplane.video;

/**
 * The quantisation range of 8-bit YCbCr samples. Video (H264, VP8 decoders, and what the encoders take) uses the
 * limited range of ITU-R BT.601 §2.5.3: luma 16..235, chroma 16..240. JPEG/JFIF (JFIF 1.02 §7) uses the full range
 * 0..255 for all three.
 */
public enum YuvRange {
    /** Luma 16..235, chroma 16..240: decoder output. */
    LIMITED,
    /** 0..255: what JPEG decoders assume. */
    FULL
}
