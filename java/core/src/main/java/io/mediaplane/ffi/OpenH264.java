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
        MethodHandle h = Calls.downcall(lookup, "WelsGetCodecVersionEx", FunctionDescriptor.ofVoid(ADDRESS));
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

    /** A handle whose first argument is the function's address; null when the library is unavailable. */
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
        LIBRARY.ensureAvailable();
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
        LIBRARY.ensureAvailable();
        try {
            DESTROY_ENCODER.invokeExact(encoder);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    private static MemorySegment create(MethodHandle factory, boolean returnsLong) {
        LIBRARY.ensureAvailable();
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

    // ---- Encoder: the ISVCEncoder function table and the structs it takes (codec_api.h, codec_app_def.h) ----
    // Offsets are those of Debian 12's libopenh264-dev 2.3.1 headers on LP64, printed by a program compiled
    // against them (offsetof/sizeof); the encoder tests then check every configured field took effect in the
    // bitstream (size, profile, IDR period) and that FFmpeg decodes it.

    /** {@code sizeof(SEncParamExt)}. */
    public static final long ENC_PARAM_SIZE = 920;
    public static final long ENC_PARAM_USAGE_TYPE = 0;
    public static final long ENC_PARAM_PIC_WIDTH = 4;
    public static final long ENC_PARAM_PIC_HEIGHT = 8;
    public static final long ENC_PARAM_TARGET_BITRATE = 12;
    public static final long ENC_PARAM_RC_MODE = 16;
    /** {@code float fMaxFrameRate} */
    public static final long ENC_PARAM_MAX_FRAME_RATE = 20;
    public static final long ENC_PARAM_TEMPORAL_LAYER_NUM = 24;
    public static final long ENC_PARAM_SPATIAL_LAYER_NUM = 28;
    /** {@code SSpatialLayerConfig sSpatialLayers[4]}, each {@link #SPATIAL_LAYER_SIZE} bytes. */
    public static final long ENC_PARAM_SPATIAL_LAYERS = 32;
    public static final long ENC_PARAM_COMPLEXITY_MODE = 832;
    public static final long ENC_PARAM_INTRA_PERIOD = 836;
    public static final long ENC_PARAM_NUM_REF_FRAME = 840;
    public static final long ENC_PARAM_SPS_PPS_ID_STRATEGY = 844;
    /** {@code bool} */
    public static final long ENC_PARAM_PREFIX_NAL_ADDING = 848;
    /** {@code bool} */
    public static final long ENC_PARAM_ENABLE_SSEI = 849;
    public static final long ENC_PARAM_ENTROPY_CODING_MODE = 856;
    /** {@code bool} */
    public static final long ENC_PARAM_ENABLE_FRAME_SKIP = 860;
    public static final long ENC_PARAM_MAX_BITRATE = 864;
    public static final long ENC_PARAM_MAX_QP = 868;
    public static final long ENC_PARAM_MIN_QP = 872;
    /** {@code bool} */
    public static final long ENC_PARAM_ENABLE_LONG_TERM_REFERENCE = 880;
    /** {@code unsigned short} */
    public static final long ENC_PARAM_MULTIPLE_THREAD_IDC = 892;
    /** {@code bool} */
    public static final long ENC_PARAM_ENABLE_SCENE_CHANGE_DETECT = 912;

    /** {@code sizeof(SSpatialLayerConfig)} and the fields set per layer. */
    public static final long SPATIAL_LAYER_SIZE = 200;
    public static final long SPATIAL_LAYER_VIDEO_WIDTH = 0;
    public static final long SPATIAL_LAYER_VIDEO_HEIGHT = 4;
    /** {@code float} */
    public static final long SPATIAL_LAYER_FRAME_RATE = 8;
    public static final long SPATIAL_LAYER_SPATIAL_BITRATE = 12;
    public static final long SPATIAL_LAYER_MAX_SPATIAL_BITRATE = 16;
    public static final long SPATIAL_LAYER_PROFILE_IDC = 20;
    public static final long SPATIAL_LAYER_LEVEL_IDC = 24;
    /** {@code SSliceArgument.uiSliceMode}, first field of the slice argument. */
    public static final long SPATIAL_LAYER_SLICE_MODE = 32;

    /** {@code sizeof(SSourcePicture)}: colour format, four strides, four plane pointers, size, timestamp (ms). */
    public static final long SOURCE_PICTURE_SIZE = 72;
    public static final long SOURCE_PICTURE_COLOR_FORMAT = 0;
    public static final long SOURCE_PICTURE_STRIDES = 4;
    public static final long SOURCE_PICTURE_PLANES = 24;
    public static final long SOURCE_PICTURE_WIDTH = 56;
    public static final long SOURCE_PICTURE_HEIGHT = 60;
    public static final long SOURCE_PICTURE_TIMESTAMP = 64;

    /** {@code sizeof(SFrameBSInfo)}: a layer count, 128 {@code SLayerBSInfo}, the frame type, size, timestamp. */
    public static final long FRAME_BS_SIZE = 5144;
    public static final long FRAME_BS_LAYER_NUM = 0;
    public static final long FRAME_BS_LAYERS = 8;
    public static final long FRAME_BS_FRAME_TYPE = 5128;
    public static final long FRAME_BS_FRAME_SIZE = 5132;
    public static final long FRAME_BS_TIMESTAMP = 5136;
    public static final int FRAME_BS_MAX_LAYERS = 128;

    /** {@code sizeof(SLayerBSInfo)}: NAL count, an {@code int*} of NAL lengths and the layer's bitstream. */
    public static final long LAYER_BS_SIZE = 40;
    public static final long LAYER_BS_NAL_COUNT = 16;
    public static final long LAYER_BS_NAL_LENGTHS = 24;
    public static final long LAYER_BS_BUFFER = 32;

    /** {@code EVideoFormatType}: planar Y, U, V. */
    public static final int VIDEO_FORMAT_I420 = 23;
    /** {@code EVideoFrameType} */
    public static final int FRAME_TYPE_INVALID = 0;
    public static final int FRAME_TYPE_IDR = 1;
    public static final int FRAME_TYPE_I = 2;
    public static final int FRAME_TYPE_P = 3;
    public static final int FRAME_TYPE_SKIP = 4;
    public static final int FRAME_TYPE_IP_MIXED = 5;
    /** {@code EUsageType} */
    public static final int USAGE_CAMERA_VIDEO_REAL_TIME = 0;
    public static final int USAGE_SCREEN_CONTENT_REAL_TIME = 1;
    /** {@code RC_MODES} */
    public static final int RC_QUALITY_MODE = 0;
    public static final int RC_BITRATE_MODE = 1;
    public static final int RC_BUFFERBASED_MODE = 2;
    public static final int RC_TIMESTAMP_MODE = 3;
    public static final int RC_OFF_MODE = -1;
    /** {@code EProfileIdc.PRO_BASELINE} */
    public static final int PROFILE_BASELINE = 66;
    /** {@code SliceModeEnum.SM_SINGLE_SLICE} */
    public static final int SLICE_MODE_SINGLE = 0;
    /** {@code ENCODER_OPTION} values used with {@link #encoderSetOption}. */
    public static final int ENCODER_OPTION_IDR_INTERVAL = 1;
    public static final int ENCODER_OPTION_FRAME_RATE = 4;
    public static final int ENCODER_OPTION_BITRATE = 5;
    public static final int ENCODER_OPTION_TRACE_LEVEL = 25;
    /** {@code sizeof(SBitrateInfo)}: {@code LAYER_NUM iLayer; int iBitrate}. */
    public static final long BITRATE_INFO_SIZE = 8;
    /** {@code LAYER_NUM.SPATIAL_LAYER_ALL} */
    public static final int SPATIAL_LAYER_ALL = 4;
    /** {@code WELS_LOG_QUIET}, {@code WELS_LOG_ERROR} */
    public static final int LOG_QUIET = 0;
    public static final int LOG_ERROR = 1;

    /** Slots of {@code ISVCEncoderVtbl}, in declaration order (the C++ class has the same order). */
    private static final int ENC_INITIALIZE_EXT = 1;
    private static final int ENC_GET_DEFAULT_PARAMS = 2;
    private static final int ENC_UNINITIALIZE = 3;
    private static final int ENC_ENCODE_FRAME = 4;
    private static final int ENC_FORCE_INTRA_FRAME = 6;
    private static final int ENC_SET_OPTION = 7;
    private static final int ENC_VTABLE_SLOTS = 9;

    // Handles taking the function pointer first: the address comes from the object's table at call time.
    private static final MethodHandle ENC_CALL_PTR = functionPointerCall(
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle ENC_CALL = functionPointerCall(
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ENC_CALL_PTR_PTR = functionPointerCall(
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    // The library is C++: ForceIntraFrame(bool bIDR, int iLayerId = -1); the C table omits the defaulted
    // argument, so pass -1 (all layers) explicitly rather than leave a register undefined.
    private static final MethodHandle ENC_CALL_BOOL_INT = functionPointerCall(
            FunctionDescriptor.of(JAVA_INT, ADDRESS, java.lang.foreign.ValueLayout.JAVA_BOOLEAN, JAVA_INT));
    private static final MethodHandle ENC_CALL_INT_PTR = functionPointerCall(
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));

    private static MemorySegment encoderMethod(MemorySegment encoder, int slot) {
        MemorySegment table = encoder.reinterpret(ADDRESS.byteSize()).get(ADDRESS, 0);
        return table.reinterpret(ENC_VTABLE_SLOTS * ADDRESS.byteSize()).getAtIndex(ADDRESS, slot);
    }

    /** {@code GetDefaultParams(SEncParamExt*)}: fills {@code params} ({@link #ENC_PARAM_SIZE} bytes); 0 = success. */
    public static int encoderGetDefaultParams(MemorySegment encoder, MemorySegment params) {
        LIBRARY.ensureAvailable();
        try {
            return (int) ENC_CALL_PTR.invokeExact(encoderMethod(encoder, ENC_GET_DEFAULT_PARAMS), encoder, params);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code InitializeExt(const SEncParamExt*)}: {@code CM_RETURN}, 0 = success. */
    public static int encoderInitializeExt(MemorySegment encoder, MemorySegment params) {
        LIBRARY.ensureAvailable();
        try {
            return (int) ENC_CALL_PTR.invokeExact(encoderMethod(encoder, ENC_INITIALIZE_EXT), encoder, params);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    public static int encoderUninitialize(MemorySegment encoder) {
        LIBRARY.ensureAvailable();
        try {
            return (int) ENC_CALL.invokeExact(encoderMethod(encoder, ENC_UNINITIALIZE), encoder);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * {@code EncodeFrame(const SSourcePicture*, SFrameBSInfo*)}: 0 = success; the layers in {@code info} point into
     * the encoder's own buffer, valid until its next call.
     */
    public static int encoderEncodeFrame(MemorySegment encoder, MemorySegment source, MemorySegment info) {
        LIBRARY.ensureAvailable();
        try {
            return (int) ENC_CALL_PTR_PTR.invokeExact(encoderMethod(encoder, ENC_ENCODE_FRAME), encoder, source, info);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code ForceIntraFrame(bIDR, -1)}: the next encoded frame of every layer is intra (IDR when {@code idr}). */
    public static int encoderForceIntraFrame(MemorySegment encoder, boolean idr) {
        LIBRARY.ensureAvailable();
        try {
            return (int) ENC_CALL_BOOL_INT.invokeExact(encoderMethod(encoder, ENC_FORCE_INTRA_FRAME), encoder, idr, -1);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code SetOption(ENCODER_OPTION, void*)}: 0 = success. */
    public static int encoderSetOption(MemorySegment encoder, int option, MemorySegment value) {
        LIBRARY.ensureAvailable();
        try {
            return (int) ENC_CALL_INT_PTR.invokeExact(encoderMethod(encoder, ENC_SET_OPTION), encoder, option, value);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }
}
