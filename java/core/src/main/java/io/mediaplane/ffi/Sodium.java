package io.mediaplane.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * libsodium. The copy bundled in lazysodium-java's jar ({@code linux64/libsodium.so}) is used unless the system
 * has a newer one. {@code sodium_init()} runs once when this class loads (it picks the CPU-specific
 * implementations; libsodium requires it before any other call).
 *
 * <p>The AEAD calls are bound {@link Linker.Option#critical(boolean) critical(true)}: one packet is a bounded
 * amount of work that never blocks or calls back, and critical calls accept heap segments, so a packet in a
 * {@code byte[]} slab is sealed where it lies. Arguments are passed through unchecked; callers size every
 * segment (the {@code io.mediaplane.crypto} backends check lengths before calling). Lengths are
 * {@code unsigned long long} in C, passed as {@code long}; the optional length-out and {@code nsec} pointers
 * are passed as {@code NULL}.
 */
public final class Sodium {
    static final LibrarySpec SPEC = new LibrarySpec("sodium", "libsodium",
            List.of("libsodium.so.26", "libsodium.so.23", "libsodium.so"), "linux64/libsodium.so", "libsodium23",
            "sodium_init", lookup -> Calls.cString(lookup, "sodium_version_string"));

    private static final NativeLibrary LIBRARY;
    private static final MethodHandle AES256GCM_IS_AVAILABLE;
    private static final MethodHandle AES256GCM_STATEBYTES;
    private static final MethodHandle AES256GCM_BEFORENM;
    private static final MethodHandle AES256GCM_ENCRYPT_AFTERNM;
    private static final MethodHandle AES256GCM_DECRYPT_AFTERNM;
    private static final MethodHandle XCHACHA_ENCRYPT;
    private static final MethodHandle XCHACHA_DECRYPT;
    /** Function addresses of the four AEAD calls, for libmediaplane's trampolines (NULL when unavailable). */
    private static final MemorySegment[] AEAD_FUNCTIONS = new MemorySegment[4];

    /** Tag length of both AEADs ({@code crypto_aead_*_ABYTES}). */
    public static final int AEAD_TAG_BYTES = 16;
    /** {@code crypto_aead_aes256gcm_NPUBBYTES}, {@code crypto_aead_xchacha20poly1305_ietf_NPUBBYTES}. */
    public static final int AES256GCM_NONCE_BYTES = 12;
    public static final int XCHACHA_NONCE_BYTES = 24;
    /** The precomputed AES-GCM state must be 16-byte aligned (crypto_aead_aes256gcm.h). */
    public static final int AES256GCM_STATE_ALIGNMENT = 16;

    static {
        NativeLibrary.Binder b = NativeLibrary.load(SPEC).binder();
        AES256GCM_IS_AVAILABLE = b.bind("crypto_aead_aes256gcm_is_available", FunctionDescriptor.of(JAVA_INT),
                Linker.Option.critical(false));
        Linker.Option critical = Linker.Option.critical(true);
        AES256GCM_STATEBYTES = b.bind("crypto_aead_aes256gcm_statebytes", FunctionDescriptor.of(JAVA_LONG));
        AES256GCM_BEFORENM = b.bind("crypto_aead_aes256gcm_beforenm",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), critical);
        // (c, clen_p, m, mlen, ad, adlen, nsec, npub, ctx)
        AES256GCM_ENCRYPT_AFTERNM = b.bind("crypto_aead_aes256gcm_encrypt_afternm", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS), critical);
        // (m, mlen_p, nsec, c, clen, ad, adlen, npub, ctx)
        AES256GCM_DECRYPT_AFTERNM = b.bind("crypto_aead_aes256gcm_decrypt_afternm", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS), critical);
        XCHACHA_ENCRYPT = b.bind("crypto_aead_xchacha20poly1305_ietf_encrypt", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS), critical);
        XCHACHA_DECRYPT = b.bind("crypto_aead_xchacha20poly1305_ietf_decrypt", FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS), critical);
        String[] aead = {"crypto_aead_aes256gcm_encrypt_afternm", "crypto_aead_aes256gcm_decrypt_afternm",
            "crypto_aead_xchacha20poly1305_ietf_encrypt", "crypto_aead_xchacha20poly1305_ietf_decrypt"};
        for (int i = 0; i < aead.length; i++) {
            AEAD_FUNCTIONS[i] = b.find(aead[i]).orElse(MemorySegment.NULL);
        }
        // 0 = initialised now, 1 = already initialised, -1 = failure (sodium/core.h)
        LIBRARY = b.finishAndInit("sodium_init", status -> status >= 0);
    }

    private Sodium() {}

    public static NativeLibrary library() {
        return LIBRARY;
    }

    /** Whether libsodium's AES-256-GCM runs on this CPU (it needs AES-NI and PCLMUL). */
    public static boolean aes256GcmAvailable() {
        LIBRARY.ensureAvailable();
        try {
            return (int) AES256GCM_IS_AVAILABLE.invokeExact() == 1;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code crypto_aead_aes256gcm_statebytes()}: bytes of the precomputed key state. */
    public static long aes256GcmStateBytes() {
        LIBRARY.ensureAvailable();
        try {
            return (long) AES256GCM_STATEBYTES.invokeExact();
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** Expands {@code key} (32 bytes) into {@code state} ({@link #aes256GcmStateBytes()}, 16-aligned): 0. */
    public static int aes256GcmBeforenm(MemorySegment state, MemorySegment key) {
        try {
            return (int) AES256GCM_BEFORENM.invokeExact(state, key);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * Combined-mode seal: {@code c} receives {@code mlen} ciphertext bytes then the 16-byte tag; {@code c == m}
     * (in place) is allowed. Returns 0.
     */
    public static int aes256GcmEncryptAfternm(MemorySegment c, MemorySegment m, long mlen, MemorySegment ad,
            long adlen, MemorySegment npub, MemorySegment state) {
        try {
            return (int) AES256GCM_ENCRYPT_AFTERNM.invokeExact(c, MemorySegment.NULL, m, mlen, ad, adlen,
                    MemorySegment.NULL, npub, state);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** Combined-mode open of {@code clen} bytes (ciphertext + tag) into {@code m} (may equal {@code c}): 0 or -1. */
    public static int aes256GcmDecryptAfternm(MemorySegment m, MemorySegment c, long clen, MemorySegment ad,
            long adlen, MemorySegment npub, MemorySegment state) {
        try {
            return (int) AES256GCM_DECRYPT_AFTERNM.invokeExact(m, MemorySegment.NULL, MemorySegment.NULL, c, clen,
                    ad, adlen, npub, state);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code crypto_aead_xchacha20poly1305_ietf_encrypt}, combined mode, in place allowed: 0. */
    public static int xchacha20Poly1305Encrypt(MemorySegment c, MemorySegment m, long mlen, MemorySegment ad,
            long adlen, MemorySegment npub, MemorySegment key) {
        try {
            return (int) XCHACHA_ENCRYPT.invokeExact(c, MemorySegment.NULL, m, mlen, ad, adlen, MemorySegment.NULL,
                    npub, key);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code crypto_aead_xchacha20poly1305_ietf_decrypt}, combined mode, in place allowed: 0 or -1. */
    public static int xchacha20Poly1305Decrypt(MemorySegment m, MemorySegment c, long clen, MemorySegment ad,
            long adlen, MemorySegment npub, MemorySegment key) {
        try {
            return (int) XCHACHA_DECRYPT.invokeExact(m, MemorySegment.NULL, MemorySegment.NULL, c, clen, ad, adlen,
                    npub, key);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** Addresses of {@code crypto_aead_aes256gcm_encrypt_afternm} and {@code _decrypt_afternm}. */
    public static MemorySegment aes256GcmEncryptAfternmFunction() {
        LIBRARY.ensureAvailable();
        return AEAD_FUNCTIONS[0];
    }

    public static MemorySegment aes256GcmDecryptAfternmFunction() {
        LIBRARY.ensureAvailable();
        return AEAD_FUNCTIONS[1];
    }

    /** Addresses of {@code crypto_aead_xchacha20poly1305_ietf_encrypt} and {@code _decrypt}. */
    public static MemorySegment xchacha20Poly1305EncryptFunction() {
        LIBRARY.ensureAvailable();
        return AEAD_FUNCTIONS[2];
    }

    public static MemorySegment xchacha20Poly1305DecryptFunction() {
        LIBRARY.ensureAvailable();
        return AEAD_FUNCTIONS[3];
    }
}
