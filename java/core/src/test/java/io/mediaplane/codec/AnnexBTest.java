package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The word-at-a-time start-code scan agrees with the obvious byte loop, at every offset and alignment. */
class AnnexBTest {

    private static long naive(byte[] b, int from, int end) {
        for (int p = from; p + 2 < end; p++) {
            if (b[p] == 0 && b[p + 1] == 0 && b[p + 2] == 1) {
                return p;
            }
        }
        return end;
    }

    @Test
    void findsTheSameStartCodesAsAByteLoop() {
        Random r = new Random(6184);
        for (int round = 0; round < 3000; round++) {
            byte[] b = new byte[r.nextInt(80)];
            for (int i = 0; i < b.length; i++) {
                int pick = r.nextInt(10);
                b[i] = (byte) (pick < 4 ? 0 : pick < 6 ? 1 : pick < 7 ? 3 : r.nextInt(256));
            }
            MemorySegment s = MemorySegment.ofArray(b);
            for (int from = 0; from <= b.length; from++) {
                int end = from + r.nextInt(b.length - from + 1);
                assertThat(AnnexB.findStartCode(s, from, end)).as("%s from %d to %d", Bytes.toHex(b), from, end)
                        .isEqualTo(naive(b, from, end));
            }
        }
    }

    @Test
    void splitDropsStartCodesLeadingBytesAndTrailingZeros() {
        byte[] b = Bytes.fromHex("ff 000001 0910 00 00000001 6742 0000 000001 68ce 000000");
        long[] offs = new long[4];
        int[] lens = new int[4];
        int n = AnnexB.split(MemorySegment.ofArray(b), 0, b.length, offs, lens);
        assertThat(n).isEqualTo(3);
        assertThat(new long[] {offs[0], offs[1], offs[2]}).containsExactly(4, 11, 18);
        assertThat(new int[] {lens[0], lens[1], lens[2]}).containsExactly(2, 2, 2);
        assertThat(AnnexB.split(MemorySegment.ofArray(b), 0, b.length, new long[2], new int[2])).isEqualTo(-1);
    }

    @Test
    void opaqueSplitKeepsZerosOfTheUnitAndDropsOnlyAFourByteStartCodesZeroByte() {
        // a unit ending in 00 before a 4-byte start code keeps it; the zero_byte goes; a last unit keeps its zeros
        byte[] b = Bytes.fromHex("ff 000001 0910 00 00000001 6742 0000 000001 68ce 000000");
        long[] offs = new long[4];
        int[] lens = new int[4];
        int n = AnnexB.splitOpaque(MemorySegment.ofArray(b), 0, b.length, offs, lens);
        assertThat(n).isEqualTo(3);
        assertThat(new long[] {offs[0], offs[1], offs[2]}).containsExactly(4, 11, 18);
        assertThat(new int[] {lens[0], lens[1], lens[2]}).containsExactly(3, 3, 5);
    }
}
