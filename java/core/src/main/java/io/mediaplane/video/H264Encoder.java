package io.mediaplane.video;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.mediaplane.ffi.OpenH264;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An OpenH264 encoder (constrained baseline, one spatial and temporal layer): {@link I420Picture} in, one Annex-B
 * access unit out per picture, with 4-byte start codes, SPS and PPS in front of every IDR. Not thread-safe: one
 * publishing thread drives it. Its native memory lives in one arena, released by {@link #close()}.
 *
 * <p>Per-picture problems are {@link EncodeStatus} values and counters; only misuse (a closed encoder) and
 * configuration the library refuses throw.
 */
public final class H264Encoder implements AutoCloseable {
    private final H264EncoderConfig config;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment encoder;
    private final MemorySegment source;
    private final MemorySegment info;
    private final MemorySegment option;
    private final MemorySegment output;
    /** Native copy of a heap picture: the encoder call is not a critical one, so it cannot read the Java heap. */
    private MemorySegment staging;
    private long accessUnitLength;
    private int frameType = OpenH264.FRAME_TYPE_INVALID;
    private boolean keyFrameRequested;
    private boolean closed;

    private long encoded;
    private long keyFrames;
    private long skipped;
    private long wrongSize;
    private long errors;
    private long tooLarge;

    private H264Encoder(H264EncoderConfig config) {
        this.config = config;
        OpenH264.library().ensureAvailable();
        MemorySegment created = OpenH264.createEncoder();
        try {
            MemorySegment params = arena.allocate(OpenH264.ENC_PARAM_SIZE, 8);
            check(OpenH264.encoderGetDefaultParams(created, params), "GetDefaultParams");
            configure(params, config);
            MemorySegment level = arena.allocate(JAVA_INT);
            level.set(JAVA_INT, 0, OpenH264.LOG_QUIET); // failures come back as return values instead
            OpenH264.encoderSetOption(created, OpenH264.ENCODER_OPTION_TRACE_LEVEL, level);
            check(OpenH264.encoderInitializeExt(created, params), "InitializeExt");
        } catch (RuntimeException e) {
            OpenH264.destroyEncoder(created);
            arena.close();
            throw e;
        }
        this.encoder = created;
        this.source = arena.allocate(OpenH264.SOURCE_PICTURE_SIZE, 8);
        this.info = arena.allocate(OpenH264.FRAME_BS_SIZE, 8);
        this.option = arena.allocate(OpenH264.BITRATE_INFO_SIZE, 8);
        // An intra picture at a low QP stays well under the raw picture size; the slack covers headers.
        this.output = arena.allocate(I420Picture.packedSize(config.width(), config.height()) + 65_536, 64);
    }

    /**
     * Creates and initialises an encoder.
     *
     * @throws io.mediaplane.ffi.NativeUnavailableException when libopenh264 cannot be used
     * @throws IllegalArgumentException when OpenH264 refuses the configuration
     */
    public static H264Encoder open(H264EncoderConfig config) {
        return new H264Encoder(config);
    }

    private static void configure(MemorySegment p, H264EncoderConfig c) {
        p.set(JAVA_INT, OpenH264.ENC_PARAM_USAGE_TYPE, c.content().code);
        p.set(JAVA_INT, OpenH264.ENC_PARAM_PIC_WIDTH, c.width());
        p.set(JAVA_INT, OpenH264.ENC_PARAM_PIC_HEIGHT, c.height());
        p.set(JAVA_INT, OpenH264.ENC_PARAM_TARGET_BITRATE, c.bitrate());
        p.set(JAVA_INT, OpenH264.ENC_PARAM_RC_MODE, c.rateControl().code);
        p.set(JAVA_FLOAT, OpenH264.ENC_PARAM_MAX_FRAME_RATE, c.frameRate());
        p.set(JAVA_INT, OpenH264.ENC_PARAM_TEMPORAL_LAYER_NUM, 1);
        p.set(JAVA_INT, OpenH264.ENC_PARAM_SPATIAL_LAYER_NUM, 1);
        p.set(JAVA_INT, OpenH264.ENC_PARAM_INTRA_PERIOD, c.keyFrameInterval());
        p.set(JAVA_INT, OpenH264.ENC_PARAM_NUM_REF_FRAME, 1);
        p.set(JAVA_INT, OpenH264.ENC_PARAM_SPS_PPS_ID_STRATEGY, 0); // CONSTANT_ID: receivers may cache SPS/PPS
        p.set(JAVA_BYTE, OpenH264.ENC_PARAM_PREFIX_NAL_ADDING, (byte) 0); // SVC prefix NALs are not baseline
        p.set(JAVA_BYTE, OpenH264.ENC_PARAM_ENABLE_SSEI, (byte) 0);
        p.set(JAVA_INT, OpenH264.ENC_PARAM_ENTROPY_CODING_MODE, 0); // CAVLC: baseline has no CABAC
        p.set(JAVA_BYTE, OpenH264.ENC_PARAM_ENABLE_FRAME_SKIP, (byte) (c.allowFrameSkip() ? 1 : 0));
        p.set(JAVA_INT, OpenH264.ENC_PARAM_MAX_BITRATE, c.maxBitrate());
        p.set(JAVA_BYTE, OpenH264.ENC_PARAM_ENABLE_LONG_TERM_REFERENCE, (byte) 0);
        p.set(JAVA_SHORT, OpenH264.ENC_PARAM_MULTIPLE_THREAD_IDC, (short) c.threads());
        long layer = OpenH264.ENC_PARAM_SPATIAL_LAYERS;
        p.set(JAVA_INT, layer + OpenH264.SPATIAL_LAYER_VIDEO_WIDTH, c.width());
        p.set(JAVA_INT, layer + OpenH264.SPATIAL_LAYER_VIDEO_HEIGHT, c.height());
        p.set(JAVA_FLOAT, layer + OpenH264.SPATIAL_LAYER_FRAME_RATE, c.frameRate());
        p.set(JAVA_INT, layer + OpenH264.SPATIAL_LAYER_SPATIAL_BITRATE, c.bitrate());
        p.set(JAVA_INT, layer + OpenH264.SPATIAL_LAYER_MAX_SPATIAL_BITRATE, c.maxBitrate());
        p.set(JAVA_INT, layer + OpenH264.SPATIAL_LAYER_PROFILE_IDC, OpenH264.PROFILE_BASELINE);
        p.set(JAVA_INT, layer + OpenH264.SPATIAL_LAYER_SLICE_MODE, OpenH264.SLICE_MODE_SINGLE);
    }

    private static void check(int status, String call) {
        if (status != 0) {
            throw new IllegalArgumentException("OpenH264 " + call + " refused the configuration (status " + status
                    + ")");
        }
    }

    public H264EncoderConfig config() {
        return config;
    }

    /** Makes the next encoded picture an IDR (with SPS and PPS), e.g. on a receiver's PLI or a new subscriber. */
    public void requestKeyFrame() {
        ensureOpen();
        keyFrameRequested = true;
    }

    /**
     * Encodes one picture. On {@link EncodeStatus#ENCODED}, {@link #accessUnit()} holds the result until the next
     * call.
     *
     * @param timestampMillis presentation time in milliseconds (rate control in {@code TIMESTAMP} mode uses it)
     */
    public EncodeStatus encode(I420Picture picture, long timestampMillis) {
        ensureOpen();
        accessUnitLength = 0;
        frameType = OpenH264.FRAME_TYPE_INVALID;
        if (picture.width() != config.width() || picture.height() != config.height()) {
            wrongSize++;
            return EncodeStatus.WRONG_SIZE;
        }
        I420Picture in = picture.y().isNative() && picture.u().isNative() && picture.v().isNative()
                ? picture : stage(picture);
        source.set(JAVA_INT, OpenH264.SOURCE_PICTURE_COLOR_FORMAT, OpenH264.VIDEO_FORMAT_I420);
        source.set(JAVA_INT, OpenH264.SOURCE_PICTURE_STRIDES, in.strideY());
        source.set(JAVA_INT, OpenH264.SOURCE_PICTURE_STRIDES + 4, in.strideUv());
        source.set(JAVA_INT, OpenH264.SOURCE_PICTURE_STRIDES + 8, in.strideUv());
        source.set(JAVA_INT, OpenH264.SOURCE_PICTURE_STRIDES + 12, 0);
        source.set(ADDRESS, OpenH264.SOURCE_PICTURE_PLANES, in.y());
        source.set(ADDRESS, OpenH264.SOURCE_PICTURE_PLANES + 8, in.u());
        source.set(ADDRESS, OpenH264.SOURCE_PICTURE_PLANES + 16, in.v());
        source.set(ADDRESS, OpenH264.SOURCE_PICTURE_PLANES + 24, MemorySegment.NULL);
        source.set(JAVA_INT, OpenH264.SOURCE_PICTURE_WIDTH, config.width());
        source.set(JAVA_INT, OpenH264.SOURCE_PICTURE_HEIGHT, config.height());
        source.set(JAVA_LONG, OpenH264.SOURCE_PICTURE_TIMESTAMP, timestampMillis);
        if (keyFrameRequested) {
            OpenH264.encoderForceIntraFrame(encoder, true);
            keyFrameRequested = false;
        }
        int rc = OpenH264.encoderEncodeFrame(encoder, source, info);
        if (rc != 0) {
            errors++;
            return EncodeStatus.ENCODER_ERROR;
        }
        frameType = info.get(JAVA_INT, OpenH264.FRAME_BS_FRAME_TYPE);
        if (frameType == OpenH264.FRAME_TYPE_SKIP) {
            skipped++;
            return EncodeStatus.SKIPPED;
        }
        if (frameType == OpenH264.FRAME_TYPE_INVALID) {
            errors++;
            return EncodeStatus.ENCODER_ERROR;
        }
        return collectLayers();
    }

    /** Copies the layers' NAL units (already Annex-B, start codes included) into one contiguous access unit. */
    private EncodeStatus collectLayers() {
        int layers = info.get(JAVA_INT, OpenH264.FRAME_BS_LAYER_NUM);
        if (layers < 0 || layers > OpenH264.FRAME_BS_MAX_LAYERS) {
            errors++;
            return EncodeStatus.ENCODER_ERROR;
        }
        long length = 0;
        for (int i = 0; i < layers; i++) {
            long base = OpenH264.FRAME_BS_LAYERS + i * OpenH264.LAYER_BS_SIZE;
            int nalCount = info.get(JAVA_INT, base + OpenH264.LAYER_BS_NAL_COUNT);
            MemorySegment lengths = info.get(ADDRESS, base + OpenH264.LAYER_BS_NAL_LENGTHS)
                    .reinterpret(Math.max(0, nalCount) * 4L);
            long layerBytes = 0;
            for (int n = 0; n < nalCount; n++) {
                layerBytes += lengths.getAtIndex(JAVA_INT, n);
            }
            if (layerBytes == 0) {
                continue;
            }
            if (length + layerBytes > output.byteSize()) {
                tooLarge++;
                return EncodeStatus.OUTPUT_TOO_LARGE;
            }
            MemorySegment bits = info.get(ADDRESS, base + OpenH264.LAYER_BS_BUFFER).reinterpret(layerBytes);
            MemorySegment.copy(bits, 0, output, length, layerBytes);
            length += layerBytes;
        }
        if (length == 0) {
            skipped++;
            return EncodeStatus.SKIPPED;
        }
        accessUnitLength = length;
        encoded++;
        if (frameType == OpenH264.FRAME_TYPE_IDR) {
            keyFrames++;
        }
        return EncodeStatus.ENCODED;
    }

    private I420Picture stage(I420Picture p) {
        int w = p.width();
        int h = p.height();
        long size = I420Picture.packedSize(w, h);
        if (staging == null) {
            staging = arena.allocate(size, 64);
        }
        I420Copy.toPacked(p, staging);
        return I420Picture.packed(w, h, staging);
    }

    /** The last access unit (Annex-B), valid until the next {@link #encode}; empty unless that returned ENCODED. */
    public MemorySegment accessUnit() {
        return output.asSlice(0, accessUnitLength);
    }

    /** Whether the last encoded access unit is an IDR. */
    public boolean isKeyFrame() {
        return accessUnitLength > 0 && frameType == OpenH264.FRAME_TYPE_IDR;
    }

    /**
     * Changes the target bitrate from the next picture on (bandwidth estimation). Returns false when OpenH264
     * refuses the value.
     */
    public boolean setBitrate(int bitsPerSecond) {
        ensureOpen();
        if (bitsPerSecond <= 0) {
            throw new IllegalArgumentException("bitrate must be positive: " + bitsPerSecond);
        }
        option.set(JAVA_INT, 0, OpenH264.SPATIAL_LAYER_ALL);
        option.set(JAVA_INT, 4, bitsPerSecond);
        return OpenH264.encoderSetOption(encoder, OpenH264.ENCODER_OPTION_BITRATE, option) == 0;
    }

    /** Changes the nominal input frame rate; returns false when OpenH264 refuses the value. */
    public boolean setFrameRate(float framesPerSecond) {
        ensureOpen();
        option.set(JAVA_FLOAT, 0, framesPerSecond);
        return OpenH264.encoderSetOption(encoder, OpenH264.ENCODER_OPTION_FRAME_RATE, option) == 0;
    }

    public long encodedFrames() {
        return encoded;
    }

    public long keyFrames() {
        return keyFrames;
    }

    public long skippedFrames() {
        return skipped;
    }

    public long wrongSizeFrames() {
        return wrongSize;
    }

    public long encoderErrors() {
        return errors;
    }

    public long oversizedFrames() {
        return tooLarge;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("encoder is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        OpenH264.encoderUninitialize(encoder);
        OpenH264.destroyEncoder(encoder);
        arena.close();
    }
}
