package io.mediaplane.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.rtp.RtcpNack;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NackGeneratorTest {
    private static final long MS = 1_000_000L;
    private final int[] out = new int[64];

    private int[] collect(NackGenerator g, long now) {
        return Arrays.copyOf(out, g.collect(now, out));
    }

    @Test
    void requestsAGapThenRepeatsOncePerRoundTrip() {
        NackGenerator g = new NackGenerator().rttNanos(20 * MS);
        g.onPacket(4, 0);
        g.onPacket(7, 0);
        assertThat(g.missing()).isEqualTo(2);
        assertThat(collect(g, 0)).containsExactly(5, 6);
        assertThat(collect(g, 19 * MS)).isEmpty();
        assertThat(collect(g, 20 * MS)).containsExactly(5, 6);
        g.onPacket(5, 25 * MS);
        assertThat(g.recovered()).isEqualTo(1);
        assertThat(collect(g, 40 * MS)).containsExactly(6);
        assertThat(g.requested()).isEqualTo(5);
        assertThat(g.takeKeyframeNeeded()).isFalse();
    }

    @Test
    void retryLimitGivesUpAndAsksForAKeyframe() {
        NackGenerator g = new NackGenerator().rttNanos(10 * MS).maxRetries(3);
        g.onPacket(1, 0);
        g.onPacket(3, 0);
        for (int i = 0; i < 3; i++) {
            assertThat(collect(g, i * 10 * MS)).containsExactly(2);
        }
        assertThat(collect(g, 30 * MS)).isEmpty();
        assertThat(g.counters().get(ReliabilityStatus.GIVEN_UP)).isEqualTo(1);
        assertThat(g.takeKeyframeNeeded()).isTrue();
        assertThat(g.takeKeyframeNeeded()).isFalse();
        assertThat(g.missing()).isZero();
        assertThat(g.onPacket(2, 40 * MS)).isEqualTo(ReliabilityStatus.DUPLICATE); // too late now
    }

    @Test
    void ageLimitGivesUp() {
        NackGenerator g = new NackGenerator().rttNanos(100 * MS).maxAgeNanos(250 * MS);
        g.onPacket(1, 0);
        g.onPacket(3, 0);
        assertThat(collect(g, 0)).containsExactly(2);
        assertThat(collect(g, 100 * MS)).containsExactly(2);
        assertThat(collect(g, 200 * MS)).containsExactly(2);
        assertThat(collect(g, 300 * MS)).isEmpty();
        assertThat(g.counters().get(ReliabilityStatus.GIVEN_UP)).isEqualTo(1);
    }

    @Test
    void firstRequestWaitsOutReordering() {
        NackGenerator g = new NackGenerator().firstRequestDelayNanos(5 * MS);
        g.onPacket(1, 0);
        g.onPacket(3, 0);
        assertThat(collect(g, 4 * MS)).isEmpty();
        g.onPacket(2, 4 * MS); // it was only late
        assertThat(collect(g, 10 * MS)).isEmpty();
        assertThat(g.requested()).isZero();
    }

    @Test
    void gapLongerThanTheWindowIsGivenUpAtOnce() {
        NackGenerator g = new NackGenerator(16);
        g.onPacket(0, 0);
        g.onPacket(100, 0);
        assertThat(g.missing()).isEqualTo(16);
        assertThat(g.counters().get(ReliabilityStatus.GIVEN_UP)).isEqualTo(99 - 16);
        assertThat(collect(g, 0)).containsExactly(
                84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99);
    }

    @Test
    void writesANackThePeerCanRead() {
        NackGenerator g = new NackGenerator();
        g.onPacket(65530, 0);
        g.onPacket(3, 0); // 65531..2 missing, across the wrap
        MemorySegment s = MemorySegment.ofArray(new byte[512]);
        int n = g.writeNack(0, s, 0, 0x1111, 0x2222);
        RtcpNack nack = new RtcpNack();
        assertThat(nack.wrap(s, 0, n).ok()).isTrue();
        assertThat(nack.mediaSsrc()).isEqualTo(0x2222);
        List<Integer> lost = new ArrayList<>();
        nack.forEachLost(lost::add);
        assertThat(lost).containsExactly(65531, 65532, 65533, 65534, 65535, 0, 1, 2);
        assertThat(g.writeNack(0, s, 0, 0x1111, 0x2222)).isZero(); // nothing due until a round trip passed
    }

    @Test
    void wantsWhatIsMissingOrNotYetSeenButNoCopies() {
        NackGenerator g = new NackGenerator();
        assertThat(g.wants(100)).isTrue(); // nothing seen yet
        g.onPacket(65534, 0);
        g.onPacket(2, 0); // 65535, 0, 1 missing, across the wrap
        assertThat(g.wants(65535)).isTrue();
        assertThat(g.wants(0)).isTrue();
        assertThat(g.wants(1)).isTrue();
        assertThat(g.wants(3)).as("newer than anything seen: a resend that overtook its successor").isTrue();
        assertThat(g.wants(2)).as("already here: a probe's copy").isFalse();
        assertThat(g.wants(65534)).isFalse();
        assertThat(g.wants(60000)).as("long past, never missing").isFalse();
        g.onPacket(0, 0);
        assertThat(g.wants(0)).as("repaired once, a second resend is a copy").isFalse();
        assertThat(g.missing()).isEqualTo(2);
    }
}
