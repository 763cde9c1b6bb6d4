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
 * OpenSSL's libcrypto (Debian: libssl3). Used for EVP AEAD with context reuse (AES-GCM with 8-byte tags for
 * DAVE, which JCE cannot do) and as a measured alternative backend for transport ciphers.
 *
 * <p>EVP cipher contexts are reused: set up once with the cipher and key, then per packet only the IV (and for
 * XChaCha the derived key) changes. {@code EVP_CipherInit_ex}, {@code EVP_CipherUpdate},
 * {@code EVP_CipherFinal_ex} and {@code EVP_CIPHER_CTX_ctrl} are bound {@code critical(true)}: one packet's AEAD
 * is short and never blocks, and critical calls accept heap segments. Arguments pass through unchecked.
 */
public final class LibCrypto {
    private static final int OPENSSL_VERSION = 0; // OpenSSL_version(3): the "OpenSSL x.y.z date" text

    static final LibrarySpec SPEC = new LibrarySpec("crypto", "libcrypto (OpenSSL)",
            List.of("libcrypto.so.3"), null, "libssl3", "OpenSSL_version_num", LibCrypto::versionOf);

    private static final NativeLibrary LIBRARY;
    private static final MethodHandle VERSION_NUM;
    private static final MethodHandle CTX_NEW;
    private static final MethodHandle CTX_FREE;
    private static final MethodHandle AES_256_GCM;
    private static final MethodHandle AES_128_GCM;
    private static final MethodHandle CHACHA20_POLY1305;
    private static final MethodHandle CIPHER_INIT;
    private static final MethodHandle CIPHER_UPDATE;
    private static final MethodHandle CIPHER_FINAL;
    private static final MethodHandle CTX_CTRL;
    /** EVP_CipherInit_ex, EVP_CipherUpdate, EVP_CipherFinal_ex, EVP_CIPHER_CTX_ctrl addresses, in that order. */
    private static final MemorySegment AEAD_FUNCTIONS;

    /** {@code EVP_CTRL_AEAD_SET_IVLEN}, {@code EVP_CTRL_AEAD_GET_TAG}, {@code EVP_CTRL_AEAD_SET_TAG} (evp.h). */
    public static final int CTRL_AEAD_SET_IVLEN = 0x9;
    public static final int CTRL_AEAD_GET_TAG = 0x10;
    public static final int CTRL_AEAD_SET_TAG = 0x11;
    /** {@code enc} argument of {@code EVP_CipherInit_ex}: -1 keeps the direction set before. */
    public static final int KEEP_DIRECTION = -1;

    static {
        NativeLibrary.Binder b = NativeLibrary.load(SPEC).binder();
        VERSION_NUM = b.bind("OpenSSL_version_num", FunctionDescriptor.of(JAVA_LONG));
        Linker.Option critical = Linker.Option.critical(true);
        CTX_NEW = b.bind("EVP_CIPHER_CTX_new", FunctionDescriptor.of(ADDRESS));
        CTX_FREE = b.bind("EVP_CIPHER_CTX_free", FunctionDescriptor.ofVoid(ADDRESS));
        AES_256_GCM = b.bind("EVP_aes_256_gcm", FunctionDescriptor.of(ADDRESS));
        AES_128_GCM = b.bind("EVP_aes_128_gcm", FunctionDescriptor.of(ADDRESS));
        CHACHA20_POLY1305 = b.bind("EVP_chacha20_poly1305", FunctionDescriptor.of(ADDRESS));
        // (ctx, cipher, engine, key, iv, enc)
        CIPHER_INIT = b.bind("EVP_CipherInit_ex",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT), critical);
        // (ctx, out, outl, in, inl)
        CIPHER_UPDATE = b.bind("EVP_CipherUpdate",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT), critical);
        CIPHER_FINAL = b.bind("EVP_CipherFinal_ex",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), critical);
        CTX_CTRL = b.bind("EVP_CIPHER_CTX_ctrl",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), critical);
        String[] aead = {"EVP_CipherInit_ex", "EVP_CipherUpdate", "EVP_CipherFinal_ex", "EVP_CIPHER_CTX_ctrl"};
        MemorySegment table = java.lang.foreign.Arena.global().allocate(ADDRESS, aead.length);
        for (int i = 0; i < aead.length; i++) {
            table.setAtIndex(ADDRESS, i, b.find(aead[i]).orElse(MemorySegment.NULL));
        }
        AEAD_FUNCTIONS = table;
        LIBRARY = b.finish();
    }

    private LibCrypto() {}

    private static String versionOf(java.lang.foreign.SymbolLookup lookup) {
        MethodHandle h = Calls.downcall(lookup, "OpenSSL_version", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        try {
            String text = Calls.string((MemorySegment) h.invokeExact(OPENSSL_VERSION));
            String[] words = text.split(" "); // "OpenSSL 3.0.19 27 Jan 2026"
            return words.length > 1 ? words[1] : text;
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    public static NativeLibrary library() {
        return LIBRARY;
    }

    /** {@code OpenSSL_version_num()}: 0xMNN00PP0L for 3.x (e.g. 0x30000130 for 3.0.19). */
    public static long versionNumber() {
        LIBRARY.ensureAvailable();
        try {
            return (long) VERSION_NUM.invokeExact();
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** A new cipher context (free with {@link #cipherCtxFree}); {@code NULL} when out of memory. */
    public static MemorySegment cipherCtxNew() {
        LIBRARY.ensureAvailable();
        try {
            return (MemorySegment) CTX_NEW.invokeExact();
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    public static void cipherCtxFree(MemorySegment ctx) {
        try {
            CTX_FREE.invokeExact(ctx);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code EVP_aes_256_gcm()}: a static cipher description, never freed. */
    public static MemorySegment aes256Gcm() {
        LIBRARY.ensureAvailable();
        try {
            return (MemorySegment) AES_256_GCM.invokeExact();
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * {@code EVP_aes_128_gcm()}: a static cipher description, never freed. With {@link #CTRL_AEAD_GET_TAG} /
     * {@link #CTRL_AEAD_SET_TAG} of length 8 it produces and checks the truncated tags DAVE frames carry.
     */
    public static MemorySegment aes128Gcm() {
        LIBRARY.ensureAvailable();
        try {
            return (MemorySegment) AES_128_GCM.invokeExact();
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code EVP_chacha20_poly1305()}: RFC 8439 AEAD, 12-byte IV, 16-byte tag. */
    public static MemorySegment chacha20Poly1305() {
        LIBRARY.ensureAvailable();
        try {
            return (MemorySegment) CHACHA20_POLY1305.invokeExact();
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * {@code EVP_CipherInit_ex(ctx, cipher, NULL, key, iv, enc)}: {@code NULL} for any of cipher, key, iv keeps
     * what the context has; {@code enc} 1 encrypt, 0 decrypt, {@link #KEEP_DIRECTION}. Returns 1 on success.
     */
    public static int cipherInit(MemorySegment ctx, MemorySegment cipher, MemorySegment key, MemorySegment iv,
            int enc) {
        try {
            return (int) CIPHER_INIT.invokeExact(ctx, cipher, MemorySegment.NULL, key, iv, enc);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * {@code EVP_CipherUpdate}: {@code out == NULL} feeds AAD; {@code out == in} works in place for GCM and
     * ChaCha20-Poly1305. {@code outLength} receives the bytes written (an {@code int}). Returns 1 on success.
     */
    public static int cipherUpdate(MemorySegment ctx, MemorySegment out, MemorySegment outLength, MemorySegment in,
            int inLength) {
        try {
            return (int) CIPHER_UPDATE.invokeExact(ctx, out, outLength, in, inLength);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code EVP_CipherFinal_ex}: 1, or 0 when decryption finds a wrong tag. */
    public static int cipherFinal(MemorySegment ctx, MemorySegment out, MemorySegment outLength) {
        try {
            return (int) CIPHER_FINAL.invokeExact(ctx, out, outLength);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code EVP_CIPHER_CTX_ctrl}, e.g. {@link #CTRL_AEAD_GET_TAG} / {@link #CTRL_AEAD_SET_TAG}: 1 on success. */
    public static int cipherCtrl(MemorySegment ctx, int type, int arg, MemorySegment ptr) {
        try {
            return (int) CTX_CTRL.invokeExact(ctx, type, arg, ptr);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * A native table of the four EVP function addresses libmediaplane's {@code mp_evp_aead_seal/open} call:
     * {@code EVP_CipherInit_ex}, {@code EVP_CipherUpdate}, {@code EVP_CipherFinal_ex}, {@code EVP_CIPHER_CTX_ctrl}.
     */
    public static MemorySegment aeadFunctions() {
        LIBRARY.ensureAvailable();
        return AEAD_FUNCTIONS;
    }
}
