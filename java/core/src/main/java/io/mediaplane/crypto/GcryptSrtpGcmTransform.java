package io.mediaplane.crypto;

import io.mediaplane.ffi.Gcrypt;
import io.mediaplane.ffi.MediaplaneNative;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM for SRTP (RFC 7714 §8) through libgcrypt: one GCM cipher handle with the key
 * set once; per packet one critical call into libmediaplane ({@code mp_gcry_gcm_seal/open}) on the packet's own heap
 * array, which sets the IV, feeds the header as AAD, en/decrypts in place and writes or checks the tag. No
 * allocation per packet. Unlike an EVP context a libgcrypt handle has no fixed direction and {@code setiv} starts
 * each packet afresh, so one handle serves both calls (a context makes a transform per direction and key, used one
 * packet at a time), half the native state of two. SRTCP, whose AAD is split around the ciphertext (§9.1), goes
 * through {@link JceSrtpGcmTransform}: the backend gives RTCP directions that transform.
 */
final class GcryptSrtpGcmTransform extends NativeSrtpGcmTransform {
    private static final MemorySegment FUNCTIONS =
            Gcrypt.library().isAvailable() ? Gcrypt.gcmFunctions() : MemorySegment.NULL;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment handle;
    private final MemorySegment nativeIv;

    GcryptSrtpGcmTransform(byte[] sessionKey, byte[] sessionSalt) {
        super(sessionSalt);
        if (sessionKey.length != 16 && sessionKey.length != 32) {
            throw new IllegalArgumentException("AES-GCM session key is 16 or 32 bytes");
        }
        nativeIv = arena.allocate(12);
        MemorySegment key = arena.allocate(sessionKey.length);
        MemorySegment.copy(sessionKey, 0, key, ValueLayout.JAVA_BYTE, 0, sessionKey.length);
        MemorySegment h;
        try {
            h = handle(key);
        } catch (RuntimeException e) {
            key.fill((byte) 0);
            arena.close(); // handle() closed what it had opened
            throw e;
        }
        key.fill((byte) 0); // the handle holds the expanded key
        handle = h;
    }

    /** A GCM handle with {@code key} set; closed again when a step fails (set-up misuse, not packet data). */
    private MemorySegment handle(MemorySegment key) {
        MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
        int algorithm = key.byteSize() == 16 ? Gcrypt.CIPHER_AES128 : Gcrypt.CIPHER_AES256;
        int rc = Gcrypt.cipherOpen(out, algorithm, Gcrypt.MODE_GCM);
        if (rc != 0) {
            throw new IllegalStateException("gcry_cipher_open failed: error " + rc);
        }
        MemorySegment h = out.get(ValueLayout.ADDRESS, 0);
        rc = Gcrypt.cipherSetKey(h, key, key.byteSize());
        if (rc != 0) {
            Gcrypt.cipherClose(h);
            throw new IllegalStateException("gcry_cipher_setkey failed: error " + rc);
        }
        return h;
    }

    private MemorySegment iv(int ssrc, long index) {
        rtpIv(ssrc, index);
        MemorySegment.copy(iv, 0, nativeIv, ValueLayout.JAVA_BYTE, 0, 12);
        return nativeIv;
    }

    @Override
    void sealRtp(byte[] a, int base, int header, int length, int ssrc, long index) {
        if (MediaplaneNative.gcryGcmSeal(FUNCTIONS, handle, iv(ssrc, index), MemorySegment.ofArray(a),
                base, header, length - header) != 0) {
            throw new IllegalStateException("libgcrypt GCM seal failed"); // only on misuse: GCM encrypt cannot fail
        }
    }

    @Override
    boolean openRtp(byte[] a, int base, int header, int length, int ssrc, long index) {
        int rc = MediaplaneNative.gcryGcmOpen(FUNCTIONS, handle, iv(ssrc, index), MemorySegment.ofArray(a),
                base, header, length - header);
        if (rc == -2) {
            throw new IllegalStateException("libgcrypt GCM open failed");
        }
        return rc == 0;
    }

    @Override
    public void close() {
        super.close();
        Gcrypt.cipherClose(handle); // gcry_cipher_close wipes the key schedule
        arena.close();
    }
}
