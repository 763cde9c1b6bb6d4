package io.mediaplane.codec;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * Reads bits and Exp-Golomb codes (H.264 §9.1) from a NAL unit's payload, dropping emulation prevention bytes
 * ({@code 00 00 03}, §7.4.1) as it goes. Reading past the end yields zero bits and sets {@link #overrun()}: callers
 * read a whole structure, then check once. Reusable; allocation-free.
 */
public final class RbspReader {
    private MemorySegment s;
    private long pos;
    private long end;
    private int zeros; // consecutive zero bytes just consumed
    private int current;
    private int bitsLeft;
    private boolean overrun;

    /** Starts at {@code offset} (typically just after the NAL header). */
    public RbspReader reset(MemorySegment segment, long offset, long length) {
        s = segment;
        pos = offset;
        end = offset + length;
        zeros = 0;
        bitsLeft = 0;
        overrun = false;
        return this;
    }

    private boolean nextByte() {
        if (pos >= end) {
            overrun = true;
            current = 0;
            bitsLeft = 8;
            return false;
        }
        int b = Bytes.u8(s, pos++);
        if (zeros >= 2 && b == 3) { // emulation_prevention_three_byte
            zeros = 0;
            if (pos >= end) {
                overrun = true;
                current = 0;
                bitsLeft = 8;
                return false;
            }
            b = Bytes.u8(s, pos++);
        }
        zeros = b == 0 ? zeros + 1 : 0;
        current = b;
        bitsLeft = 8;
        return true;
    }

    public int bit() {
        if (bitsLeft == 0) {
            nextByte();
        }
        bitsLeft--;
        return (current >>> bitsLeft) & 1;
    }

    /** {@code n} bits, 0..32, most significant first (u(n)). */
    public long bits(int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 1) | bit();
        }
        return v;
    }

    public boolean flag() {
        return bit() == 1;
    }

    /** ue(v), §9.1; a code longer than 32 bits sets {@link #overrun()} and returns 0. */
    public long ue() {
        int leadingZeros = 0;
        while (bit() == 0) {
            if (++leadingZeros > 31 || overrun) {
                overrun = true;
                return 0;
            }
        }
        return (1L << leadingZeros) - 1 + bits(leadingZeros);
    }

    /** se(v), §9.1.1. */
    public long se() {
        long k = ue();
        return (k & 1) != 0 ? (k + 1) >> 1 : -(k >> 1);
    }

    public boolean overrun() {
        return overrun;
    }
}
