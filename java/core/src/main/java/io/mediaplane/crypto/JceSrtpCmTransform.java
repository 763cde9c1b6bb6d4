package io.mediaplane.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-128 counter mode + HMAC-SHA1 (RFC 3711 §4.1.1, §4.2) through JCE: {@code AES/CTR/NoPadding} re-initialised
 * per packet with the packet's IV (SunJCE's CTR intrinsic; measured 1.6× faster at 1200 B than AES-ECB over
 * counter blocks built here, for about 150 B/op of IV objects inside the provider), output to a scratch array and
 * copied back. The HMAC key is set once and {@link Mac#doFinal(byte[], int)} resets it for the next packet.
 */
final class JceSrtpCmTransform extends SrtpTransform {
    private final Cipher ctr;
    private final SecretKeySpec key;
    private final Mac hmac;
    private final byte[] salt;
    private final int tagLength;
    private final byte[] iv = new byte[16];
    private final byte[] mac = new byte[20];
    private final byte[] word = new byte[4];
    private byte[] scratch = new byte[2048];

    /** Session keys (already derived) for one direction and kind; {@code tagLength} 10 or 4. */
    JceSrtpCmTransform(byte[] sessionKey, byte[] sessionSalt, byte[] authKey, int tagLength) {
        if (sessionSalt.length != 14) {
            throw new IllegalArgumentException("AES-CM session salt is 14 bytes");
        }
        this.salt = sessionSalt.clone();
        this.tagLength = tagLength;
        try {
            key = new SecretKeySpec(sessionKey, "AES");
            ctr = Cipher.getInstance("AES/CTR/NoPadding");
            ctr.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv)); // fails fast on a bad key
            hmac = Mac.getInstance("HmacSHA1");
            hmac.init(new SecretKeySpec(authKey, "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE AES/ECB or HmacSHA1 unavailable", e);
        }
    }

    /** RFC 3711 §4.1.1: IV = (k_s·2^16) XOR (SSRC·2^64) XOR (i·2^16); {@code i} is 48 bits (SRTP) or 31 (SRTCP). */
    private void iv(int ssrc, long index) {
        System.arraycopy(salt, 0, iv, 0, 14);
        iv[14] = 0;
        iv[15] = 0;
        iv[4] ^= (byte) (ssrc >>> 24);
        iv[5] ^= (byte) (ssrc >>> 16);
        iv[6] ^= (byte) (ssrc >>> 8);
        iv[7] ^= (byte) ssrc;
        for (int i = 0; i < 6; i++) {
            iv[13 - i] ^= (byte) (index >>> (8 * i));
        }
    }

    /** XORs the keystream starting at the current {@link #iv} into {@code a[off, off + n)}. */
    void xorKeystream(byte[] a, int off, int n) {
        if (n <= 0) {
            return;
        }
        if (scratch.length < n) {
            scratch = new byte[Integer.highestOneBit(n) << 1];
        }
        try {
            ctr.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
            // into scratch, not in place: SunJCE copies an overlapping input first (a packet-sized allocation)
            int done = ctr.doFinal(a, off, n, scratch, 0);
            System.arraycopy(scratch, 0, a, off, done);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR failed", e);
        }
    }

    /** For the RFC 3711 B.2 keystream vector: the keystream for {@code ssrc}/{@code index} into {@code out}. */
    void keystream(int ssrc, long index, byte[] out) {
        Arrays.fill(out, (byte) 0);
        iv(ssrc, index);
        xorKeystream(out, 0, out.length);
    }

    private void authenticate(byte[] a, int base, int length, int roc) {
        hmac.update(a, base, length);
        put32(word, 0, roc); // RFC 3711 §4.2: M = authenticated portion ‖ ROC
        hmac.update(word, 0, 4);
        try {
            hmac.doFinal(mac, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    void sealRtp(byte[] a, int base, int header, int length, int ssrc, long index) {
        iv(ssrc, index);
        xorKeystream(a, base + header, length - header);
        authenticate(a, base, length, (int) (index >>> 16));
        System.arraycopy(mac, 0, a, base + length, tagLength);
    }

    @Override
    boolean openRtp(byte[] a, int base, int header, int length, int ssrc, long index) {
        authenticate(a, base, length, (int) (index >>> 16));
        if (!equalTags(mac, 0, a, base + length, tagLength)) {
            return false;
        }
        iv(ssrc, index);
        xorKeystream(a, base + header, length - header);
        return true;
    }

    @Override
    int sealRtcp(byte[] a, int base, int length, int ssrc, int index, boolean encrypt) {
        if (encrypt) {
            iv(ssrc, index);
            xorKeystream(a, base + 8, length - 8);
        }
        put32(a, base + length, encrypt ? index | 0x8000_0000 : index);
        // RFC 3711 §3.4: the authenticated portion is the whole packet including E‖index; no ROC
        hmac.update(a, base, length + 4);
        try {
            hmac.doFinal(mac, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        System.arraycopy(mac, 0, a, base + length + 4, tagLength);
        return length + 4 + tagLength;
    }

    @Override
    int openRtcp(byte[] a, int base, int length, int ssrc, int eIndex) {
        int signed = length - tagLength;
        hmac.update(a, base, signed);
        try {
            hmac.doFinal(mac, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        if (!equalTags(mac, 0, a, base + signed, tagLength)) {
            return -1;
        }
        int rtcp = signed - 4;
        if (eIndex < 0) {
            iv(ssrc, eIndex & 0x7FFF_FFFF);
            xorKeystream(a, base + 8, rtcp - 8);
        }
        return rtcp;
    }


    @Override
    public void close() {
        Arrays.fill(salt, (byte) 0);
        Arrays.fill(scratch, (byte) 0);
    }
}
