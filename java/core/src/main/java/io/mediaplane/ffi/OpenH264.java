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
