package io.mediaplane.reliability;

import io.mediaplane.rtp.Ntp;
import io.mediaplane.rtp.RtcpReportBlock;
import io.mediaplane.rtp.SequenceUnwrapper;
import java.lang.foreign.MemorySegment;

/**
 * Reception statistics of one RTP source, for the report block a receiver sends about it (RFC 3550 §6.4.1):
 * extended highest sequence number and packets expected and lost (Appendix A.1, A.3), the fraction lost since the
 * previous report, the interarrival jitter (A.8), and LSR/DLSR from the last sender report received. Not
 * thread-safe; allocation-free.
 */
public final class ReceiverStatistics {
    private static final long NANOS = 1_000_000_000L;

    private final int ssrc;
    private final int clockRate;
    private final SequenceUnwrapper unwrapper = new SequenceUnwrapper();
    private long base = -1;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private long firstArrival;
    private boolean haveTransit;
    private int lastTransit;
    /** Jitter times 16, A.8's second form: integer arithmetic without losing the low bits. */
    private long jitterQ4;
    private long lastSenderReport;
    private long lastSenderReportArrival;
    private int lastFractionLost;

    /**
     * @param ssrc      the source reported on
     * @param clockRate its RTP clock rate (90000 for video, 48000 for Opus): jitter is in timestamp units
     */
    public ReceiverStatistics(int ssrc, int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
        }
        this.ssrc = ssrc;
        this.clockRate = clockRate;
    }

    /** Records one received packet (an original, not a retransmission). */
    public void onPacket(int seq, int rtpTimestamp, long arrivalNanos) {
        onPacket(seq, rtpTimestamp, arrivalNanos, false);
    }

    /**
     * Records one received packet. A retransmission (unwrapped RTX) counts as received but stays out of the jitter,
     * whose transit time it would distort (it was sent a round trip late).
     */
    public void onPacket(int seq, int rtpTimestamp, long arrivalNanos, boolean retransmission) {
        long ext = unwrapper.unwrap(seq);
        if (base < 0) {
            base = ext;
            firstArrival = arrivalNanos;
        }
        received++;
        if (retransmission) {
            return;
        }
        // A.8: transit = arrival - timestamp, both in timestamp units; only differences matter, so arrival counts
        // from the first packet and the subtraction may wrap
        long since = arrivalNanos - firstArrival;
        long arrival = since / NANOS * clockRate + since % NANOS * clockRate / NANOS;
        int transit = (int) arrival - rtpTimestamp;
        if (haveTransit) {
            int d = transit - lastTransit;
            if (d < 0) {
                d = -d;
            }
            jitterQ4 += d - ((jitterQ4 + 8) >> 4);
        }
        haveTransit = true;
        lastTransit = transit;
    }

    /** Records a sender report from this source: its compact NTP timestamp becomes the next blocks' LSR. */
    public void onSenderReport(long compactNtp, long arrivalNanos) {
        lastSenderReport = compactNtp & 0xFFFF_FFFFL;
        lastSenderReportArrival = arrivalNanos;
    }

    /**
     * Appends this source's report block to the SR or RR at {@code reportOffset} (A.3: the fraction lost covers
     * the interval since the previous block); returns {@link RtcpReportBlock#LENGTH}, or 0 before any packet.
     */
    public int appendReportBlock(MemorySegment s, long reportOffset, long nowNanos) {
        if (base < 0) {
            return 0;
        }
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        long lostInterval = expectedInterval - receivedInterval;
        expectedPrior = expected;
        receivedPrior = received;
        lastFractionLost = expectedInterval == 0 || lostInterval <= 0 ? 0
                : (int) Math.min(255, (lostInterval << 8) / expectedInterval);
        long dlsr = lastSenderReport == 0 ? 0 : Ntp.nanosToCompact(nowNanos - lastSenderReportArrival);
        return RtcpReportBlock.append(s, reportOffset, ssrc, lastFractionLost,
                (int) Math.clamp(cumulativeLost(), Integer.MIN_VALUE, Integer.MAX_VALUE),
                extendedHighestSequence(), jitter(), lastSenderReport, dlsr);
    }

    public int ssrc() {
        return ssrc;
    }

    /** Packets received, duplicates and retransmissions included (A.3). */
    public long received() {
        return received;
    }

    /** Highest extended sequence number minus the first, plus one (A.3). */
    public long expected() {
        return base < 0 ? 0 : unwrapper.highest() - base + 1;
    }

    /** Expected minus received; duplicates can make it negative (§6.4.1). */
    public long cumulativeLost() {
        return expected() - received;
    }

    /** The low 32 bits of the highest extended sequence number: cycles in the high 16, the number in the low 16. */
    public long extendedHighestSequence() {
        return unwrapper.highest() & 0xFFFF_FFFFL;
    }

    /** Interarrival jitter in timestamp units (A.8). */
    public long jitter() {
        return jitterQ4 >> 4;
    }

    /** The fraction lost (in 1/256) of the last block written. */
    public int lastFractionLost() {
        return lastFractionLost;
    }
}
