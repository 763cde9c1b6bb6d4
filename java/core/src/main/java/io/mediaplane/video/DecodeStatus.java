package io.mediaplane.video;

/**
 * What a decoder did with one access unit (H264) or frame (VP8). Hot-path errors are values: anything but
 * {@link #PICTURE} and {@link #NO_PICTURE} is counted in {@link DecoderCounters}, and statuses marked as errors
 * count towards the decoder's automatic reset.
 */
public enum DecodeStatus {
    PICTURE(false, "decoded: a picture is ready (valid until the decoder's next call)"),
    PICTURE_CONCEALED(true, "a picture is ready, but parts were lost and concealed from the previous picture"),
    NO_PICTURE(false, "accepted; no picture from this unit (parameter sets only, or a frame the decoder skipped)"),
    EMPTY(false, "no bytes"),
    TOO_LARGE(true, "unit larger than the decoder's configured maximum"),
    NOT_ANNEX_B(true, "H264 unit does not begin with a start code 00 00 01 (H.264 Annex B.1)"),
    BAD_NAL(true, "H264 NAL unit with the forbidden bit set, a reserved type, or too many NAL units (H.264 §7.4.1)"),
    BAD_SPS(true, "H264 sequence parameter set that does not parse (H.264 §7.3.2.1.1)"),
    REORDERING_UNSUPPORTED(false, "H264 stream whose SPS allows B-frames/reordering: OpenH264 decodes such streams"
            + " wrongly without reporting an error, so they are refused (needs max_num_reorder_frames = 0)"),
    UNSUPPORTED_STREAM(false, "stream this decoder cannot decode correctly (interlaced, not 8-bit 4:2:0, too many"
            + " pixels, or a VP8 frame of an unsupported version)"),
    BAD_FRAME_HEADER(true, "VP8 frame header too short or inconsistent (RFC 6386 §9.1)"),
    WAITING_FOR_KEYFRAME(true, "no keyframe since the start or the last reset: the unit is dropped until one"
            + " arrives (a keyframe was requested)"),
    DECODE_ERROR(true, "the library reported an error for this unit (see the decoder's last native state)");

    private final boolean error;
    private final String meaning;

    DecodeStatus(boolean error, String meaning) {
        this.error = error;
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    /** A picture is available from the decoder. */
    public boolean hasPicture() {
        return this == PICTURE || this == PICTURE_CONCEALED;
    }

    /** Counts towards the consecutive-error reset (a refusal of the whole stream does not: a reset cannot fix it). */
    public boolean isError() {
        return error;
    }
}
