package io.mediaplane.ffi;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

/**
 * libsodium. The copy bundled in lazysodium-java's jar ({@code linux64/libsodium.so}) is used unless the system
 * has a newer one. {@code sodium_init()} runs once when this class loads (it picks the CPU-specific
 * implementations; libsodium requires it before any other call).
 */
public final class Sodium {
    static final LibrarySpec SPEC = new LibrarySpec("sodium", "libsodium",
            List.of("libsodium.so.26", "libsodium.so.23", "libsodium.so"), "linux64/libsodium.so", "libsodium23",
            "sodium_init", lookup -> Calls.cString(lookup, "sodium_version_string"));

    private static final NativeLibrary LIBRARY;
    private static final MethodHandle AES256GCM_IS_AVAILABLE;

    static {
        NativeLibrary.Binder b = NativeLibrary.load(SPEC).binder();
        MethodHandle init = b.bind("sodium_init", FunctionDescriptor.of(JAVA_INT));
        AES256GCM_IS_AVAILABLE = b.bind("crypto_aead_aes256gcm_is_available", FunctionDescriptor.of(JAVA_INT),
                Linker.Option.critical(false));
        NativeLibrary lib = b.finish();
        if (lib.isAvailable()) {
            try {
                // 0 = initialised now, 1 = already initialised, -1 = failure (sodium/core.h)
                if ((int) init.invokeExact() < 0) {
                    lib = lib.withFailure("sodium_init() returned -1");
                }
            } catch (Throwable t) {
                lib = lib.withFailure("sodium_init() failed: " + t);
            }
        }
        LIBRARY = lib;
    }

    private Sodium() {}

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

    /** Whether libsodium's AES-256-GCM runs on this CPU (it needs AES-NI and PCLMUL). */
    public static boolean aes256GcmAvailable() {
        ensureAvailable();
        try {
            return (int) AES256GCM_IS_AVAILABLE.invokeExact() == 1;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }
}
