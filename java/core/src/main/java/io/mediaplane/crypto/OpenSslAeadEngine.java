package io.mediaplane.crypto;

import io.mediaplane.ffi.LibCrypto;
import io.mediaplane.ffi.MediaplaneNative;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An AEAD through OpenSSL EVP with one reused context per direction: the cipher is set once, and per packet
 * {@code EVP_CipherInit_ex} changes only the IV (AES-256-GCM) or the key (XChaCha: the HChaCha20 subkey,
 * computed in Java; the inner ChaCha20-Poly1305 nonce stays zero), then AAD, data in place, final, tag.
 * With libmediaplane that is one critical call per packet ({@code mp_evp_aead_seal/open}, taking the slab and
 * an offset); without it, five critical calls on slices.
 */
abstract sealed class OpenSslAeadEngine extends AeadEngine {
    private static final ValueLayout.OfInt U32_LE = ValueLayout.JAVA_INT_UNALIGNED;

    final Arena arena = Arena.ofShared();
    final MemorySegment sealCtx;
    final MemorySegment openCtx;
    /** {@code int outl} for EVP_CipherUpdate/Final, one per direction. */
    private final MemorySegment sealOutLength;
    private final MemorySegment openOutLength;

    /** {@code key}: set once on both contexts (AES-GCM), or null when it changes per packet (XChaCha). */
    OpenSslAeadEngine(MemorySegment cipher, byte[] key) {
        sealOutLength = arena.allocate(ValueLayout.JAVA_INT);
        openOutLength = arena.allocate(ValueLayout.JAVA_INT);
        MemorySegment k = MemorySegment.NULL;
        if (key != null) {
            k = arena.allocate(key.length);
            MemorySegment.copy(key, 0, k, ValueLayout.JAVA_BYTE, 0, key.length);
        }
        sealCtx = LibCrypto.cipherCtxNew();
        openCtx = LibCrypto.cipherCtxNew();
        boolean ok = !sealCtx.equals(MemorySegment.NULL) && !openCtx.equals(MemorySegment.NULL)
                && LibCrypto.cipherInit(sealCtx, cipher, k, MemorySegment.NULL, 1) == 1
                && LibCrypto.cipherInit(openCtx, cipher, k, MemorySegment.NULL, 0) == 1;
        if (key != null) {
            k.fill((byte) 0); // the contexts hold the expanded key
        }
        if (!ok) {
            close();
            throw new IllegalStateException("EVP cipher context set-up failed");
        }
    }

    @Override
    AeadBackend backend() {
        return AeadBackend.OPENSSL;
    }

    private static final MemorySegment EVP =
            LibCrypto.library().isAvailable() ? LibCrypto.aeadFunctions() : MemorySegment.NULL;

    /** Writes the per-packet IV or key for {@code counter} into the seal or open side's buffer. */
    abstract void prepare(boolean seal, int counter);

    /** The key buffer to pass per packet (NULL = keep the context's), seal or open side. */
    abstract MemorySegment key(boolean seal);

    /** The IV buffer to pass per packet. */
    abstract MemorySegment iv(boolean seal);

    @Override
    final void seal(MemorySegment s, long offset, int aadLength, int dataLength, int counter) {
        prepare(true, counter);
        if (trampoline) {
            if (MediaplaneNative.evpAeadSeal(EVP, sealCtx, key(true), iv(true), s, offset, aadLength, dataLength) != 0) {
                throw new IllegalStateException("EVP seal failed");
            }
            return;
        }
        if (LibCrypto.cipherInit(sealCtx, MemorySegment.NULL, key(true), iv(true), LibCrypto.KEEP_DIRECTION) != 1) {
            throw new IllegalStateException("EVP init failed");
        }
        MemorySegment data = s.asSlice(offset + aadLength);
        if (LibCrypto.cipherUpdate(sealCtx, MemorySegment.NULL, sealOutLength, s.asSlice(offset), aadLength) != 1
                || (dataLength > 0 && LibCrypto.cipherUpdate(sealCtx, data, sealOutLength, data, dataLength) != 1)
                || LibCrypto.cipherFinal(sealCtx, data, sealOutLength) != 1
                || LibCrypto.cipherCtrl(sealCtx, LibCrypto.CTRL_AEAD_GET_TAG, TAG, s.asSlice(offset + aadLength + dataLength)) != 1) {
            throw new IllegalStateException("EVP seal failed");
        }
    }

    @Override
    final boolean open(MemorySegment s, long offset, int aadLength, int dataLength, int counter) {
        prepare(false, counter);
        if (trampoline) {
            int rc = MediaplaneNative.evpAeadOpen(EVP, openCtx, key(false), iv(false), s, offset, aadLength, dataLength);
            if (rc == -2) {
                throw new IllegalStateException("EVP open failed");
            }
            return rc == 0;
        }
        if (LibCrypto.cipherInit(openCtx, MemorySegment.NULL, key(false), iv(false), LibCrypto.KEEP_DIRECTION) != 1) {
            throw new IllegalStateException("EVP init failed");
        }
        MemorySegment data = s.asSlice(offset + aadLength);
        if (LibCrypto.cipherUpdate(openCtx, MemorySegment.NULL, openOutLength, s.asSlice(offset), aadLength) != 1
                || (dataLength > 0 && LibCrypto.cipherUpdate(openCtx, data, openOutLength, data, dataLength) != 1)
                || LibCrypto.cipherCtrl(openCtx, LibCrypto.CTRL_AEAD_SET_TAG, TAG, s.asSlice(offset + aadLength + dataLength)) != 1) {
            throw new IllegalStateException("EVP open failed");
        }
        return LibCrypto.cipherFinal(openCtx, data, openOutLength) == 1;
    }

    @Override
    public void close() {
        if (sealCtx != null && !sealCtx.equals(MemorySegment.NULL)) {
            LibCrypto.cipherCtxFree(sealCtx); // EVP_CIPHER_CTX_free cleanses the key schedule
        }
        if (openCtx != null && !openCtx.equals(MemorySegment.NULL)) {
            LibCrypto.cipherCtxFree(openCtx);
        }
        closeMore();
        arena.close();
    }

    void closeMore() {}

    /**
     * AES-GCM, 128 or 256 by the key's length: key schedule set once per context, per packet only the 12-byte IV
     * changes — Discord's counter in its first four bytes, or, with {@code callerIv}, what the caller wrote into
     * {@link #iv(boolean)} before the call (SRTP derives it from SSRC, ROC and sequence number, RFC 7714 §8.1).
     */
    static final class AesGcm extends OpenSslAeadEngine {
        private final boolean callerIv;
        private final MemorySegment sealIv;
        private final MemorySegment openIv;

        AesGcm(byte[] key) {
            this(key, false);
        }

        AesGcm(byte[] key, boolean callerIv) {
            super(key.length == 16 ? LibCrypto.aes128Gcm() : LibCrypto.aes256Gcm(), key);
            this.callerIv = callerIv;
            sealIv = arena.allocate(12);
            openIv = arena.allocate(12);
        }

        @Override
        void prepare(boolean seal, int counter) {
            if (!callerIv) {
                (seal ? sealIv : openIv).set(SodiumAesGcmEngine.U32_BE, 0, counter);
            }
        }

        @Override
        MemorySegment key(boolean seal) {
            return MemorySegment.NULL;
        }

        @Override
        MemorySegment iv(boolean seal) {
            return seal ? sealIv : openIv;
        }
    }

    /** XChaCha20-Poly1305: HChaCha20 subkey per packet (Java), EVP chacha20-poly1305 with a zero nonce. */
    static final class XChaCha extends OpenSslAeadEngine {
        private final int[] keyWords = new int[8];
        private final int[] sealWords = new int[8];
        private final int[] openWords = new int[8];
        private final MemorySegment sealKey;
        private final MemorySegment openKey;
        private final MemorySegment zeroNonce;

        XChaCha(byte[] key) {
            super(LibCrypto.chacha20Poly1305(), null);
            HChaCha20.keyWords(key, keyWords);
            sealKey = arena.allocate(32);
            openKey = arena.allocate(32);
            zeroNonce = arena.allocate(12);
        }

        @Override
        void prepare(boolean seal, int counter) {
            int[] words = seal ? sealWords : openWords;
            MemorySegment k = seal ? sealKey : openKey;
            HChaCha20.subkey(keyWords, HChaCha20.counterWord(counter), 0, 0, 0, words);
            for (int i = 0; i < 8; i++) {
                k.set(U32_LE, 4L * i, words[i]);
            }
        }

        @Override
        MemorySegment key(boolean seal) {
            return seal ? sealKey : openKey;
        }

        @Override
        MemorySegment iv(boolean seal) {
            return zeroNonce;
        }

        @Override
        void closeMore() {
            if (sealKey == null) {
                return; // set-up failed before the keys existed
            }
            java.util.Arrays.fill(keyWords, 0);
            java.util.Arrays.fill(sealWords, 0);
            java.util.Arrays.fill(openWords, 0);
            sealKey.fill((byte) 0);
            openKey.fill((byte) 0);
        }
    }
}
