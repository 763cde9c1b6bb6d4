package io.mediaplane.ffi;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

/**
 * libsrtp2 (Debian: libsrtp2-1), a measured SRTP backend and the reference our own SRTP is checked against.
 * {@code srtp_init()} runs once when this class loads, as libsrtp requires before any session is created.
 */
public final class Srtp2 {
    static final LibrarySpec SPEC = new LibrarySpec("srtp2", "libsrtp2", List.of("libsrtp2.so.1"), null,
            "libsrtp2-1", "srtp_init", lookup -> {
                String v = Calls.cString(lookup, "srtp_get_version_string"); // "libsrtp2 2.5.0"
                return v.substring(v.lastIndexOf(' ') + 1);
            });

    private static final NativeLibrary LIBRARY;
    private static final MethodHandle GET_VERSION;

    static {
        NativeLibrary.Binder b = NativeLibrary.load(SPEC).binder();
        MethodHandle init = b.bind("srtp_init", FunctionDescriptor.of(JAVA_INT));
        GET_VERSION = b.bind("srtp_get_version", FunctionDescriptor.of(JAVA_INT));
        NativeLibrary lib = b.finish();
        if (lib.isAvailable()) {
            try {
                int status = (int) init.invokeExact(); // srtp_err_status_t: 0 = srtp_err_status_ok
                if (status != 0) {
                    lib = lib.withFailure("srtp_init() returned error status " + status);
                }
            } catch (Throwable t) {
                lib = lib.withFailure("srtp_init() failed: " + t);
            }
        }
        LIBRARY = lib;
    }

    private Srtp2() {}

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

    /** {@code srtp_get_version()}: major &lt;&lt; 24 | minor &lt;&lt; 16 | micro. */
    public static int versionNumber() {
        ensureAvailable();
        try {
            return (int) GET_VERSION.invokeExact();
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }
}
