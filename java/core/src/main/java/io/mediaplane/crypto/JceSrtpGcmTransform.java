package io.mediaplane.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM for SRTP and SRTCP (RFC 7714) through JCE {@code AES/GCM/NoPadding}.
 * Like {@link JceAesGcmEngine}, each packet re-inits the cipher with a new IV, which allocates inside SunJCE.
 *
 * <pre>
 * SRTP  IV = (00 00 ‖ SSRC ‖ ROC ‖ SEQ) XOR salt, AAD = RTP header (with CSRCs and extension)       §8.1
 * SRTCP IV = (00 00 ‖ SSRC ‖ 00 00 ‖ 0 ‖ index) XOR salt, AAD = first 8 bytes ‖ E‖index             §9.1
 * SRTCP    = header(8) ‖ ciphertext ‖ tag ‖ E‖index; with E clear the whole packet is AAD           §9.2
 * </pre>
 */
final class JceSrtpGcmTransform extends SrtpTransform {
    private static final int TAG = 16;
    private static final int TAG_BITS = TAG * 8;

    private final SecretKeySpec key;
    private final Cipher gcm;
    private final byte[] salt;
    private final byte[] iv = new byte[12];
    private final byte[] word = new byte[4];

    JceSrtpGcmTransform(byte[] sessionKey, byte[] sessionSalt) {
        if (sessionSalt.length != 12) {
            throw new IllegalArgumentException("AES-GCM session salt is 12 bytes");
        }
        this.salt = sessionSalt.clone();
        try {
            key = new SecretKeySpec(sessionKey, "AES");
            gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv)); // fails fast on a bad key
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE AES/GCM unavailable", e);
        }
    }

    private void iv(int ssrc, int high, int low32, int low16) {
        iv(iv, salt, ssrc, high, low32, low16);
    }

    /**
     * The 12-byte IV of RFC 7714: SRTP (§8.1) with {@code low16} ≥ 0 — {@code high} the ROC, {@code low16} the
     * sequence number —, SRTCP (§9.1) with {@code low16} &lt; 0 and {@code low32} the 31-bit index.
     */
    static void iv(byte[] iv, byte[] salt, int ssrc, int high, int low32, int low16) {
        Arrays.fill(iv, (byte) 0);
        put32(iv, 2, ssrc);
        if (low16 >= 0) { // SRTP: ROC at 6..9, SEQ at 10..11
            put32(iv, 6, high);
            iv[10] = (byte) (low16 >>> 8);
            iv[11] = (byte) low16;
        } else { // SRTCP: 31-bit index at 8..11
            put32(iv, 8, low32);
        }
        for (int i = 0; i < 12; i++) {
            iv[i] ^= salt[i];
        }
    }

    private void init(int mode) throws GeneralSecurityException {
        try {
            gcm.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        } catch (InvalidAlgorithmParameterException reused) {
            // SunJCE refuses to encrypt twice with one key and IV; only a caller re-sealing an index does that
            // (tests, the CLI). An init with another IV in between clears the check.
            byte[] other = iv.clone();
            other[11] ^= 1;
            gcm.init(mode, key, new GCMParameterSpec(TAG_BITS, other));
            gcm.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        }
    }

    @Override
    void sealRtp(byte[] a, int base, int header, int length, int ssrc, long index) {
        iv(ssrc, (int) (index >>> 16), 0, (int) (index & 0xFFFF));
        try {
            init(Cipher.ENCRYPT_MODE);
            gcm.updateAAD(a, base, header);
            gcm.doFinal(a, base + header, length - header, a, base + header);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM seal failed", e);
        }
    }

    @Override
    boolean openRtp(byte[] a, int base, int header, int length, int ssrc, long index) {
        iv(ssrc, (int) (index >>> 16), 0, (int) (index & 0xFFFF));
        try {
            init(Cipher.DECRYPT_MODE);
            gcm.updateAAD(a, base, header);
            gcm.doFinal(a, base + header, length - header + TAG, a, base + header);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM open failed", e);
        }
    }

    @Override
    int sealRtcp(byte[] a, int base, int length, int ssrc, int index, boolean encrypt) {
        int eIndex = encrypt ? index | 0x8000_0000 : index;
        iv(ssrc, 0, index, -1);
        put32(word, 0, eIndex);
        int aad = encrypt ? 8 : length;
        try {
            init(Cipher.ENCRYPT_MODE);
            gcm.updateAAD(a, base, aad);
            gcm.updateAAD(word, 0, 4);
            gcm.doFinal(a, base + aad, length - aad, a, base + aad);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM seal failed", e);
        }
        put32(a, base + length + TAG, eIndex);
        return length + TAG + 4;
    }

    @Override
    int openRtcp(byte[] a, int base, int length, int ssrc, int eIndex) {
        int rtcp = length - 4 - TAG;
        iv(ssrc, 0, eIndex & 0x7FFF_FFFF, -1);
        System.arraycopy(a, base + length - 4, word, 0, 4);
        int aad = eIndex < 0 ? 8 : rtcp;
        try {
            init(Cipher.DECRYPT_MODE);
            gcm.updateAAD(a, base, aad);
            gcm.updateAAD(word, 0, 4);
            gcm.doFinal(a, base + aad, rtcp - aad + TAG, a, base + aad);
            return rtcp;
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM open failed", e);
        }
    }


    @Override
    public void close() {
        Arrays.fill(salt, (byte) 0);
    }
}
