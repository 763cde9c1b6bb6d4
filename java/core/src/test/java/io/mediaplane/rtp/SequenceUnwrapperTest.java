package io.mediaplane.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SequenceUnwrapperTest {
    @Test
    void wrapsForward() {
        SequenceUnwrapper u = new SequenceUnwrapper();
        assertThat(u.unwrap(65534)).isEqualTo(65534);
        assertThat(u.unwrap(65535)).isEqualTo(65535);
        assertThat(u.unwrap(0)).isEqualTo(65536);
        assertThat(u.unwrap(1)).isEqualTo(65537);
        assertThat(u.cycles()).isEqualTo(1);
    }

    @Test
    void aLatePacketFromBeforeTheWrapKeepsItsOldIndex() {
        SequenceUnwrapper u = new SequenceUnwrapper();
        u.unwrap(65535);
        u.unwrap(2);
        assertThat(u.unwrap(65534)).isEqualTo(65534);
        assertThat(u.highest()).isEqualTo(65536 + 2);
    }

    @Test
    void aPacketOlderThanTheFirstAcrossZeroIsNegative() {
        SequenceUnwrapper u = new SequenceUnwrapper();
        u.unwrap(5);
        assertThat(u.unwrap(65530)).isEqualTo(-6);
        assertThat(u.highest()).isEqualTo(5);
    }

    @Test
    void serialArithmetic() {
        assertThat(Sequences.isNewer(0, 65535)).isTrue();
        assertThat(Sequences.isNewer(65535, 0)).isFalse();
        assertThat(Sequences.seqDiff(3, 65533)).isEqualTo(6);
        assertThat(Sequences.seqAdd(65535, 2)).isEqualTo(1);
        assertThat(Sequences.isTimestampNewer(5, 0xfffffff0)).isTrue();
    }

    /** A stream that advances in steps below half the space, with bounded reordering, unwraps to the true index. */
    @Test
    void unwrapsAnyForwardStreamToItsTrueIndex() {
        SplittableRandom r = new SplittableRandom(7);
        for (int run = 0; run < 300; run++) {
            unwrapsToTrueIndex(r.nextInt(65536), 1 + r.nextInt(3000), 50 + r.nextInt(351));
        }
    }

    private static void unwrapsToTrueIndex(int start, int step, int count) {
        SequenceUnwrapper u = new SequenceUnwrapper();
        long truth = start;
        for (int i = 0; i < count; i++) {
            assertThat(u.unwrap((int) (truth & 0xFFFF))).isEqualTo(truth);
            if (i > 0) { // a reordered copy of the previous packet maps back to its own index
                assertThat(u.unwrap((int) ((truth - step) & 0xFFFF))).isEqualTo(truth - step);
            }
            truth += step;
        }
    }
}
