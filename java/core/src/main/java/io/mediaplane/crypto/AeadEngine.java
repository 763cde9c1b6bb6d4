package io.mediaplane.crypto;

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

    /** Encrypts {@code dataLength} bytes after the AAD in place and writes the tag after them. */
    abstract void seal(MemorySegment segment, long offset, int aadLength, int dataLength, int counter);

    /** Verifies and decrypts in place; {@code dataLength} excludes the tag. False when the tag does not match. */
    abstract boolean open(MemorySegment segment, long offset, int aadLength, int dataLength, int counter);

    abstract AeadBackend backend();

    @Override
    public abstract void close();
}
