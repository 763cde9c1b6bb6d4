package io.mediaplane.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRTP key derivation function (RFC 3711 §4.3) with the AES-CM PRF and a key derivation rate of 0, which
 * is what SDES and DTLS-SRTP use: {@code x = label·2^48 XOR master_salt} (the salt taken as 112 bits; a 96-bit
 * GCM salt is padded with two zero bytes on the right, RFC 7714 §11 and libsrtp), and the session key is the
 * AES-CM keystream of the master key from IV {@code x·2^16}. AES-256 master keys use AES-256 (RFC 6188).
 */
public final class SrtpKdf {
    public static final int LABEL_RTP_ENCRYPTION = 0;
    public static final int LABEL_RTP_AUTH = 1;
    public static final int LABEL_RTP_SALT = 2;
    public static final int LABEL_RTCP_ENCRYPTION = 3;
    public static final int LABEL_RTCP_AUTH = 4;
    public static final int LABEL_RTCP_SALT = 5;

    private SrtpKdf() {}

    /** {@code length} bytes of the session key {@code label} from a master key (16 or 32 bytes) and salt (12 or 14). */
    public static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        if (masterKey.length != 16 && masterKey.length != 32) {
            throw new IllegalArgumentException("master key must be 16 or 32 bytes: " + masterKey.length);
        }
        if (masterSalt.length != 12 && masterSalt.length != 14) {
            throw new IllegalArgumentException("master salt must be 12 or 14 bytes: " + masterSalt.length);
        }
        int blocks = (length + 15) / 16;
        byte[] counters = new byte[blocks * 16];
        for (int b = 0; b < blocks; b++) {
            System.arraycopy(masterSalt, 0, counters, b * 16, masterSalt.length);
            counters[b * 16 + 7] ^= (byte) label;
            counters[b * 16 + 14] = (byte) (b >>> 8);
            counters[b * 16 + 15] = (byte) b;
        }
        try {
            Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"));
            byte[] stream = aes.doFinal(counters);
            byte[] out = new byte[length];
            System.arraycopy(stream, 0, out, 0, length);
            java.util.Arrays.fill(stream, (byte) 0);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE AES unavailable", e);
        }
    }
}
