package io.mediaplane.crypto;

import java.lang.foreign.MemorySegment;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;

/**
 * What the JCE engines share: one {@link Cipher} per direction, re-initialised per packet by the subclass
 * (new IV for GCM, new subkey for XChaCha), then AAD + in-place {@code doFinal} on the packet's own array when
 * the segment is heap-backed, or on a reused staging array otherwise.
 */
abstract class JceAeadEngine extends AeadEngine {
    private final String name;
    final Cipher sealer;
    final Cipher opener;
    private final HeapBytes sealBytes = new HeapBytes();
    private final HeapBytes openBytes = new HeapBytes();

    JceAeadEngine(String name, String transformation) {
        this.name = name;
        try {
            sealer = Cipher.getInstance(transformation);
            opener = Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE " + name + " unavailable", e);
        }
    }

    /** Initialises {@link #sealer} for the packet with this counter. */
    abstract void initSeal(int counter) throws GeneralSecurityException;

    /** Initialises {@link #opener} for the packet with this counter. */
    abstract void initOpen(int counter) throws GeneralSecurityException;

    @Override
    final AeadBackend backend() {
        return AeadBackend.JCE;
    }

    @Override
    final void seal(MemorySegment s, long offset, int aadLength, int dataLength, int counter) {
        byte[] a = sealBytes.stage(s, offset, aadLength + dataLength, TAG);
        int base = sealBytes.base();
        try {
            initSeal(counter);
            sealer.updateAAD(a, base, aadLength);
            sealer.doFinal(a, base + aadLength, dataLength, a, base + aadLength);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE " + name + " seal failed", e);
        }
        sealBytes.unstage(a, aadLength, s, offset, dataLength + TAG);
    }

    @Override
    final boolean open(MemorySegment s, long offset, int aadLength, int dataLength, int counter) {
        byte[] a = openBytes.stage(s, offset, aadLength + dataLength + TAG, 0);
        int base = openBytes.base();
        try {
            initOpen(counter);
            opener.updateAAD(a, base, aadLength);
            opener.doFinal(a, base + aadLength, dataLength + TAG, a, base + aadLength);
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE " + name + " open failed", e);
        }
        openBytes.unstage(a, aadLength, s, offset, dataLength);
        return true;
    }
}
