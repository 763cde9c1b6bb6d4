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
    private static final long LOWS = 0x7F7F_7F7F_7F7F_7F7FL;

    private AnnexB() {}

    /** Where the next {@code 00 00 01} begins in {@code [from, end)}, or {@code end} if there is none. */
    public static long findStartCode(MemorySegment s, long from, long end) {
        long i = from;
        while (i + 8 <= end) {
            long v = s.get(LE_LONG, i);
            // exactly 0x80 in each zero byte (no borrow between bytes), then pairs: byte k and byte k+1 both zero
            long zeros = ~(((v & LOWS) + LOWS) | v | LOWS);
            long pairs = zeros & (zeros >>> 8);
            if (pairs == 0) {
                // a pair may straddle into the next word: its first zero is this word's last byte
                if (zeros >>> 56 != 0 && i + 8 < end && s.get(ValueLayout.JAVA_BYTE, i + 8) == 0) {
                    long hit = scan(s, i + 7, i + 8, end);
                    if (hit >= 0) {
                        return hit;
                    }
                }
                i += 8;
                continue;
            }
            long hit = scan(s, i + (Long.numberOfTrailingZeros(pairs) >>> 3), i + 8, end);
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
        s.set(BE_INT, at, 1);
    }
}
