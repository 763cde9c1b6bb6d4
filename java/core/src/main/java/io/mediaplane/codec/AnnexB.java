package io.mediaplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The H.264 Annex B byte stream: NAL units separated by start codes {@code 00 00 01} (optionally preceded by a
 * {@code zero_byte}, B.1.1). The scanner reads eight bytes at a time and looks closer only at words holding a zero
 * byte, which emulation prevention (§7.4.1) keeps rare inside NAL units.
 */
public final class AnnexB {
    /** The start code this project writes before every NAL unit: zero_byte + start_code_prefix_one_3bytes. */
    public static final int START_CODE_LENGTH = 4;
    private static final ValueLayout.OfLong LE_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;

    private AnnexB() {}

    /** Where the next {@code 00 00 01} begins in {@code [from, end)}, or {@code end} if there is none. */
    public static long findStartCode(MemorySegment s, long from, long end) {
        long i = from;
        while (i + 8 <= end) {
            long v = s.get(LE_LONG, i);
            if (((v - ONES) & ~v & HIGHS) == 0) { // no zero byte in these eight: no start code begins here
                i += 8;
                continue;
            }
            // the lowest set high bit marks the first zero byte exactly (bits above it may be false positives)
            long first = i + (Long.numberOfTrailingZeros((v - ONES) & ~v & HIGHS) >>> 3);
            long hit = scan(s, first, Math.min(i + 8, end), end);
            if (hit >= 0) {
                return hit;
            }
            i += 8;
        }
        long hit = scan(s, i, end, end);
        return hit >= 0 ? hit : end;
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
        long end = offset + length;
        long sc = findStartCode(s, offset, end);
        int n = 0;
        while (sc < end) {
            long start = sc + 3;
            long next = findStartCode(s, start, end);
            long stop = next;
            while (stop > start && s.get(ValueLayout.JAVA_BYTE, stop - 1) == 0) { // zero_byte / trailing_zero_8bits
                stop--;
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
        s.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), at, 1);
    }
}
