package io.mediaplane.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

/** libvpx (Debian 12: libvpx7, 1.12), for VP8 decode without an FFmpeg subprocess. */
public final class Vpx {
    static final LibrarySpec SPEC = new LibrarySpec("vpx", "libvpx", List.of("libvpx.so.7", "libvpx.so.8", "libvpx.so.9"),
            null, "libvpx7", "vpx_codec_version_str", lookup -> {
                String v = Calls.cString(lookup, "vpx_codec_version_str"); // "v1.12.0"
                return v.startsWith("v") ? v.substring(1) : v;
            });

    private static final NativeLibrary LIBRARY;
    private static final MethodHandle VP8_DX;

    static {
        NativeLibrary.Binder b = NativeLibrary.load(SPEC).binder();
        // vpx_codec_iface_t *vpx_codec_vp8_dx(void): the VP8 decoder interface (vp8dx.h)
        VP8_DX = b.bind("vpx_codec_vp8_dx", FunctionDescriptor.of(ADDRESS));
        LIBRARY = b.finish();
    }

    private Vpx() {}

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

    /** The VP8 decoder interface, for {@code vpx_codec_dec_init_ver}. */
    public static MemorySegment vp8DecoderInterface() {
        ensureAvailable();
        try {
            return (MemorySegment) VP8_DX.invokeExact();
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }
}
