package io.mediaplane.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/** libvpx (Debian 12: libvpx7, 1.12), for VP8 decode without an FFmpeg subprocess. */
public final class Vpx {
    static final LibrarySpec SPEC = new LibrarySpec("vpx", "libvpx", List.of("libvpx.so.7", "libvpx.so.8", "libvpx.so.9"),
            null, "libvpx7", "vpx_codec_version_str", lookup -> {
                String v = Calls.cString(lookup, "vpx_codec_version_str"); // "v1.12.0"
                return v.startsWith("v") ? v.substring(1) : v;
            });

    private static final NativeLibrary LIBRARY;
    private static final MethodHandle VP8_DX;
    private static final MethodHandle DEC_INIT_VER;
    private static final MethodHandle DECODE;
    private static final MethodHandle GET_FRAME;
    private static final MethodHandle DESTROY;

    static {
        NativeLibrary.Binder b = NativeLibrary.load(SPEC).binder();
        // vpx_codec_iface_t *vpx_codec_vp8_dx(void): the VP8 decoder interface (vp8dx.h)
        VP8_DX = b.bind("vpx_codec_vp8_dx", FunctionDescriptor.of(ADDRESS));
        // vpx_codec_err_t vpx_codec_dec_init_ver(vpx_codec_ctx_t*, vpx_codec_iface_t*, const vpx_codec_dec_cfg_t*,
        //                                        vpx_codec_flags_t, int ver)
        DEC_INIT_VER = b.bind("vpx_codec_dec_init_ver",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
        // vpx_codec_err_t vpx_codec_decode(vpx_codec_ctx_t*, const uint8_t*, unsigned int, void*, long deadline)
        DECODE = b.bind("vpx_codec_decode",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG));
        // vpx_image_t *vpx_codec_get_frame(vpx_codec_ctx_t*, vpx_codec_iter_t*)
        GET_FRAME = b.bind("vpx_codec_get_frame", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
        // vpx_codec_err_t vpx_codec_destroy(vpx_codec_ctx_t*)
        DESTROY = b.bind("vpx_codec_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        LIBRARY = b.finish();
    }

    private Vpx() {}

    public static NativeLibrary library() {
        return LIBRARY;
    }

    /** The VP8 decoder interface, for {@code vpx_codec_dec_init_ver}. */
    public static MemorySegment vp8DecoderInterface() {
        LIBRARY.ensureAvailable();
        try {
            return (MemorySegment) VP8_DX.invokeExact();
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    // ---- Decoder (vpx_decoder.h, vpx_image.h of libvpx 1.12; x86-64 layouts) ------------------------------------

    /** {@code VPX_DECODER_ABI_VERSION} of libvpx 1.12 (3 + VPX_CODEC_ABI_VERSION 4 + VPX_IMAGE_ABI_VERSION 5). */
    public static final int DECODER_ABI_VERSION = 12;
    /** {@code sizeof(vpx_codec_ctx_t)}: the caller-owned decoder context. */
    public static final long CODEC_CTX_SIZE = 56;
    /** {@code vpx_codec_dec_cfg_t}: unsigned threads, w, h. */
    public static final long DEC_CFG_SIZE = 12;
    /** {@code VPX_IMG_FMT_I420}. */
    public static final int IMG_FMT_I420 = 0x102;
    /** {@code sizeof(vpx_image_t)} and the offsets of the fields the decoder reads. */
    public static final long IMAGE_SIZE = 136;
    public static final long IMAGE_FMT = 0;
    public static final long IMAGE_BIT_DEPTH = 20;
    public static final long IMAGE_D_W = 24;
    public static final long IMAGE_D_H = 28;
    public static final long IMAGE_X_CHROMA_SHIFT = 40;
    public static final long IMAGE_Y_CHROMA_SHIFT = 44;
    public static final long IMAGE_PLANES = 48;
    public static final long IMAGE_STRIDE = 80;

    /** {@code vpx_codec_err_t} values. */
    public static final int CODEC_OK = 0;

    /** {@code vpx_codec_dec_init_ver} with this library's ABI version; returns a {@code vpx_codec_err_t}. */
    public static int decoderInit(MemorySegment ctx, MemorySegment iface, MemorySegment cfg, long flags) {
        try {
            return (int) DEC_INIT_VER.invokeExact(ctx, iface, cfg, flags, DECODER_ABI_VERSION);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code vpx_codec_decode(ctx, data, size, NULL, 0)}: decodes one frame; returns a {@code vpx_codec_err_t}. */
    public static int decode(MemorySegment ctx, MemorySegment data, int size) {
        try {
            return (int) DECODE.invokeExact(ctx, data, size, MemorySegment.NULL, 0L);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code vpx_codec_get_frame}: the next decoded image ({@code vpx_image_t*}) or NULL; {@code iter} starts NULL. */
    public static MemorySegment getFrame(MemorySegment ctx, MemorySegment iter) {
        try {
            return (MemorySegment) GET_FRAME.invokeExact(ctx, iter);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code vpx_codec_destroy}: frees what the decoder allocated (not the context memory itself). */
    public static int destroy(MemorySegment ctx) {
        try {
            return (int) DESTROY.invokeExact(ctx);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }
}
