package io.mediaplane.crypto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM for SRTP (RFC 7714 §8) through OpenSSL EVP: the key schedule is set once,
 * and per packet only the IV changes — one critical call into libmediaplane on the packet's own heap array, no
 * allocation (JCE allocates ≈ 1 KB per packet re-initialising its cipher). SRTCP, whose AAD is split around the
 * ciphertext (§9.1), goes through {@link JceSrtpGcmTransform}: the backend gives RTCP directions that transform.
 */
final class OpenSslSrtpGcmTransform extends SrtpTransform {
    private final OpenSslAeadEngine.AesGcm engine;
    private final byte[] salt;
    private final byte[] iv = new byte[12];

    OpenSslSrtpGcmTransform(byte[] sessionKey, byte[] sessionSalt) {
        if (sessionSalt.length != 12) {
            throw new IllegalArgumentException("AES-GCM session salt is 12 bytes");
        }
        this.salt = sessionSalt.clone();
        this.engine = new OpenSslAeadEngine.AesGcm(sessionKey, true);
    }

    private MemorySegment iv(boolean seal, int ssrc, long index) {
        JceSrtpGcmTransform.iv(iv, salt, ssrc, (int) (index >>> 16), 0, (int) (index & 0xFFFF));
        MemorySegment to = engine.iv(seal);
        MemorySegment.copy(iv, 0, to, ValueLayout.JAVA_BYTE, 0, 12);
        return to;
    }

    @Override
    void sealRtp(byte[] a, int base, int header, int length, int ssrc, long index) {
        iv(true, ssrc, index);
        engine.seal(MemorySegment.ofArray(a), base, header, length - header, 0);
    }

    @Override
    boolean openRtp(byte[] a, int base, int header, int length, int ssrc, long index) {
        iv(false, ssrc, index);
        return engine.open(MemorySegment.ofArray(a), base, header, length - header, 0);
    }

    @Override
    int sealRtcp(byte[] a, int base, int length, int ssrc, int index, boolean encrypt) {
        throw new UnsupportedOperationException("SRTCP goes through the JCE transform");
    }

    @Override
    int openRtcp(byte[] a, int base, int length, int ssrc, int eIndex) {
        throw new UnsupportedOperationException("SRTCP goes through the JCE transform");
    }

    @Override
    public void close() {
        Arrays.fill(salt, (byte) 0);
        Arrays.fill(iv, (byte) 0);
        engine.close();
    }
}
