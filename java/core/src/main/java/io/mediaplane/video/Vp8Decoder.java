package io.mediaplane.video;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.mediaplane.ffi.Vpx;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * VP8 decoding with libvpx ({@code vpx_codec_dec_init_ver}, {@code vpx_codec_decode}, {@code vpx_codec_get_frame})
 * through FFM, in process: one persistent decoder per stream, frames in, {@link I420Picture}s out.
 *
 * <p>Each frame's header is checked before the library sees it (RFC 6386 §9.1: the 3-byte frame tag, a keyframe's
 * start code and dimensions, the first partition inside the frame); frames before the first keyframe are dropped
 * and a keyframe is requested. After {@link DecoderOptions#maxConsecutiveErrors()} errors in a row the decoder is
 * re-created at the start of the next call and a keyframe requested. One arena per decoder, freed by
 * {@link #close()}.
 *
 * <p>The picture is libvpx's own buffer, valid until the next {@code decode}, {@code reset} or {@code close}.
 * Not thread-safe: one thread at a time.
 */
public final class Vp8Decoder implements VideoDecoder {
    private static final int KEYFRAME_HEADER = 10;
    private static final int FRAME_TAG = 3;

    private final DecoderOptions options;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment ctx;
    private final MemorySegment cfg;
    private final MemorySegment iter;
    private final MemorySegment iface;
    private final DecoderCounters counters = new DecoderCounters();
    private MemorySegment input = MemorySegment.NULL;
    private boolean open;
    private boolean closed;
    private boolean waitingForKeyframe = true;
    private boolean keyframeRequested;
    private boolean resetPending;
    private final ConsecutiveErrors consecutiveErrors;
    private int lastError;
    private I420Picture picture;

    private Vp8Decoder(DecoderOptions options) {
        this.options = options;
        this.consecutiveErrors = new ConsecutiveErrors(options.maxConsecutiveErrors());
        this.ctx = arena.allocate(Vpx.CODEC_CTX_SIZE, 8);
        this.cfg = arena.allocate(Vpx.DEC_CFG_SIZE, 4);
        this.iter = arena.allocate(ADDRESS);
        this.iface = Vpx.vp8DecoderInterface();
    }

    public static Vp8Decoder create() {
        return create(DecoderOptions.defaults());
    }

    /**
     * A decoder; throws {@link io.mediaplane.ffi.NativeUnavailableException} when libvpx cannot be loaded and
     * {@link IllegalStateException} when it refuses to initialise one.
     */
    public static Vp8Decoder create(DecoderOptions options) {
        Objects.requireNonNull(options, "options");
        Vpx.ensureAvailable();
        Vp8Decoder d = new Vp8Decoder(options);
        try {
            d.openNative();
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    private void openNative() {
        ctx.fill((byte) 0);
        cfg.fill((byte) 0);
        cfg.set(JAVA_INT, 0, 1); // threads: one per stream; streams decode in parallel instead
        int rc = Vpx.decoderInit(ctx, iface, cfg, 0);
        if (rc != Vpx.CODEC_OK) {
            throw new IllegalStateException("vpx_codec_dec_init_ver failed with vpx_codec_err_t " + rc);
        }
        open = true;
    }

    private void closeNative() {
        if (open) {
            open = false;
            Vpx.destroy(ctx);
        }
    }

    @Override
    public DecodeStatus decode(MemorySegment unit, long offset, int length) {
        if (closed) {
            throw new IllegalStateException("Vp8Decoder is closed");
        }
        Objects.checkFromIndexSize(offset, length, unit.byteSize());
        picture = null;
        lastError = Vpx.CODEC_OK;
        if (resetPending) {
            resetPending = false;
            recreate();
        }
        DecodeStatus status = counters.count(decodeFrame(unit, offset, length));
        if (consecutiveErrors.resetAfter(status)) {
            // re-created at the next call, so a concealed picture of this one stays valid until then
            resetPending = true;
            requestKeyframe();
        }
        return status;
    }

    private DecodeStatus decodeFrame(MemorySegment s, long offset, int length) {
        if (length == 0) {
            return DecodeStatus.EMPTY;
        }
        if (length > options.maxUnitSize()) {
            return DecodeStatus.TOO_LARGE;
        }
        if (length < FRAME_TAG) {
            return DecodeStatus.BAD_FRAME_HEADER;
        }
        // frame tag (RFC 6386 §9.1): bit 0 = !key_frame, bits 1-3 version, bit 4 show_frame, bits 5-23 first_part_size
        int tag = (s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF) | (s.get(ValueLayout.JAVA_BYTE, offset + 1) & 0xFF) << 8
                | (s.get(ValueLayout.JAVA_BYTE, offset + 2) & 0xFF) << 16;
        boolean keyframe = (tag & 1) == 0;
        int version = (tag >> 1) & 7;
        int firstPartitionSize = tag >>> 5;
        if (version > 3) {
            return DecodeStatus.UNSUPPORTED_STREAM;
        }
        int headerSize = keyframe ? KEYFRAME_HEADER : FRAME_TAG;
        if (length < headerSize || firstPartitionSize > length - headerSize) {
            return DecodeStatus.BAD_FRAME_HEADER;
        }
        if (keyframe) {
            if ((s.get(ValueLayout.JAVA_BYTE, offset + 3) & 0xFF) != 0x9d
                    || (s.get(ValueLayout.JAVA_BYTE, offset + 4) & 0xFF) != 0x01
                    || (s.get(ValueLayout.JAVA_BYTE, offset + 5) & 0xFF) != 0x2a) {
                return DecodeStatus.BAD_FRAME_HEADER;
            }
            int width = ((s.get(ValueLayout.JAVA_BYTE, offset + 6) & 0xFF) | (s.get(ValueLayout.JAVA_BYTE, offset + 7) & 0xFF) << 8) & 0x3FFF;
            int height = ((s.get(ValueLayout.JAVA_BYTE, offset + 8) & 0xFF) | (s.get(ValueLayout.JAVA_BYTE, offset + 9) & 0xFF) << 8) & 0x3FFF;
            if (width == 0 || height == 0) {
                return DecodeStatus.BAD_FRAME_HEADER;
            }
            if ((long) width * height > options.maxPixels()) {
                return DecodeStatus.UNSUPPORTED_STREAM;
            }
        }
        if (waitingForKeyframe) {
            if (!keyframe) {
                if (!keyframeRequested) {
                    requestKeyframe();
                }
                return DecodeStatus.WAITING_FOR_KEYFRAME;
            }
            waitingForKeyframe = false;
            keyframeRequested = false;
        }
        MemorySegment source;
        if (s.isNative()) {
            source = s.asSlice(offset, length);
        } else {
            if (input.byteSize() < length) {
                input = arena.allocate(Math.max(length, Math.min(2 * input.byteSize(), options.maxUnitSize())));
            }
            MemorySegment.copy(s, offset, input, 0, length);
            source = input;
        }
        int rc = Vpx.decode(ctx, source, length);
        lastError = rc;
        if (rc != Vpx.CODEC_OK) {
            return DecodeStatus.DECODE_ERROR;
        }
        iter.set(ADDRESS, 0, MemorySegment.NULL);
        MemorySegment image = Vpx.getFrame(ctx, iter);
        if (image.equals(MemorySegment.NULL)) {
            return DecodeStatus.NO_PICTURE; // show_frame = 0 (e.g. an alt-ref update)
        }
        picture = wrapPicture(image.reinterpret(Vpx.IMAGE_SIZE));
        return picture == null ? DecodeStatus.DECODE_ERROR : DecodeStatus.PICTURE;
    }

    private I420Picture wrapPicture(MemorySegment image) {
        int format = image.get(JAVA_INT, Vpx.IMAGE_FMT);
        int width = image.get(JAVA_INT, Vpx.IMAGE_D_W);
        int height = image.get(JAVA_INT, Vpx.IMAGE_D_H);
        int strideY = image.get(JAVA_INT, Vpx.IMAGE_STRIDE);
        int strideU = image.get(JAVA_INT, Vpx.IMAGE_STRIDE + 4);
        int strideV = image.get(JAVA_INT, Vpx.IMAGE_STRIDE + 8);
        MemorySegment y = image.get(ADDRESS, Vpx.IMAGE_PLANES);
        MemorySegment u = image.get(ADDRESS, Vpx.IMAGE_PLANES + 8);
        MemorySegment v = image.get(ADDRESS, Vpx.IMAGE_PLANES + 16);
        if (format != Vpx.IMG_FMT_I420 || image.get(JAVA_INT, Vpx.IMAGE_BIT_DEPTH) != 8
                || width <= 0 || height <= 0 || (long) width * height > options.maxPixels()
                || strideY < width || strideU != strideV || strideU < I420Picture.chromaWidth(width)
                || y.equals(MemorySegment.NULL) || u.equals(MemorySegment.NULL) || v.equals(MemorySegment.NULL)) {
            return null;
        }
        int chromaRows = I420Picture.chromaHeight(height);
        return new I420Picture(width, height,
                y.reinterpret((long) strideY * height), strideY,
                u.reinterpret((long) strideU * chromaRows), v.reinterpret((long) strideU * chromaRows), strideU);
    }

    private void requestKeyframe() {
        keyframeRequested = true;
        counters.keyframeRequested();
        options.keyframeRequest().run();
    }

    private void recreate() {
        closeNative();
        openNative();
        counters.reset();
        waitingForKeyframe = true;
    }

    @Override
    public void reset() {
        if (closed) {
            throw new IllegalStateException("Vp8Decoder is closed");
        }
        picture = null;
        resetPending = false;
        consecutiveErrors.clear();
        recreate();
        requestKeyframe();
    }

    @Override
    public I420Picture picture() {
        return picture;
    }

    @Override
    public DecoderCounters counters() {
        return counters;
    }

    /** The {@code vpx_codec_err_t} of the last call's native decode (0 = OK, or not called). */
    public int nativeError() {
        return lastError;
    }

    public int consecutiveErrors() {
        return consecutiveErrors.count();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        picture = null;
        try {
            closeNative();
        } finally {
            arena.close();
        }
    }
}
