package io.mediaplane.video;

import java.util.Objects;

/**
 * Settings shared by the decoders.
 *
 * @param maxConsecutiveErrors after this many units in a row with an error status ({@link DecodeStatus#isError()})
 *                             the native decoder is re-created and a keyframe requested
 * @param maxUnitSize          largest access unit or frame accepted, in bytes; larger ones are refused unread
 * @param maxPixels            largest picture (width × height) accepted; larger streams are refused before the
 *                             library allocates for them
 * @param keyframeRequest      called (on the decoding thread) when the decoder needs a keyframe: at the start of
 *                             a stream joined mid-GOP and after a reset; the RTP layer turns it into a PLI
 */
public record DecoderOptions(int maxConsecutiveErrors, int maxUnitSize, long maxPixels, Runnable keyframeRequest) {
    public static final int DEFAULT_MAX_CONSECUTIVE_ERRORS = 50;
    /** 8 MiB: far above any 4K access unit at streaming bitrates. */
    public static final int DEFAULT_MAX_UNIT_SIZE = 8 << 20;
    /** 4096 × 2304: H.264 level 5.1/5.2's largest frame (36 864 macroblocks, Table A-1). */
    public static final long DEFAULT_MAX_PIXELS = 4096L * 2304;

    public DecoderOptions {
        Objects.requireNonNull(keyframeRequest, "keyframeRequest");
        if (maxConsecutiveErrors < 1 || maxUnitSize < 1 || maxPixels < 1) {
            throw new IllegalArgumentException("decoder limits must be positive: errors=" + maxConsecutiveErrors
                    + " unit=" + maxUnitSize + " pixels=" + maxPixels);
        }
    }

    public static DecoderOptions defaults() {
        return new DecoderOptions(DEFAULT_MAX_CONSECUTIVE_ERRORS, DEFAULT_MAX_UNIT_SIZE, DEFAULT_MAX_PIXELS, () -> {});
    }

    public DecoderOptions withKeyframeRequest(Runnable request) {
        return new DecoderOptions(maxConsecutiveErrors, maxUnitSize, maxPixels, request);
    }

    public DecoderOptions withMaxConsecutiveErrors(int errors) {
        return new DecoderOptions(errors, maxUnitSize, maxPixels, keyframeRequest);
    }
}
