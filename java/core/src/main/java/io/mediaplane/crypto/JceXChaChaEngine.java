package io.mediaplane.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * XChaCha20-Poly1305 in pure Java: {@link HChaCha20} derives the per-packet subkey, then JCE's
 * {@code ChaCha20-Poly1305} runs under it with the nonce {@code 00000000 || nonce[16..24]}, all zero in Discord's
 * modes. Each packet builds a new {@link SecretKeySpec} (JCE takes keys only as objects) and re-inits the
 * cipher: this backend allocates per packet and is kept as the always-available fallback.
 */
final class JceXChaChaEngine extends JceAeadEngine {
    static final String TRANSFORMATION = "ChaCha20-Poly1305";

    private final int[] keyWords = new int[8];
    private final int[] sealSubkey = new int[8];
    private final int[] openSubkey = new int[8];
    private final byte[] sealKeyBytes = new byte[32];
    private final byte[] openKeyBytes = new byte[32];
    private final IvParameterSpec zeroNonce = new IvParameterSpec(new byte[12]);

    JceXChaChaEngine(byte[] key) {
        super("ChaCha20-Poly1305", TRANSFORMATION);
        HChaCha20.keyWords(key, keyWords);
    }

    @Override
    void initSeal(int counter) throws GeneralSecurityException {
        HChaCha20.subkey(keyWords, HChaCha20.counterWord(counter), 0, 0, 0, sealSubkey);
        HChaCha20.toBytes(sealSubkey, sealKeyBytes);
        SecretKeySpec subkey = new SecretKeySpec(sealKeyBytes, "ChaCha20");
        try {
            sealer.init(Cipher.ENCRYPT_MODE, subkey, zeroNonce);
        } catch (InvalidKeyException reused) {
            // same key and nonce as the previous seal: only when a caller rewinds the counter (tests, CLI)
            sealer.init(Cipher.ENCRYPT_MODE, subkey, new IvParameterSpec(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
            sealer.init(Cipher.ENCRYPT_MODE, subkey, zeroNonce);
        }
    }

    @Override
    void initOpen(int counter) throws GeneralSecurityException {
        HChaCha20.subkey(keyWords, HChaCha20.counterWord(counter), 0, 0, 0, openSubkey);
        HChaCha20.toBytes(openSubkey, openKeyBytes);
        opener.init(Cipher.DECRYPT_MODE, new SecretKeySpec(openKeyBytes, "ChaCha20"), zeroNonce);
    }

    @Override
    public void close() {
        Arrays.fill(keyWords, 0);
        Arrays.fill(sealSubkey, 0);
        Arrays.fill(openSubkey, 0);
        Arrays.fill(sealKeyBytes, (byte) 0);
        Arrays.fill(openKeyBytes, (byte) 0);
    }
}
