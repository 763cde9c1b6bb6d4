package io.mediaplane.crypto;

import io.mediaplane.ffi.MediaplaneNative;
import java.lang.foreign.MemorySegment;

/**
 * One backend's AEAD for one key, with the nonce built from a 32-bit counter as Discord's rtpsize modes do.
 * Works in place on {@code segment}: the AAD is {@code [offset, offset + aadLength)}, the data follows it, and
 * the 16-byte tag follows the data. Lengths are checked by the caller ({@link DiscordTransportCipher}).
 *
 * <p>Seal and open keep separate scratch state, so one thread may seal while another opens.
 */
abstract class AeadEngine implements AutoCloseable {
    static final int TAG = DiscordAeadMode.TAG_LENGTH;
    /**
     * Whether the native backends go through libmediaplane's trampolines ({@code mp_sodium_aead_*},
     * {@code mp_evp_aead_*}), which take the slab and an offset. Without it they pass slices, which C2 usually,
     * but not always, scalar-replaces (JMH showed 40 B per slice in some forks).
     */
    static final boolean TRAMPOLINE_AVAILABLE = MediaplaneNative.library().isAvailable();
    /** Tests set this to run the slice path although libmediaplane is loaded. */
    static volatile boolean slicesForTesting;

    /** Fixed per engine at construction: trampolines when libmediaplane is loaded. */
    final boolean trampoline = TRAMPOLINE_AVAILABLE && !slicesForTesting;

    /** Encrypts {@code dataLength} bytes after the AAD in place and writes the tag after them. */
    abstract void seal(MemorySegment segment, long offset, int aadLength, int dataLength, int counter);

    /** Verifies and decrypts in place; {@code dataLength} excludes the tag. False when the tag does not match. */
    abstract boolean open(MemorySegment segment, long offset, int aadLength, int dataLength, int counter);

    abstract AeadBackend backend();

    @Override
    public abstract void close();
}
