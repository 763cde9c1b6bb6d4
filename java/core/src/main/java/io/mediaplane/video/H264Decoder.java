package io.mediaplane.video;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.mediaplane.codec.AnnexB;
import io.mediaplane.codec.H264;
import io.mediaplane.codec.H264Sps;
import io.mediaplane.codec.H264SpsParser;
import io.mediaplane.ffi.OpenH264;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.Set;

/**
 * H.264 decoding with OpenH264 (libopenh264 2.3.1) through FFM: one persistent decoder per stream, Annex B access
 * units in, {@link I420Picture}s out.
 *
 * <p>Every access unit is checked before the library sees it: size, Annex B framing (B.1), the forbidden bit and
 * NAL types (§7.4.1), and each SPS. Streams OpenH264 cannot decode correctly are refused rather than decoded into
 * garbage: an SPS that allows output reordering (B-frames; {@link H264Sps#reorderingPossible()}; OpenH264 2.3.1
 * decodes such streams wrongly and reports no error), interlaced coding, anything but 8-bit 4:2:0, data
 * partitioning, and pictures above {@link DecoderOptions#maxPixels()}.
 *
 * <p>The library decodes with {@code DecodeFrameNoDelay} (one picture per access unit, no reordering delay) and
 * conceals lost slices by copying from the previous picture, also across IDRs
 * ({@code ERROR_CON_SLICE_COPY_CROSS_IDR}); such pictures come out as {@link DecodeStatus#PICTURE_CONCEALED}.
 * The raw {@code DECODING_STATE} flags of the last call are {@link #nativeState()}.
 *
 * <p>After {@link DecoderOptions#maxConsecutiveErrors()} errors in a row the native decoder is re-created at the
 * start of the next call, units are dropped until an IDR, and the keyframe callback is called (it is also called
 * when a stream starts without an IDR). Native memory comes from one arena per decoder, freed by {@link #close()}.
 *
 * <p>The picture is OpenH264's own buffer, valid until the next {@code decode}, {@code reset} or {@code close}.
 * Not thread-safe: one thread at a time.
 */
public final class H264Decoder extends NativeVideoDecoder {
    private static final int MAX_NAL_UNITS = 256;
    private static final int BUFFER_READY = 1;
    /** Flags that mean something went wrong with the unit (all but dsFramePending). */
    private static final int ERROR_FLAGS = ~0x01;
    private static final int FRAME_PENDING = 0x01;

    private final MemorySegment param;
    private final MemorySegment planes;
    private final MemorySegment info;
    private final MemorySegment option;
    private final long[] nalOffsets = new long[MAX_NAL_UNITS];
    private final int[] nalLengths = new int[MAX_NAL_UNITS];
    private OpenH264.DecoderFunctions decoder;
    private DecodeStatus streamRefusal;
    private H264Sps sps;
    private int nativeState;

    private H264Decoder(DecoderOptions options) {
        super(options);
        this.param = arena.allocate(OpenH264.DECODING_PARAM);
        this.planes = arena.allocate(ADDRESS, 3);
        this.info = arena.allocate(OpenH264.BUFFER_INFO);
        this.option = arena.allocate(JAVA_INT);
    }

    /** A decoder with the default limits and no keyframe callback. */
    public static H264Decoder create() {
        return create(DecoderOptions.defaults());
    }

    /**
     * A decoder; throws {@link io.mediaplane.ffi.NativeUnavailableException} when libopenh264 cannot be loaded and
     * {@link IllegalStateException} when the library refuses to initialise one.
     */
    public static H264Decoder create(DecoderOptions options) {
        Objects.requireNonNull(options, "options");
        OpenH264.library().ensureAvailable();
        return opened(new H264Decoder(options));
    }

    @Override
    void openNative() {
        MemorySegment pointer = OpenH264.createDecoder();
        OpenH264.DecoderFunctions fns;
        try {
            fns = OpenH264.DecoderFunctions.of(pointer);
            option.set(JAVA_INT, 0, OpenH264.WELS_LOG_QUIET);
            fns.setOption(OpenH264.DECODER_OPTION_TRACE_LEVEL, option);
            param.fill((byte) 0);
            param.set(JAVA_INT, OpenH264.DECODING_PARAM_EC_ACTIVE_IDC, OpenH264.ERROR_CON_SLICE_COPY_CROSS_IDR);
            param.set(JAVA_INT, OpenH264.DECODING_PARAM_VIDEO_PROPERTY_SIZE, 8);
            param.set(JAVA_INT, OpenH264.DECODING_PARAM_VIDEO_BS_TYPE, OpenH264.VIDEO_BITSTREAM_AVC);
            long rc = fns.initialize(param);
            if (rc != 0) {
                throw new IllegalStateException("OpenH264 Initialize failed with " + rc);
            }
            option.set(JAVA_INT, 0, OpenH264.ERROR_CON_SLICE_COPY_CROSS_IDR);
            rc = fns.setOption(OpenH264.DECODER_OPTION_ERROR_CON_IDC, option);
            if (rc != 0) {
                fns.uninitialize();
                throw new IllegalStateException("OpenH264 refused error concealment mode "
                        + OpenH264.ERROR_CON_SLICE_COPY_CROSS_IDR + " (status " + rc + ")");
            }
        } catch (RuntimeException e) {
            OpenH264.destroyDecoder(pointer);
            throw e;
        }
        decoder = fns;
    }

    @Override
    void closeNative() {
        if (decoder != null) {
            OpenH264.DecoderFunctions d = decoder;
            decoder = null;
            d.uninitialize();
            OpenH264.destroyDecoder(d.decoder());
        }
    }

    @Override
    void clearNativeResult() {
        nativeState = 0;
    }

    @Override
    DecodeStatus decodeUnit(MemorySegment s, long offset, int length) {
        long end = offset + length;
        long first = AnnexB.findStartCode(s, offset, end);
        if (first == end) {
            return DecodeStatus.NOT_ANNEX_B;
        }
        for (long p = offset; p < first; p++) {
            if (s.get(ValueLayout.JAVA_BYTE, p) != 0) { // only leading_zero_8bits may precede it (B.1.1)
                return DecodeStatus.NOT_ANNEX_B;
            }
        }
        int n = AnnexB.split(s, offset, length, nalOffsets, nalLengths);
        if (n < 0) {
            return DecodeStatus.BAD_NAL;
        }
        if (n == 0) {
            return DecodeStatus.NOT_ANNEX_B;
        }
        boolean slice = false;
        boolean idr = false;
        for (int i = 0; i < n; i++) {
            int header = s.get(ValueLayout.JAVA_BYTE, nalOffsets[i]) & 0xFF;
            int type = H264.type(header);
            if ((header & 0x80) != 0 || type == 0 || type >= H264.STAP_A) { // 0 and 24..31: unspecified (Table 7-1)
                return DecodeStatus.BAD_NAL;
            }
            switch (type) {
                case H264.NON_IDR_SLICE -> slice = true;
                case H264.IDR_SLICE -> {
                    slice = true;
                    idr = true;
                }
                case H264.SLICE_PARTITION_A, 3, 4 -> {
                    return DecodeStatus.UNSUPPORTED_STREAM; // data partitioning: Extended profile only (A.2.3)
                }
                case H264.SPS -> {
                    DecodeStatus verdict = checkSps(s, nalOffsets[i], nalLengths[i]);
                    if (verdict == DecodeStatus.BAD_SPS) {
                        return verdict;
                    }
                }
                default -> { }
            }
        }
        if (streamRefusal != null) {
            return streamRefusal;
        }
        if (!admit(slice, idr)) { // SPS/PPS-only units pass while waiting: the IDR will need them
            return DecodeStatus.WAITING_FOR_KEYFRAME;
        }
        return decodeNative(s, offset, length, slice);
    }

    /** Sets or clears the stream's refusal from an SPS; the last SPS seen decides (one SPS per stream in practice). */
    private DecodeStatus checkSps(MemorySegment s, long offset, int length) {
        H264Sps parsed = H264SpsParser.parse(s, offset, length);
        if (parsed == null) {
            return DecodeStatus.BAD_SPS;
        }
        sps = parsed;
        if (parsed.reorderingPossible()) {
            streamRefusal = DecodeStatus.REORDERING_UNSUPPORTED;
        } else if (!parsed.frameMbsOnly() || parsed.chromaFormatIdc() != 1 || parsed.bitDepthLuma() != 8
                || (long) parsed.width() * parsed.height() > options.maxPixels()) {
            streamRefusal = DecodeStatus.UNSUPPORTED_STREAM;
        } else {
            streamRefusal = null;
        }
        return streamRefusal == null ? DecodeStatus.NO_PICTURE : streamRefusal;
    }

    private DecodeStatus decodeNative(MemorySegment s, long offset, int length, boolean slice) {
        MemorySegment source = nativeSource(s, offset, length);
        info.fill((byte) 0);
        planes.fill((byte) 0);
        int state = decoder.decodeFrameNoDelay(source, length, planes, info);
        if (slice && (state & ERROR_FLAGS) == 0 && info.get(JAVA_INT, OpenH264.BUFFER_INFO_STATUS) != BUFFER_READY) {
            // OpenH264 2.3.1 holds back a CABAC (Main/High) picture for display reordering even when the SPS says
            // max_num_reorder_frames = 0; streams that could reorder are refused above, so decoding order is
            // display order and the held picture is this one
            info.fill((byte) 0);
            state |= decoder.flushFrame(planes, info);
        }
        nativeState = state;
        if (info.get(JAVA_INT, OpenH264.BUFFER_INFO_STATUS) == BUFFER_READY) {
            I420Picture picture = wrapPicture();
            picture(picture);
            if (picture == null) {
                return DecodeStatus.DECODE_ERROR;
            }
            return (state & ERROR_FLAGS) == 0 ? DecodeStatus.PICTURE : DecodeStatus.PICTURE_CONCEALED;
        }
        return (state & ~FRAME_PENDING) == 0 ? DecodeStatus.NO_PICTURE : DecodeStatus.DECODE_ERROR;
    }

    /** The output planes as segments over OpenH264's buffers, sized from the reported geometry; null if implausible. */
    private I420Picture wrapPicture() {
        int width = info.get(JAVA_INT, OpenH264.BUFFER_INFO_WIDTH);
        int height = info.get(JAVA_INT, OpenH264.BUFFER_INFO_HEIGHT);
        int strideY = info.get(JAVA_INT, OpenH264.BUFFER_INFO_STRIDE_Y);
        int strideUv = info.get(JAVA_INT, OpenH264.BUFFER_INFO_STRIDE_UV);
        MemorySegment y = info.get(ADDRESS, OpenH264.BUFFER_INFO_DST);
        MemorySegment u = info.get(ADDRESS, OpenH264.BUFFER_INFO_DST + ADDRESS.byteSize());
        MemorySegment v = info.get(ADDRESS, OpenH264.BUFFER_INFO_DST + 2 * ADDRESS.byteSize());
        if (width <= 0 || height <= 0 || (long) width * height > options.maxPixels()
                || strideY < width || strideUv < I420Picture.chromaWidth(width)
                || y.equals(MemorySegment.NULL) || u.equals(MemorySegment.NULL) || v.equals(MemorySegment.NULL)) {
            return null;
        }
        int chromaRows = I420Picture.chromaHeight(height);
        return new I420Picture(width, height,
                y.reinterpret((long) strideY * height), strideY,
                u.reinterpret((long) strideUv * chromaRows), v.reinterpret((long) strideUv * chromaRows), strideUv);
    }

    /** The raw {@code DECODING_STATE} of the last call's native decode (0 = error free, or not called). */
    public int nativeState() {
        return nativeState;
    }

    /** {@link #nativeState()} as flags. */
    public Set<OpenH264State> nativeFlags() {
        return OpenH264State.of(nativeState);
    }

    /** The last SPS seen in the stream, or null. */
    public H264Sps sps() {
        return sps;
    }
}
