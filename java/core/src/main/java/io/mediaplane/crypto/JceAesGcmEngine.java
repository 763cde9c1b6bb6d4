package io.mediaplane.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM through JCE. The key schedule lives in the two {@link Cipher}s (one per direction); each packet
 * re-inits with a new IV, as GCM encryption requires. That re-init allocates inside SunJCE (a
 * {@link GCMParameterSpec} per call, which is immutable, and the provider's per-init GCM state): JCE is
 * measured with {@code -prof gc} and only chosen where it is fastest anyway.
 */
final class JceAesGcmEngine extends JceAeadEngine {
    static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int TAG_BITS = TAG * 8;

    private final SecretKeySpec key;
    private final byte[] sealIv = new byte[12];
    private final byte[] openIv = new byte[12];

    JceAesGcmEngine(byte[] keyBytes) {
        super("AES-256-GCM", TRANSFORMATION);
        key = new SecretKeySpec(keyBytes, "AES");
        try {
            opener.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, openIv)); // fails fast on a bad key
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE AES-256-GCM refused the key", e);
        }
    }

    /** GCM refuses to encrypt twice under one key and IV on the same Cipher; that only happens if a caller
     * rewinds the counter (tests, the CLI), and then an init with another IV in between clears the check. */
    @Override
    void initSeal(int counter) throws GeneralSecurityException {
        putCounter(sealIv, counter);
        try {
            sealer.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealIv));
        } catch (InvalidAlgorithmParameterException reused) {
            byte[] other = sealIv.clone();
            other[11] ^= 1;
            sealer.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, other));
            sealer.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealIv));
        }
    }

    @Override
    void initOpen(int counter) throws GeneralSecurityException {
        putCounter(openIv, counter);
        opener.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, openIv));
    }

    static void putCounter(byte[] nonce, int counter) {
        nonce[0] = (byte) (counter >>> 24);
        nonce[1] = (byte) (counter >>> 16);
        nonce[2] = (byte) (counter >>> 8);
        nonce[3] = (byte) counter;
    }

    @Override
    public void close() {
        Arrays.fill(sealIv, (byte) 0);
        // SecretKeySpec keeps its own copy; destroy() is unsupported by it, so the key lives until collected
    }
}
