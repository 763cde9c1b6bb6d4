package io.mediaplane.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

/**
 * libjpeg-turbo's TurboJPEG API (Debian 12: libturbojpeg0, 2.1.5), for JPEG straight from decoder YUV planes.
 * The 2.x API exports no version function; the version reported is the API generation found (tj3 symbols
 * arrived with 3.0), and the file path shows the exact library.
 */
public final class TurboJpeg {
    static final LibrarySpec SPEC = new LibrarySpec("turbojpeg", "libturbojpeg", List.of("libturbojpeg.so.0"),
            null, "libturbojpeg0", "tjInitCompress",
            lookup -> lookup.find("tj3Init").isPresent() ? "3.x API" : "2.x API");

    private static final NativeLibrary LIBRARY;
    private static final MethodHandle INIT_COMPRESS;
    private static final MethodHandle DESTROY;

    static {
        NativeLibrary.Binder b = NativeLibrary.load(SPEC).binder();
        INIT_COMPRESS = b.bind("tjInitCompress", FunctionDescriptor.of(ADDRESS));
        DESTROY = b.bind("tjDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        LIBRARY = b.finish();
    }

    private TurboJpeg() {}

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

    /** {@code tjInitCompress()}: a compressor handle, released with {@link #destroy}. */
    public static MemorySegment initCompress() {
        ensureAvailable();
        try {
            MemorySegment handle = (MemorySegment) INIT_COMPRESS.invokeExact();
            if (handle.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("tjInitCompress() returned NULL");
            }
            return handle;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code tjDestroy()}: 0 on success, -1 on error. */
    public static int destroy(MemorySegment handle) {
        ensureAvailable();
        try {
            return (int) DESTROY.invokeExact(handle);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }
}
