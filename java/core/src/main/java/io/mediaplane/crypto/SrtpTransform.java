package io.mediaplane.crypto;

/**
 * The cryptographic transform of one SRTP or SRTCP direction under one set of session keys, on a packet in a
 * {@code byte[]} at {@code base}. Lengths, indexes and replay are checked by {@link SrtpContext}; this only
 * encrypts and authenticates. Not thread-safe: each direction and kind has its own instance.
 */
abstract class SrtpTransform implements AutoCloseable {
    /**
     * Protects an RTP packet of {@code length} bytes whose first {@code header} bytes stay clear; appends the tag.
     * {@code index} is the 48-bit packet index {@code ROC·2^16 + SEQ}.
     */
    abstract void sealRtp(byte[] a, int base, int header, int length, int ssrc, long index);

    /** Verifies and decrypts; {@code length} excludes the tag. False when the tag does not match. */
    abstract boolean openRtp(byte[] a, int base, int header, int length, int ssrc, long index);

    /**
     * Protects an RTCP packet (first 8 bytes clear): encrypts the rest when {@code encrypt}, appends
     * {@code E‖index} and the tag in the profile's order. Returns the new length.
     */
    abstract int sealRtcp(byte[] a, int base, int length, int ssrc, int index, boolean encrypt);

    /**
     * Verifies (and when E is set decrypts) an SRTCP packet of {@code length} bytes including trailer and tag.
     * Returns the RTCP length or -1 when the tag does not match.
     */
    abstract int openRtcp(byte[] a, int base, int length, int ssrc, int eIndex);


    @Override
    public abstract void close();

    static boolean equalTags(byte[] expected, int expectedOffset, byte[] a, int offset, int length) {
        int diff = 0;
        for (int i = 0; i < length; i++) {
            diff |= expected[expectedOffset + i] ^ a[offset + i];
        }
        return diff == 0;
    }

    static void put32(byte[] a, int i, int v) {
        a[i] = (byte) (v >>> 24);
        a[i + 1] = (byte) (v >>> 16);
        a[i + 2] = (byte) (v >>> 8);
        a[i + 3] = (byte) v;
    }
}
