package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * One reception report block (RFC 3550 §6.4.1), 24 bytes inside an SR or RR; a reusable flyweight handed out by
 * {@link RtcpSenderReport#reportBlock} and {@link RtcpReceiverReport#reportBlock}, which already validated it.
 *
 * <pre>
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * </pre>
 */
public final class RtcpReportBlock {
    public static final int LENGTH = 24;

    private MemorySegment segment;
    private long offset;

    RtcpReportBlock at(MemorySegment seg, long off) {
        this.segment = seg;
        this.offset = off;
        return this;
    }

    public long offset() {
        return offset;
    }

    /** The source this block reports on. */
    public int ssrc() {
        return Bytes.i32(segment, offset);
    }

    /** Fraction of packets lost since the previous report, in 1/256 (0..255). */
    public int fractionLost() {
        return Bytes.u8(segment, offset + 4);
    }

    /** §6.4.1: a signed 24-bit count; duplicates can make it negative. */
    public int cumulativeLost() {
        return Bytes.u24(segment, offset + 5) << 8 >> 8;
    }

    /** Sequence cycles (high 16 bits) and highest sequence number received (low 16 bits). */
    public long extendedHighestSequence() {
        return Bytes.u32(segment, offset + 8);
    }

    /** Interarrival jitter in RTP timestamp units (§6.4.1, A.8). */
    public long jitter() {
        return Bytes.u32(segment, offset + 12);
    }

    /** The middle 32 bits of the NTP timestamp of the last SR received from this source, 0 if none. */
    public long lastSenderReport() {
        return Bytes.u32(segment, offset + 16);
    }

    /** Delay between receiving that SR and sending this block, in 1/65536 s; 0 if no SR yet. */
    public long delaySinceLastSenderReport() {
        return Bytes.u32(segment, offset + 20);
    }

    /**
     * Appends a report block to the SR or RR at {@code reportOffset} (which must end with its report blocks: no
     * profile extension, no padding), bumping its RC and length. Returns {@link #LENGTH}.
     *
     * @param cumulativeLost clamped to the signed 24-bit range, as §6.4.1 and A.3 ask
     */
    public static int append(MemorySegment s, long reportOffset, int ssrc, int fractionLost, int cumulativeLost,
            long extendedHighestSequence, long jitter, long lastSenderReport, long delaySinceLastSenderReport) {
        int pt = RtcpHeader.packetType(s, reportOffset);
        if (pt != RtcpPacketType.SR.code() && pt != RtcpPacketType.RR.code()) {
            throw new IllegalArgumentException("report blocks go into an SR or RR, not PT " + pt);
        }
        if (RtcpHeader.padding(s, reportOffset)) {
            throw new IllegalStateException("cannot append a report block after padding");
        }
        int rc = RtcpHeader.count(s, reportOffset);
        if (rc == RtcpHeader.MAX_COUNT) {
            throw new IllegalStateException("a report holds at most 31 blocks (5-bit RC); start another RR");
        }
        if ((fractionLost & ~0xFF) != 0) {
            throw new IllegalArgumentException("fraction lost is 8 bits: " + fractionLost);
        }
        int length = RtcpHeader.packetLength(s, reportOffset);
        long off = reportOffset + length;
        RtcpHeader.checkRoom(s, off, LENGTH);
        int lost = Math.clamp(cumulativeLost, -0x80_0000, 0x7F_FFFF);
        Bytes.put32(s, off, ssrc);
        Bytes.put8(s, off + 4, fractionLost);
        Bytes.put24(s, off + 5, lost & 0xFF_FFFF);
        Bytes.put32(s, off + 8, extendedHighestSequence);
        Bytes.put32(s, off + 12, jitter);
        Bytes.put32(s, off + 16, lastSenderReport);
        Bytes.put32(s, off + 20, delaySinceLastSenderReport);
        RtcpHeader.setCount(s, reportOffset, rc + 1);
        RtcpHeader.setPacketLength(s, reportOffset, length + LENGTH);
        return LENGTH;
    }
}
