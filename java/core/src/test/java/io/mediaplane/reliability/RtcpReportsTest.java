package io.mediaplane.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.rtp.Ntp;
import io.mediaplane.rtp.RtcpReceiverReport;
import io.mediaplane.rtp.RtcpReportBlock;
import io.mediaplane.rtp.RtcpSenderReport;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** SenderReporter and ReceiverStatistics against RFC 3550 §6.4.1 and Appendix A.3/A.8, and against each other. */
class RtcpReportsTest {
    private static final long MS = 1_000_000L;
    private final MemorySegment s = MemorySegment.ofArray(new byte[512]);

    @Test
    void ntpConversion() {
        // 1970-01-01T00:00:00.5Z is NTP second 2208988800 and half a second
        assertThat(Ntp.fromUnixNanos(500_000_000L)).isEqualTo(2_208_988_800L << 32 | 0x8000_0000L);
        assertThat(Ntp.compact(0x1122_3344_5566_7788L)).isEqualTo(0x3344_5566L);
        assertThat(Ntp.nanosToCompact(1_500_000_000L)).isEqualTo(0x1_8000L);
        assertThat(Ntp.compactToNanos(0x1_8000L)).isEqualTo(1_500_000_000L);
    }

    @Test
    void senderReportMapsWallClockToRtpTime() {
        ManualClock clock = new ManualClock();
        SenderReporter sr = new SenderReporter(0xABCD, 90000, clock);
        for (int i = 0; i < 30; i++) {
            sr.onPacketSent(1000 + 3000 * i, 1000, clock.advanceMillis(i == 0 ? 0 : 33));
        }
        long now = clock.advanceMillis(10); // 10 ms after the last packet: 900 ticks later
        int n = sr.write(s, 0, now);
        RtcpSenderReport view = new RtcpSenderReport();
        assertThat(view.wrap(s, 0, n).ok()).isTrue();
        assertThat(view.senderSsrc()).isEqualTo(0xABCD);
        assertThat(view.packetCount()).isEqualTo(30);
        assertThat(view.octetCount()).isEqualTo(30_000);
        assertThat(view.rtpTimestamp()).isEqualTo(1000 + 3000 * 29 + 900);
        assertThat(view.ntpTimestamp()).isEqualTo(Ntp.fromUnixNanos(ManualClock.WALL_ORIGIN + now));
    }

    @Test
    void roundTripFromLsrAndDlsr() {
        ManualClock sender = new ManualClock();
        SenderReporter sr = new SenderReporter(0xABCD, 90000, sender);
        ReceiverStatistics stats = new ReceiverStatistics(0xABCD, 90000);
        sender.set(1000 * MS);
        sr.onPacketSent(0, 100, sender.nanos());
        stats.onPacket(1, 0, 5 * MS);
        int n = sr.write(s, 0, sender.nanos());
        RtcpSenderReport view = new RtcpSenderReport();
        view.wrap(s, 0, n);
        // receiver clock is unrelated; the SR arrives, 20 ms later it reports
        stats.onSenderReport(view.compactNtp(), 500 * MS);
        int rr = RtcpReceiverReport.write(s, 100, 0x1);
        assertThat(stats.appendReportBlock(s, 100, 520 * MS)).isEqualTo(RtcpReportBlock.LENGTH);
        RtcpReceiverReport rrView = new RtcpReceiverReport();
        assertThat(rrView.wrap(s, 100, rr + RtcpReportBlock.LENGTH).ok()).isTrue();
        RtcpReportBlock block = rrView.reportBlock(0, new RtcpReportBlock());
        assertThat(block.lastSenderReport()).isEqualTo(view.compactNtp());
        assertThat(block.delaySinceLastSenderReport()).isEqualTo(Ntp.nanosToCompact(20 * MS));
        // one-way 15 ms each way: the RR arrives 15 + 20 + 15 ms after the SR left
        sender.set(1050 * MS);
        long rtt = sr.onReportBlock(block, sender.nanos());
        assertThat(rtt).isBetween(30 * MS - 100_000, 30 * MS + 100_000); // 1/65536 s resolution
        assertThat(sr.rttNanos()).isEqualTo(rtt);
    }

    @Test
    void lossAndExtendedHighestSequenceAcrossTheWrap() {
        ReceiverStatistics stats = new ReceiverStatistics(7, 90000);
        int received = 0;
        for (int i = 0; i < 200; i++) {
            if (i % 10 == 3) {
                continue; // 20 of 200 lost
            }
            stats.onPacket((65500 + i) & 0xFFFF, 3000 * i, 33 * MS * i);
            received++;
        }
        RtcpReceiverReport.write(s, 0, 1);
        stats.appendReportBlock(s, 0, 7000 * MS);
        RtcpReceiverReport rr = new RtcpReceiverReport();
        assertThat(rr.wrap(s, 0, 32).ok()).isTrue();
        RtcpReportBlock b = rr.reportBlock(0, new RtcpReportBlock());
        assertThat(b.cumulativeLost()).isEqualTo(200 - received);
        assertThat(b.fractionLost()).isEqualTo(20 * 256 / 199); // 199 expected (last one, i = 199, is a 9)
        assertThat(b.extendedHighestSequence()).isEqualTo(65500L + 199);
        assertThat(b.lastSenderReport()).isZero();
        assertThat(b.delaySinceLastSenderReport()).isZero();
        // a second interval without loss reports fraction 0 but keeps the cumulative count
        for (int i = 200; i < 300; i++) {
            stats.onPacket((65500 + i) & 0xFFFF, 3000 * i, 33 * MS * i);
        }
        RtcpReceiverReport.write(s, 0, 1);
        stats.appendReportBlock(s, 0, 10_000 * MS);
        rr.wrap(s, 0, 32);
        rr.reportBlock(0, b);
        assertThat(b.fractionLost()).isZero();
        assertThat(b.cumulativeLost()).isEqualTo(20);
        assertThat(b.extendedHighestSequence()).isEqualTo(1L << 16 | (65500 + 299 - 65536));
    }

    @Test
    void jitterFollowsAppendixA8() {
        Random r = new Random(11);
        ReceiverStatistics stats = new ReceiverStatistics(7, 90000);
        double reference = 0;
        long previousTransit = 0;
        for (int i = 0; i < 500; i++) {
            int ts = 3000 * i;
            long arrival = 33_333_333L * i + r.nextInt(8_000_000); // up to 8 ms of network jitter
            stats.onPacket(i, ts, arrival);
            long transit = arrival * 90000 / 1_000_000_000L - ts;
            if (i > 0) {
                reference += (Math.abs(transit - previousTransit) - reference) / 16; // A.8, floating point
            }
            previousTransit = transit;
        }
        assertThat((double) stats.jitter()).isCloseTo(reference, org.assertj.core.data.Offset.offset(2.0));
        assertThat(stats.jitter()).isGreaterThan(100); // 8 ms of spread is hundreds of 90 kHz ticks
    }
}
