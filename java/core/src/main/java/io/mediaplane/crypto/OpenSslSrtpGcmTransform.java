package io.mediaplane.crypto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM for SRTP (RFC 7714 §8) through OpenSSL EVP: the key schedule is set once,
 * and per packet only the IV changes — one critical call into libmediaplane on the packet's own heap array, no
 * allocation (JCE allocates ≈ 1 KB per packet re-initialising its cipher). SRTCP, whose AAD is split around the
 * ciphertext (§9.1), goes through {@link JceSrtpGcmTransform}: the backend gives RTCP directions that transform.
 */
final class OpenSslSrtpGcmTransform extends NativeSrtpGcmTransform {
    private final OpenSslAeadEngine.AesGcm engine;

    OpenSslSrtpGcmTransform(byte[] sessionKey, byte[] sessionSalt) {
        super(sessionSalt);
        this.engine = new OpenSslAeadEngine.AesGcm(sessionKey, true);
    }

    private MemorySegment iv(boolean seal, int ssrc, long index) {
        rtpIv(ssrc, index);
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
    public void close() {
        super.close();
        engine.close();
    }
}
