package io.mediaplane.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.rtp.PacketStatus;
import io.mediaplane.rtp.RtcpTransportCc;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Transport-cc feedback built from arrival times (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1),
 * compared byte for byte with packets computed by hand from the draft, then checked through our parser over
 * seeded random arrivals, losses, reordering and sequence wrap.
 */
class TransportFeedbackGeneratorTest {
    private static final int SENDER = 1;
    private static final int MEDIA = 0x11223344;

    private final byte[] buffer = new byte[1500];
    private final MemorySegment s = MemorySegment.ofArray(buffer);

    private String write(TransportFeedbackGenerator g) {
        int len = g.write(s, 0, SENDER, MEDIA);
        return HexFormat.of().formatHex(buffer, 0, len);
    }

    @Test
    void feedbackMatchesHandComputedPackets() {
        TransportFeedbackGenerator g = new TransportFeedbackGenerator();
        assertThat(g.pending()).isFalse();
        assertThat(g.write(s, 0, SENDER, MEDIA)).isZero();
        g.onPacket(100, 128_000); // reference time 2 (2 × 64 ms), 0 ticks
        g.onPacket(101, 128_500); // +2 ticks of 250 µs
        g.onPacket(103, 130_000); // 102 lost; +6 ticks
        g.onPacket(104, 200_000); // +280 ticks: a large (two-byte) delta
        // V=2 FMT=15, PT 205, length 6 | sender | media | base 100, count 5 | reference 2, feedback 0
        // | one two-bit vector chunk: 11 01 01 00 01 10 00 00 00... = 1 1 0 1 2 → 0xD460
        // | deltas 00 02 06 0118 | one zero byte of padding to 32 bits
        assertThat(write(g)).isEqualTo("8fcd0006" + "00000001" + "11223344" + "00640005" + "00000200"
                + "d460" + "00020601" + "18" + "00");
        assertThat(g.pending()).isFalse();

        g.onPacket(105, 10_000_000); // reference 156 (9.984 s), +64 ticks; feedback count 1
        // | a run-length chunk: received small delta, run 1 → 0x2001 | delta 0x40 | padding
        assertThat(write(g)).isEqualTo("8fcd0005" + "00000001" + "11223344" + "00690001" + "00009c01"
                + "2001" + "40" + "00");
        g.onPacket(104, 10_001_000); // already reported (as received): only counted
        assertThat(g.late()).isEqualTo(1);
        assertThat(g.pending()).isFalse();
        assertThat(g.feedbackSent()).isEqualTo(2);
    }

    @Test
    void seededArrivalsRoundTripThroughTheParser() {
        SplittableRandom random = new SplittableRandom(15);
        TransportFeedbackGenerator g = new TransportFeedbackGenerator();
        int seq = 65_000; // wraps past 65535 on the way
        long t = 5_000_000;
        List<long[]> expected = new ArrayList<>(); // {sequence, arrival µs or -1}
        List<long[]> reported = new ArrayList<>();
        RtcpTransportCc view = new RtcpTransportCc();
        for (int round = 0; round < 200; round++) {
            int n = random.nextInt(1, 30);
            List<long[]> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                t += random.nextInt(0, 4000);
                boolean lost = random.nextInt(10) == 0 && i < n - 1;
                batch.add(new long[] {(seq + i) & 0xFFFF, lost ? -1 : t});
            }
            if (n > 2 && random.nextBoolean()) { // two neighbours arrive swapped
                long[] a = batch.get(0);
                batch.set(0, batch.get(1));
                batch.set(1, a);
            }
            for (long[] p : batch) {
                if (p[1] >= 0) {
                    g.onPacket((int) p[0], p[1]);
                }
            }
            int first = seq;
            batch.sort((x, y) -> Integer.compare((int) ((x[0] - first) & 0xFFFF), (int) ((y[0] - first) & 0xFFFF)));
            expected.addAll(batch);
            seq = (seq + n) & 0xFFFF;
            int len = g.write(s, 0, SENDER, MEDIA);
            assertThat(len % 4).isZero();
            assertThat(view.wrap(s, 0, len)).isEqualTo(PacketStatus.OK);
            assertThat(view.mediaSsrc()).isEqualTo(MEDIA);
            assertThat(view.feedbackPacketCount()).isEqualTo(round & 0xFF);
            long reference = (long) view.referenceTime() * RtcpTransportCc.REFERENCE_TIME_MICROS;
            long[] at = {reference};
            view.forEachPacket((sequence, status, deltaTicks) -> {
                if (status == RtcpTransportCc.NOT_RECEIVED) {
                    reported.add(new long[] {sequence, -1});
                } else {
                    at[0] += deltaTicks * (long) RtcpTransportCc.DELTA_TICK_MICROS;
                    reported.add(new long[] {sequence, at[0]});
                }
            });
        }
        assertThat(reported).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            long[] e = expected.get(i);
            long[] r = reported.get(i);
            assertThat(r[0]).as("sequence of #%d", i).isEqualTo(e[0]);
            if (e[1] < 0) {
                assertThat(r[1]).as("#%d reported lost", i).isEqualTo(-1);
            } else {
                // each arrival is rounded down to 250 µs against the 64 ms reference
                assertThat(r[1]).as("arrival of #%d", i).isLessThanOrEqualTo(e[1]).isGreaterThan(e[1] - 250);
            }
        }
    }

    /** Any order, jumps, duplicates and arrival times (backwards, ±minutes): every feedback still parses. */
    @Test
    void arbitrarySequencesAndTimesAlwaysGiveParseableFeedback() {
        SplittableRandom random = new SplittableRandom(205);
        TransportFeedbackGenerator g = new TransportFeedbackGenerator();
        RtcpTransportCc view = new RtcpTransportCc();
        int seq = 0;
        long feedbacks = 0;
        for (int i = 0; i < 20_000; i++) {
            seq = switch (random.nextInt(6)) {
                case 0 -> random.nextInt(0x10000);
                case 1 -> seq + random.nextInt(1, 2000);
                default -> seq + 1;
            };
            g.onPacket(seq & 0xFFFF, random.nextInt(4) == 0 ? random.nextLong(0, 600_000_000L)
                    : 100_000_000L + i * 1000L);
            if (random.nextInt(8) == 0) {
                while (g.pending()) {
                    int len = g.write(s, 0, SENDER, MEDIA);
                    assertThat(len).isPositive().isLessThanOrEqualTo(1400);
                    assertThat(view.wrap(s, 0, len)).isEqualTo(PacketStatus.OK);
                    feedbacks++;
                }
            }
        }
        assertThat(feedbacks).isEqualTo(g.feedbackSent()).isGreaterThan(100);
    }
}
