package io.mediaplane.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

/**
 * Cisco's libopenh264 (Debian 12: libopenh264-7, 2.3.1). The C API hands out decoders and encoders as
 * pointers to a struct whose first field points at a table of function pointers (codec_api.h); the video
 * package calls through that table. This class holds the exported entry points only.
 */
public final class OpenH264 {
    /** {@code OpenH264Version} (codec_ver.h): four unsigned ints. */
    private static final StructLayout VERSION = MemoryLayout.structLayout(
            JAVA_INT.withName("uMajor"), JAVA_INT.withName("uMinor"),
            JAVA_INT.withName("uRevision"), JAVA_INT.withName("uReserved"));

    static final LibrarySpec SPEC = new LibrarySpec("openh264", "libopenh264", List.of("libopenh264.so.7"),
            null, "libopenh264-7", "WelsGetCodecVersionEx", OpenH264::versionOf);

    private static final NativeLibrary LIBRARY;
    private static final MethodHandle CREATE_DECODER;
    private static final MethodHandle DESTROY_DECODER;
    private static final MethodHandle CREATE_ENCODER;
    private static final MethodHandle DESTROY_ENCODER;

    static {
        NativeLibrary.Binder b = NativeLibrary.load(SPEC).binder();
        // long WelsCreateDecoder(ISVCDecoder** ppDecoder); 0 on success
        CREATE_DECODER = b.bind("WelsCreateDecoder", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
        DESTROY_DECODER = b.bind("WelsDestroyDecoder", FunctionDescriptor.ofVoid(ADDRESS));
        // int WelsCreateSVCEncoder(ISVCEncoder** ppEncoder); 0 on success
        CREATE_ENCODER = b.bind("WelsCreateSVCEncoder", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        DESTROY_ENCODER = b.bind("WelsDestroySVCEncoder", FunctionDescriptor.ofVoid(ADDRESS));
        LIBRARY = b.finish();
    }

    private OpenH264() {}

    private static String versionOf(SymbolLookup lookup) {
        MemorySegment fn = lookup.find("WelsGetCodecVersionEx").orElseThrow();
        MethodHandle h = Linker.nativeLinker().downcallHandle(fn, FunctionDescriptor.ofVoid(ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(VERSION);
            h.invokeExact(v);
            return v.get(JAVA_INT, 0) + "." + v.get(JAVA_INT, 4) + "." + v.get(JAVA_INT, 8);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    public static NativeLibrary library() {
        return LIBRARY;
    }

    public static boolean isAvailable() {
        return LIBRARY.isAvailable();
    }

    public static void ensureAvailable() {
        LIBRARY.ensureAvailable();
    }

    public static Optional<Throwable> unavailabilityCause() {
        return LIBRARY.unavailabilityCause();
    }

    // ---- Decoder: ISVCDecoder calls through its function table (codec_api.h, struct ISVCDecoderVtbl) ----------
    // Values below are from the installed 2.3.1 headers (codec_app_def.h, codec_def.h); they changed between
    // OpenH264 versions, so they are tied to the libopenh264.so.7 soname this class loads.

    /** {@code DECODER_OPTION_ERROR_CON_IDC}: the error concealment method (an {@code ERROR_CON_IDC}). */
    public static final int DECODER_OPTION_ERROR_CON_IDC = 8;
    /** {@code DECODER_OPTION_TRACE_LEVEL}: a {@code WELS_LOG_*} level. */
    public static final int DECODER_OPTION_TRACE_LEVEL = 9;
    /** {@code ERROR_CON_SLICE_COPY_CROSS_IDR}: lost slices copied from the last good picture, also across an IDR. */
    public static final int ERROR_CON_SLICE_COPY_CROSS_IDR = 4;
    /** {@code WELS_LOG_QUIET}: errors come back as {@code DECODING_STATE} flags, not on stderr. */
    public static final int WELS_LOG_QUIET = 0;
    /** {@code VIDEO_BITSTREAM_AVC}: plain H.264 (no SVC extensions expected). */
    public static final int VIDEO_BITSTREAM_AVC = 0;

    /** {@code SDecodingParam} (x86-64: 32 bytes). */
    public static final StructLayout DECODING_PARAM = MemoryLayout.structLayout(
            ADDRESS.withName("pFileNameRestructed"),
            JAVA_INT.withName("uiCpuLoad"),
            java.lang.foreign.ValueLayout.JAVA_BYTE.withName("uiTargetDqLayer"),
            MemoryLayout.paddingLayout(3),
            JAVA_INT.withName("eEcActiveIdc"),
            java.lang.foreign.ValueLayout.JAVA_BYTE.withName("bParseOnly"),
            MemoryLayout.paddingLayout(3),
            JAVA_INT.withName("sVideoProperty.size"),
            JAVA_INT.withName("sVideoProperty.eVideoBsType"));
    public static final long DECODING_PARAM_EC_ACTIVE_IDC = 16;
    public static final long DECODING_PARAM_VIDEO_PROPERTY_SIZE = 24;
    public static final long DECODING_PARAM_VIDEO_BS_TYPE = 28;

    /** {@code SBufferInfo} (x86-64: 72 bytes): the picture DecodeFrameNoDelay hands back. */
    public static final StructLayout BUFFER_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("iBufferStatus"),
            MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("uiInBsTimeStamp"),
            JAVA_LONG.withName("uiOutYuvTimeStamp"),
            JAVA_INT.withName("iWidth"),
            JAVA_INT.withName("iHeight"),
            JAVA_INT.withName("iFormat"),
            JAVA_INT.withName("iStrideY"),
            JAVA_INT.withName("iStrideUV"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("pDstY"),
            ADDRESS.withName("pDstU"),
            ADDRESS.withName("pDstV"));
    public static final long BUFFER_INFO_STATUS = 0;
    public static final long BUFFER_INFO_WIDTH = 24;
    public static final long BUFFER_INFO_HEIGHT = 28;
    public static final long BUFFER_INFO_STRIDE_Y = 36;
    public static final long BUFFER_INFO_STRIDE_UV = 40;
    public static final long BUFFER_INFO_DST = 48;

    // slots of struct ISVCDecoderVtbl, in pointer-sized entries
    private static final int DECODER_INITIALIZE = 0;
    private static final int DECODER_UNINITIALIZE = 1;
    private static final int DECODER_DECODE_FRAME_NO_DELAY = 3;
    private static final int DECODER_FLUSH_FRAME = 5;
    private static final int DECODER_SET_OPTION = 8;
    private static final int DECODER_VTABLE_SLOTS = 10;

    // function-pointer calls: the first argument is the function's address, read from the table. Linking is a
    // restricted operation: done only when the library loaded, so a JVM without native access stays without it.
    private static final MethodHandle DECODER_INIT_CALL = functionPointerCall(
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle DECODER_UNINIT_CALL = functionPointerCall(
            FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    private static final MethodHandle DECODE_NO_DELAY_CALL = functionPointerCall(
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle DECODER_FLUSH_CALL = functionPointerCall(
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle DECODER_SET_OPTION_CALL = functionPointerCall(
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS));

    private static MethodHandle functionPointerCall(FunctionDescriptor descriptor) {
        return LIBRARY.isAvailable() ? Linker.nativeLinker().downcallHandle(descriptor) : null;
    }

    /**
     * The functions of one {@code ISVCDecoder*}, read once from its table. The decoder pointer stays valid until
     * {@link #destroyDecoder}; calling after that is the caller's bug (the video package guards it).
     */
    public static final class DecoderFunctions {
        private final MemorySegment decoder;
        private final MemorySegment initializeFn;
        private final MemorySegment uninitializeFn;
        private final MemorySegment decodeFrameNoDelayFn;
        private final MemorySegment flushFrameFn;
        private final MemorySegment setOptionFn;

        private DecoderFunctions(MemorySegment decoder, MemorySegment table) {
            this.decoder = decoder;
            this.initializeFn = slot(table, DECODER_INITIALIZE);
            this.uninitializeFn = slot(table, DECODER_UNINITIALIZE);
            this.decodeFrameNoDelayFn = slot(table, DECODER_DECODE_FRAME_NO_DELAY);
            this.flushFrameFn = slot(table, DECODER_FLUSH_FRAME);
            this.setOptionFn = slot(table, DECODER_SET_OPTION);
        }

        /** Reads the function table of {@code decoder} (an {@code ISVCDecoder*} from {@link #createDecoder}). */
        public static DecoderFunctions of(MemorySegment decoder) {
            MemorySegment table = decoder.reinterpret(ADDRESS.byteSize()).get(ADDRESS, 0)
                    .reinterpret(DECODER_VTABLE_SLOTS * ADDRESS.byteSize());
            return new DecoderFunctions(decoder, table);
        }

        /** The {@code ISVCDecoder*}, for {@link #destroyDecoder}. */
        public MemorySegment decoder() {
            return decoder;
        }

        private static MemorySegment slot(MemorySegment table, int index) {
            MemorySegment fn = table.getAtIndex(ADDRESS, index);
            if (fn.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("ISVCDecoder function table has a NULL entry at slot " + index);
            }
            return fn;
        }

        /** {@code long Initialize(ISVCDecoder*, const SDecodingParam*)}: 0 on success. */
        public long initialize(MemorySegment param) {
            try {
                return (long) DECODER_INIT_CALL.invokeExact(initializeFn, decoder, param);
            } catch (Throwable t) {
                throw Calls.rethrow(t);
            }
        }

        /** {@code long Uninitialize(ISVCDecoder*)}. */
        public long uninitialize() {
            try {
                return (long) DECODER_UNINIT_CALL.invokeExact(uninitializeFn, decoder);
            } catch (Throwable t) {
                throw Calls.rethrow(t);
            }
        }

        /**
         * {@code DECODING_STATE DecodeFrameNoDelay(ISVCDecoder*, const unsigned char* pSrc, int iSrcLen,
         * unsigned char** ppDst, SBufferInfo* pDstInfo)}: decodes one access unit without waiting for the next;
         * returns the {@code ds*} flags ({@code dsErrorFree} = 0).
         */
        public int decodeFrameNoDelay(MemorySegment source, int length, MemorySegment planes, MemorySegment info) {
            try {
                return (int) DECODE_NO_DELAY_CALL.invokeExact(decodeFrameNoDelayFn, decoder, source, length, planes, info);
            } catch (Throwable t) {
                throw Calls.rethrow(t);
            }
        }

        /**
         * {@code DECODING_STATE FlushFrame(ISVCDecoder*, unsigned char** ppDst, SBufferInfo* pDstInfo)}: outputs a
         * picture the decoder still holds for display reordering.
         */
        public int flushFrame(MemorySegment planes, MemorySegment info) {
            try {
                return (int) DECODER_FLUSH_CALL.invokeExact(flushFrameFn, decoder, planes, info);
            } catch (Throwable t) {
                throw Calls.rethrow(t);
            }
        }

        /** {@code long SetOption(ISVCDecoder*, DECODER_OPTION, void*)}: 0 on success. */
        public long setOption(int option, MemorySegment value) {
            try {
                return (long) DECODER_SET_OPTION_CALL.invokeExact(setOptionFn, decoder, option, value);
            } catch (Throwable t) {
                throw Calls.rethrow(t);
            }
        }
    }
    // ---- end of the decoder calls ------------------------------------------------------------------------------

    /** Creates a decoder; returns its {@code ISVCDecoder*}, which the caller must pass to {@link #destroyDecoder}. */
    public static MemorySegment createDecoder() {
        return create(CREATE_DECODER, true);
    }

    public static void destroyDecoder(MemorySegment decoder) {
        ensureAvailable();
        try {
            DESTROY_DECODER.invokeExact(decoder);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** Creates an encoder; returns its {@code ISVCEncoder*}, which the caller must pass to {@link #destroyEncoder}. */
    public static MemorySegment createEncoder() {
        return create(CREATE_ENCODER, false);
    }

    public static void destroyEncoder(MemorySegment encoder) {
        ensureAvailable();
        try {
            DESTROY_ENCODER.invokeExact(encoder);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    private static MemorySegment create(MethodHandle factory, boolean returnsLong) {
        ensureAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            long rc = returnsLong ? (long) factory.invokeExact(out) : (int) factory.invokeExact(out);
            MemorySegment object = out.get(ADDRESS, 0);
            if (rc != 0 || object.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("OpenH264 refused to create a codec object (status " + rc + ")");
            }
            return object;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }
}
