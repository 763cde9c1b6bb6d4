package io.mediaplane.reliability;

import io.mediaplane.rtp.Ntp;
import io.mediaplane.rtp.RtcpReportBlock;
import io.mediaplane.rtp.RtcpSenderReport;
import java.lang.foreign.MemorySegment;

/**
 * Sender side of RTCP reports for one RTP stream (RFC 3550 §6.4.1): counts packets and payload octets sent, writes
 * sender reports mapping the wall clock (NTP) to the stream's RTP timestamps, and measures the round-trip time from
 * the report blocks receivers return about this stream ({@code A - LSR - DLSR}, §6.4.1). Not thread-safe;
 * allocation-free.
 */
public final class SenderReporter {
    private static final long NANOS = 1_000_000_000L;

    private final int ssrc;
    private final int clockRate;
    private final NanoClock clock;
    private long packets;
    private long octets;
    private boolean sending;
    private int lastRtpTimestamp;
    private long lastSentAt;
    private long rttNanos = -1;

    /**
     * @param ssrc      the stream's SSRC
     * @param clockRate its RTP clock rate
     * @param clock     maps the {@code nowNanos} readings passed in to the wall clock for the NTP timestamps
     */
    public SenderReporter(int ssrc, int clockRate, NanoClock clock) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive: " + clockRate);
        }
        this.ssrc = ssrc;
        this.clockRate = clockRate;
        this.clock = clock;
    }

    /** Records one RTP packet sent: {@code payloadLength} excludes header and padding (§6.4.1 octet count). */
    public void onPacketSent(int rtpTimestamp, int payloadLength, long nowNanos) {
        packets++;
        octets += payloadLength;
        lastRtpTimestamp = rtpTimestamp;
        lastSentAt = nowNanos;
        sending = true;
    }

    /** Whether anything was sent yet: a stream that has not sent reports with an RR instead (§6.4). */
    public boolean sending() {
        return sending;
    }

    /**
     * The RTP timestamp corresponding to {@code nowNanos}: the last packet's, advanced at the clock rate by the time
     * since it was sent (the media clock keeps running between packets, §6.4.1).
     */
    public int rtpTimestampAt(long nowNanos) {
        long since = nowNanos - lastSentAt;
        return lastRtpTimestamp + (int) (since / NANOS * clockRate + since % NANOS * clockRate / NANOS);
    }

    /**
     * Writes a sender report without report blocks (append them with
     * {@link ReceiverStatistics#appendReportBlock}); returns its length.
     */
    public int write(MemorySegment s, long off, long nowNanos) {
        long ntp = Ntp.fromUnixNanos(clock.unixNanos(nowNanos));
        return RtcpSenderReport.write(s, off, ssrc, ntp, rtpTimestampAt(nowNanos), packets & 0xFFFF_FFFFL,
                octets & 0xFFFF_FFFFL);
    }

    /**
     * Takes a report block a receiver sent about this stream (check {@link RtcpReportBlock#ssrc()} first) and
     * returns the round-trip time it shows, or -1 when it echoes no sender report. Also kept as {@link #rttNanos()}.
     */
    public long onReportBlock(RtcpReportBlock block, long nowNanos) {
        long lsr = block.lastSenderReport();
        if (lsr == 0) {
            return -1;
        }
        long arrival = Ntp.compact(Ntp.fromUnixNanos(clock.unixNanos(nowNanos)));
        long rtt = (arrival - lsr - block.delaySinceLastSenderReport()) & 0xFFFF_FFFFL;
        if (rtt > 0x7FFF_FFFFL) {
            return -1; // negative: clocks or the block are off
        }
        rttNanos = Ntp.compactToNanos(rtt);
        return rttNanos;
    }

    /** The last round-trip time measured, or -1. */
    public long rttNanos() {
        return rttNanos;
    }

    public long packetCount() {
        return packets;
    }

    public long octetCount() {
        return octets;
    }

    public int ssrc() {
        return ssrc;
    }
}
