package io.mediaplane.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

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
    private static final MethodHandle COMPRESS_FROM_YUV_PLANES;
    private static final MethodHandle BUF_SIZE;
    private static final MethodHandle GET_ERROR_STR2;

    /** {@code TJSAMP_420}: chroma halved in both directions. */
    public static final int SAMP_420 = 2;
    /** {@code TJFLAG_NOREALLOC}: write into the caller's buffer, never reallocate it. */
    public static final int FLAG_NOREALLOC = 1024;
    /** {@code TJFLAG_FASTDCT}: the faster, slightly less accurate integer DCT. */
    public static final int FLAG_FASTDCT = 2048;

    static {
        NativeLibrary.Binder b = NativeLibrary.load(SPEC).binder();
        INIT_COMPRESS = b.bind("tjInitCompress", FunctionDescriptor.of(ADDRESS));
        DESTROY = b.bind("tjDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // int tjCompressFromYUVPlanes(tjhandle, const unsigned char **srcPlanes, int width, const int *strides,
        //     int height, int subsamp, unsigned char **jpegBuf, unsigned long *jpegSize, int jpegQual, int flags)
        // Not a critical call: a 1080p picture takes milliseconds.
        COMPRESS_FROM_YUV_PLANES = b.bind("tjCompressFromYUVPlanes", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT));
        BUF_SIZE = b.bind("tjBufSize", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT));
        GET_ERROR_STR2 = b.bind("tjGetErrorStr2", FunctionDescriptor.of(ADDRESS, ADDRESS));
        LIBRARY = b.finish();
    }

    private TurboJpeg() {}

    public static NativeLibrary library() {
        return LIBRARY;
    }

    /** {@code tjInitCompress()}: a compressor handle, released with {@link #destroy}. */
    public static MemorySegment initCompress() {
        LIBRARY.ensureAvailable();
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
        LIBRARY.ensureAvailable();
        try {
            return (int) DESTROY.invokeExact(handle);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * {@code tjCompressFromYUVPlanes()}: 0 on success, -1 on error ({@link #errorString}). {@code planes} holds three
     * plane pointers, {@code strides} three ints; with {@link #FLAG_NOREALLOC} {@code jpegBuf} points at a buffer of
     * {@link #bufSize} bytes and {@code jpegSize} (an unsigned long) receives the JPEG's length.
     */
    public static int compressFromYuvPlanes(MemorySegment handle, MemorySegment planes, int width,
                                            MemorySegment strides, int height, int subsamp, MemorySegment jpegBuf,
                                            MemorySegment jpegSize, int quality, int flags) {
        try {
            return (int) COMPRESS_FROM_YUV_PLANES.invokeExact(handle, planes, width, strides, height, subsamp,
                    jpegBuf, jpegSize, quality, flags);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code tjBufSize()}: the largest JPEG a picture of this size and subsampling can produce. */
    public static long bufSize(int width, int height, int subsamp) {
        LIBRARY.ensureAvailable();
        try {
            return (long) BUF_SIZE.invokeExact(width, height, subsamp);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code tjGetErrorStr2()}: the handle's last error message. */
    public static String errorString(MemorySegment handle) {
        try {
            return Calls.string((MemorySegment) GET_ERROR_STR2.invokeExact(handle));
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }
}
