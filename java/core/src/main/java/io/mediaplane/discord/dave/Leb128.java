package io.mediaplane.discord.dave;

/**
 * Unsigned LEB128 as DAVE frames carry the truncated nonce and the unencrypted ranges: seven bits per byte, least
 * significant group first, the high bit set on every byte but the last.
 */
public final class Leb128 {
    /** Enough bytes for any unsigned 64-bit value. */
    public static final int MAX_SIZE = 10;

    private Leb128() {}

    /** Bytes {@link #write} uses for {@code value} (unsigned). */
    public static int size(long value) {
        int n = 1;
        while (Long.compareUnsigned(value, 0x80) >= 0) {
            value >>>= 7;
            n++;
        }
        return n;
    }

    /** Writes {@code value} at {@code offset}; returns the bytes written. */
    public static int write(long value, byte[] out, int offset) {
        int i = offset;
        while (Long.compareUnsigned(value, 0x80) >= 0) {
            out[i++] = (byte) (value | 0x80);
            value >>>= 7;
        }
        out[i++] = (byte) value;
        return i - offset;
    }

    /**
     * Reads a value from {@code [offset, end)} into {@code valueOut[0]}; returns the bytes consumed, or {@code -1}
     * when the bytes end before the last group or the value needs more than 64 bits.
     */
    public static long read(byte[] in, int offset, int end, long[] valueOut) {
        long value = 0;
        int shift = 0;
        int i = offset;
        while (i < end) {
            int b = in[i++] & 0xFF;
            if (shift == 63 && (b & 0x7E) != 0 || shift > 63) {
                return -1;
            }
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                valueOut[0] = value;
                return i - offset;
            }
            shift += 7;
        }
        return -1;
    }
}
