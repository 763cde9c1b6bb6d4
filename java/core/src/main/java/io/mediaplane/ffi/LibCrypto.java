package io.mediaplane.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

/**
 * OpenSSL's libcrypto (Debian: libssl3). Used for EVP AEAD with context reuse (AES-GCM with 8-byte tags for
 * DAVE, which JCE cannot do) and as a measured alternative backend for transport ciphers.
 */
public final class LibCrypto {
    private static final int OPENSSL_VERSION = 0; // OpenSSL_version(3): the "OpenSSL x.y.z date" text

    static final LibrarySpec SPEC = new LibrarySpec("crypto", "libcrypto (OpenSSL)",
            List.of("libcrypto.so.3"), null, "libssl3", "OpenSSL_version_num", LibCrypto::versionOf);

    private static final NativeLibrary LIBRARY;
    private static final MethodHandle VERSION_NUM;

    static {
        NativeLibrary.Binder b = NativeLibrary.load(SPEC).binder();
        VERSION_NUM = b.bind("OpenSSL_version_num", FunctionDescriptor.of(JAVA_LONG));
        LIBRARY = b.finish();
    }

    private LibCrypto() {}

    private static String versionOf(java.lang.foreign.SymbolLookup lookup) {
        var fn = lookup.find("OpenSSL_version").orElseThrow(() -> new IllegalStateException("no OpenSSL_version"));
        var h = java.lang.foreign.Linker.nativeLinker().downcallHandle(fn, FunctionDescriptor.of(ADDRESS, JAVA_INT));
        try {
            String text = Calls.string((java.lang.foreign.MemorySegment) h.invokeExact(OPENSSL_VERSION));
            String[] words = text.split(" "); // "OpenSSL 3.0.19 27 Jan 2026"
            return words.length > 1 ? words[1] : text;
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

    /** {@code OpenSSL_version_num()}: 0xMNN00PP0L for 3.x (e.g. 0x30000130 for 3.0.19). */
    public static long versionNumber() {
        ensureAvailable();
        try {
            return (long) VERSION_NUM.invokeExact();
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }
}
