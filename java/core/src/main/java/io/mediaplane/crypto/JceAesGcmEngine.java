package io.mediaplane.crypto;

import java.lang.foreign.MemorySegment;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM through JCE. The key schedule lives in the two {@link Cipher}s (one per direction); each packet
 * re-inits with a new IV, as GCM encryption requires. That re-init allocates inside SunJCE (a
 * {@link GCMParameterSpec} per call, which is immutable, and the provider's per-init GCM state): JCE is
 * measured with {@code -prof gc} and only chosen where it is fastest anyway.
 */
final class JceAesGcmEngine extends AeadEngine {
    static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int TAG_BITS = TAG * 8;

    private final SecretKeySpec key;
    private final Cipher sealer;
    private final Cipher opener;
    private final byte[] sealIv = new byte[12];
    private final byte[] openIv = new byte[12];
    private final HeapBytes sealBytes = new HeapBytes();
    private final HeapBytes openBytes = new HeapBytes();

    JceAesGcmEngine(byte[] keyBytes) {
        try {
            key = new SecretKeySpec(keyBytes, "AES");
            sealer = Cipher.getInstance(TRANSFORMATION);
            opener = Cipher.getInstance(TRANSFORMATION);
            opener.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, openIv)); // fails fast on a bad key
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE AES-256-GCM unavailable", e);
        }
    }

    @Override
    AeadBackend backend() {
        return AeadBackend.JCE;
    }

    @Override
    void seal(MemorySegment s, long offset, int aadLength, int dataLength, int counter) {
        byte[] a = sealBytes.arrayOf(s);
        boolean heap = a != null;
        int base;
        if (heap) {
            base = HeapBytes.arrayIndex(s, offset);
        } else {
            a = sealBytes.copyIn(s, offset, aadLength + dataLength, TAG);
            base = 0;
        }
        putCounter(sealIv, counter);
        try {
            initSeal();
            sealer.updateAAD(a, base, aadLength);
            sealer.doFinal(a, base + aadLength, dataLength, a, base + aadLength);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE AES-GCM seal failed", e);
        }
        if (!heap) {
            HeapBytes.copyOut(a, aadLength, s, offset + aadLength, dataLength + TAG);
        }
    }

    /** GCM refuses to encrypt twice under one key and IV on the same Cipher; that only happens if a caller
     * rewinds the counter (tests, the CLI), and then an init with another IV in between clears the check. */
    private void initSeal() throws GeneralSecurityException {
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
    boolean open(MemorySegment s, long offset, int aadLength, int dataLength, int counter) {
        byte[] a = openBytes.arrayOf(s);
        boolean heap = a != null;
        int base;
        if (heap) {
            base = HeapBytes.arrayIndex(s, offset);
        } else {
            a = openBytes.copyIn(s, offset, aadLength + dataLength + TAG, 0);
            base = 0;
        }
        putCounter(openIv, counter);
        try {
            opener.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, openIv));
            opener.updateAAD(a, base, aadLength);
            opener.doFinal(a, base + aadLength, dataLength + TAG, a, base + aadLength);
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE AES-GCM open failed", e);
        }
        if (!heap) {
            HeapBytes.copyOut(a, aadLength, s, offset + aadLength, dataLength);
        }
        return true;
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
