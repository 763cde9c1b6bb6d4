package io.mediaplane.buffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Network-byte-order (big-endian) reads and writes on a {@link MemorySegment}, unaligned.
 *
 * <p>Every wire format this project parses is big-endian (RFC 3550 §5.1, RFC 5389 §6, RFC 6347 §4.1); these
 * are the only accessors packet views use, so bounds checks and byte order live in one place. Values wider
 * than their Java type's sign allows come back widened ({@code u16 → int}, {@code u32 → long}).
 */
public final class Bytes {
    private static final ValueLayout.OfShort U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Bytes() {}

    public static int u8(MemorySegment s, long offset) {
        return s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    public static int u16(MemorySegment s, long offset) {
        return s.get(U16, offset) & 0xFFFF;
    }

    public static int u24(MemorySegment s, long offset) {
        return (u8(s, offset) << 16) | u16(s, offset + 1);
    }

    /** A 32-bit field as a signed int (SSRCs, timestamps: compare with the helpers in {@code rtp}). */
    public static int i32(MemorySegment s, long offset) {
        return s.get(U32, offset);
    }

    public static long u32(MemorySegment s, long offset) {
        return s.get(U32, offset) & 0xFFFF_FFFFL;
    }

    public static long i64(MemorySegment s, long offset) {
        return s.get(U64, offset);
    }

    public static void put8(MemorySegment s, long offset, int value) {
        s.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
    }

    public static void put16(MemorySegment s, long offset, int value) {
        s.set(U16, offset, (short) value);
    }

    public static void put24(MemorySegment s, long offset, int value) {
        put8(s, offset, value >>> 16);
        put16(s, offset + 1, value);
    }

    public static void put32(MemorySegment s, long offset, long value) {
        s.set(U32, offset, (int) value);
    }

    public static void put64(MemorySegment s, long offset, long value) {
        s.set(U64, offset, value);
    }

    /** Parses lower- or upper-case hex, ignoring spaces, into a new array: for tests, vectors and config. */
    public static byte[] fromHex(String hex) {
        String h = hex.replaceAll("\\s+", "");
        if ((h.length() & 1) != 0) {
            throw new IllegalArgumentException("odd number of hex digits: " + h.length());
        }
        byte[] out = new byte[h.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(h.charAt(2 * i), 16);
            int lo = Character.digit(h.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("not a hex digit near index " + 2 * i);
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    /** Lower-case hex of {@code length} bytes at {@code offset}. */
    public static String toHex(MemorySegment s, long offset, long length) {
        StringBuilder sb = new StringBuilder((int) length * 2);
        for (long i = 0; i < length; i++) {
            int b = u8(s, offset + i);
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    public static String toHex(byte[] bytes) {
        return toHex(MemorySegment.ofArray(bytes), 0, bytes.length);
    }
}
