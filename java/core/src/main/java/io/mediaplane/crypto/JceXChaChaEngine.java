package io.mediaplane.crypto;

import java.lang.foreign.MemorySegment;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * XChaCha20-Poly1305 in pure Java: {@link HChaCha20} derives the per-packet subkey, then JCE's
 * {@code ChaCha20-Poly1305} runs under it with the nonce {@code 00000000 || nonce[16..24]}, all zero in Discord's
 * modes. Each packet builds a new {@link SecretKeySpec} (JCE takes keys only as objects) and re-inits the
 * cipher: this backend allocates per packet and is kept as the always-available fallback.
 */
final class JceXChaChaEngine extends AeadEngine {
    static final String TRANSFORMATION = "ChaCha20-Poly1305";

    private final int[] keyWords = new int[8];
    private final Cipher sealer;
    private final Cipher opener;
    private final int[] sealSubkey = new int[8];
    private final int[] openSubkey = new int[8];
    private final byte[] sealKeyBytes = new byte[32];
    private final byte[] openKeyBytes = new byte[32];
    private final IvParameterSpec zeroNonce = new IvParameterSpec(new byte[12]);
    private final HeapBytes sealBytes = new HeapBytes();
    private final HeapBytes openBytes = new HeapBytes();

    JceXChaChaEngine(byte[] key) {
        HChaCha20.keyWords(key, keyWords);
        try {
            sealer = Cipher.getInstance(TRANSFORMATION);
            opener = Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE ChaCha20-Poly1305 unavailable", e);
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
        HChaCha20.subkey(keyWords, HChaCha20.counterWord(counter), 0, 0, 0, sealSubkey);
        HChaCha20.toBytes(sealSubkey, sealKeyBytes);
        try {
            SecretKeySpec subkey = new SecretKeySpec(sealKeyBytes, "ChaCha20");
            try {
                sealer.init(Cipher.ENCRYPT_MODE, subkey, zeroNonce);
            } catch (InvalidKeyException reused) {
                // same key and nonce as the previous seal: only when a caller rewinds the counter (tests, CLI)
                sealer.init(Cipher.ENCRYPT_MODE, subkey, new IvParameterSpec(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
                sealer.init(Cipher.ENCRYPT_MODE, subkey, zeroNonce);
            }
            sealer.updateAAD(a, base, aadLength);
            sealer.doFinal(a, base + aadLength, dataLength, a, base + aadLength);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE ChaCha20-Poly1305 seal failed", e);
        }
        if (!heap) {
            HeapBytes.copyOut(a, aadLength, s, offset + aadLength, dataLength + TAG);
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
        HChaCha20.subkey(keyWords, HChaCha20.counterWord(counter), 0, 0, 0, openSubkey);
        HChaCha20.toBytes(openSubkey, openKeyBytes);
        try {
            opener.init(Cipher.DECRYPT_MODE, new SecretKeySpec(openKeyBytes, "ChaCha20"), zeroNonce);
            opener.updateAAD(a, base, aadLength);
            opener.doFinal(a, base + aadLength, dataLength + TAG, a, base + aadLength);
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE ChaCha20-Poly1305 open failed", e);
        }
        if (!heap) {
            HeapBytes.copyOut(a, aadLength, s, offset + aadLength, dataLength);
        }
        return true;
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
