package io.mediaplane.crypto;

import java.util.Arrays;

/**
 * What the native AES-GCM SRTP transforms (OpenSSL EVP, libgcrypt) share: the session salt, the RTP IV of RFC 7714
 * §8.1 built per packet, and SRTCP left to {@link JceSrtpGcmTransform} (its AAD is split around the ciphertext,
 * §9.1; the backend gives RTCP directions that transform, so these never see SRTCP).
 */
abstract class NativeSrtpGcmTransform extends SrtpTransform {
    private final byte[] salt;
    /** The IV of the packet being sealed or opened (a transform handles one packet at a time). */
    final byte[] iv = new byte[12];

    NativeSrtpGcmTransform(byte[] sessionSalt) {
        if (sessionSalt.length != 12) {
            throw new IllegalArgumentException("AES-GCM session salt is 12 bytes");
        }
        this.salt = sessionSalt.clone();
    }

    /** Fills {@link #iv} for the RTP packet of {@code ssrc} at {@code index}. */
    final void rtpIv(int ssrc, long index) {
        JceSrtpGcmTransform.iv(iv, salt, ssrc, (int) (index >>> 16), 0, (int) (index & 0xFFFF));
    }

    @Override
    final int sealRtcp(byte[] a, int base, int length, int ssrc, int index, boolean encrypt) {
        throw new UnsupportedOperationException("SRTCP goes through the JCE transform");
    }

    @Override
    final int openRtcp(byte[] a, int base, int length, int ssrc, int eIndex) {
        throw new UnsupportedOperationException("SRTCP goes through the JCE transform");
    }

    /** Wipes the salt and IV; subclasses release their native state and call this. */
    @Override
    public void close() {
        Arrays.fill(salt, (byte) 0);
        Arrays.fill(iv, (byte) 0);
    }
}
