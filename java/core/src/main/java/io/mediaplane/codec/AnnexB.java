package io.mediaplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The H.264 Annex B byte stream: NAL units separated by start codes {@code 00 00 01} (optionally preceded by a
 * {@code zero_byte}, B.1.1). The scanner reads eight bytes at a time and looks closer only at words holding two
 * adjacent zero bytes, which emulation prevention (§7.4.1) keeps rare inside NAL units ({@code 00 00} is always
 * followed by {@code 03} there).
 */
public final class AnnexB {
    /** The start code this project writes before every NAL unit: zero_byte + start_code_prefix_one_3bytes. */
    public static final int START_CODE_LENGTH = 4;
    private static final ValueLayout.OfLong LE_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt BE_INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;

    private AnnexB() {}

    /** Where the next {@code 00 00 01} begins in {@code [from, end)}, or {@code end} if there is none. */
    public static long findStartCode(MemorySegment s, long from, long end) {
        // a heap segment over a byte[]: int-indexed array access compiles to tighter code than segment access
        if (!s.isNative() && s.heapBase().orElse(null) instanceof byte[] array) {
            long base = s.address();
            if (from >= 0 && end <= s.byteSize()) {
                return findStartCode(array, (int) (base + from), (int) (base + end)) - base;
            }
        }
        long i = from;
        // 32 bytes per step, one branch unless a word may hold two adjacent zero bytes (see candidates)
        while (i + 32 <= end) {
            long c = candidates(s.get(LE_LONG, i)) | candidates(s.get(LE_LONG, i + 8))
                    | candidates(s.get(LE_LONG, i + 16)) | candidates(s.get(LE_LONG, i + 24));
            if (c != 0) {
                long hit = scan(s, i, i + 32, end);
                if (hit >= 0) {
                    return hit;
                }
            }
            i += 32;
        }
        long hit = scan(s, i, end, end);
        return hit >= 0 ? hit : end;
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static int findStartCode(byte[] a, int from, int end) {
        int i = from;
        while (i + 32 <= end) {
            long c = candidates((long) LONGS.get(a, i)) | candidates((long) LONGS.get(a, i + 8))
                    | candidates((long) LONGS.get(a, i + 16)) | candidates((long) LONGS.get(a, i + 24));
            if (c != 0) {
                for (int p = i; p < i + 32; p++) {
                    if (p + 2 < end && a[p] == 0 && a[p + 1] == 0 && a[p + 2] == 1) {
                        return p;
                    }
                }
            }
            i += 32;
        }
        for (int p = i; p + 2 < end; p++) {
            if (a[p] == 0 && a[p + 1] == 0 && a[p + 2] == 1) {
                return p;
            }
        }
        return end;
    }

    /**
     * Non-zero if the little-endian word {@code v} may hold the first two bytes of a start code: byte k of
     * {@code v | v >>> 8} is zero exactly when bytes k and k+1 are (k < 7), and its top byte is zero when byte 7 is,
     * which flags a pair that straddles into the next word (the byte-wise check then decides). The zero-byte test is
     * the classic {@code (x - 0x01..) & ~x & 0x80..}, exact about whether any byte is zero.
     */
    private static long candidates(long v) {
        long x = v | (v >>> 8);
        return (x - ONES) & ~x & HIGHS;
    }

    private static long scan(MemorySegment s, long from, long to, long end) {
        for (long p = from; p < to; p++) {
            if (s.get(ValueLayout.JAVA_BYTE, p) == 0 && p + 2 < end && s.get(ValueLayout.JAVA_BYTE, p + 1) == 0
                    && s.get(ValueLayout.JAVA_BYTE, p + 2) == 1) {
                return p;
            }
        }
        return -1;
    }

    /**
     * Splits {@code [offset, offset + length)} into NAL units: stores each unit's offset and length (start codes and
     * trailing zero bytes excluded) and returns how many there are; leading bytes before the first start code are
     * ignored. Returns -1 if there are more than {@code offsets.length}.
     */
    public static int split(MemorySegment s, long offset, long length, long[] offsets, int[] lengths) {
        return split(s, offset, length, offsets, lengths, false);
    }

    /**
     * Like {@link #split}, but removes only the {@code zero_byte} of a 4-byte start code from the unit before it,
     * as WebRTC's {@code H264::FindNaluIndices} does: for units that are not plain H.264, whose last byte may be
     * {@code 00} (a DAVE-encrypted slice ends in ciphertext; §7.4.1's rule that a NAL unit never ends in
     * {@code 00} does not hold for it), so stripping every trailing zero would cut a byte of ciphertext off.
     */
    public static int splitOpaque(MemorySegment s, long offset, long length, long[] offsets, int[] lengths) {
        return split(s, offset, length, offsets, lengths, true);
    }

    private static int split(MemorySegment s, long offset, long length, long[] offsets, int[] lengths,
            boolean opaque) {
        long end = offset + length;
        long sc = findStartCode(s, offset, end);
        int n = 0;
        while (sc < end) {
            long start = sc + 3;
            long next = findStartCode(s, start, end);
            long stop = next;
            if (opaque) {
                if (next < end && stop > start && s.get(ValueLayout.JAVA_BYTE, stop - 1) == 0) {
                    stop--; // the zero_byte of a 4-byte start code
                }
            } else {
                while (stop > start && s.get(ValueLayout.JAVA_BYTE, stop - 1) == 0) { // zero_byte, trailing_zero_8bits
                    stop--;
                }
            }
            if (stop > start) {
                if (n == offsets.length) {
                    return -1;
                }
                offsets[n] = start;
                lengths[n] = (int) (stop - start);
                n++;
            }
            sc = next;
        }
        return n;
    }

    /** Writes {@code 00 00 00 01} at {@code at}. */
    static void putStartCode(MemorySegment s, long at) {
        s.set(BE_INT, at, 1);
    }
}
