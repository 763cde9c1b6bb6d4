package io.mediaplane.video;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.mediaplane.ffi.Vpx;
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
public final class Vp8Decoder extends NativeVideoDecoder {
    private static final int KEYFRAME_HEADER = 10;
    private static final int FRAME_TAG = 3;

    private final MemorySegment ctx;
    private final MemorySegment cfg;
    private final MemorySegment iter;
    private final MemorySegment iface;
    private boolean open;
    private int lastError;

    private Vp8Decoder(DecoderOptions options) {
        super(options);
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
        Vpx.library().ensureAvailable();
        return opened(new Vp8Decoder(options));
    }

    @Override
    void openNative() {
        ctx.fill((byte) 0);
        cfg.fill((byte) 0);
        cfg.set(JAVA_INT, 0, 1); // threads: one per stream; streams decode in parallel instead
        int rc = Vpx.decoderInit(ctx, iface, cfg, 0);
        if (rc != Vpx.CODEC_OK) {
            throw new IllegalStateException("vpx_codec_dec_init_ver failed with vpx_codec_err_t " + rc);
        }
        open = true;
    }

    @Override
    void closeNative() {
        if (open) {
            open = false;
            Vpx.destroy(ctx);
        }
    }

    @Override
    void clearNativeResult() {
        lastError = Vpx.CODEC_OK;
    }

    @Override
    DecodeStatus decodeUnit(MemorySegment s, long offset, int length) {
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
        if (!admit(true, keyframe)) { // every VP8 frame carries a picture: only a keyframe ends the wait
            return DecodeStatus.WAITING_FOR_KEYFRAME;
        }
        MemorySegment source = nativeSource(s, offset, length);
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
        I420Picture picture = wrapPicture(image.reinterpret(Vpx.IMAGE_SIZE));
        picture(picture);
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

    /** The {@code vpx_codec_err_t} of the last call's native decode (0 = OK, or not called). */
    public int nativeError() {
        return lastError;
    }
}
