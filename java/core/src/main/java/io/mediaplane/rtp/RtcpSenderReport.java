package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * A sender report, PT 200 (RFC 3550 §6.4.1): sender info, then RC report blocks, then optional profile-specific
 * extensions.
 *
 * <pre>
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * |                         SSRC of sender                        |
 * |              NTP timestamp, most significant word             |
 * |             NTP timestamp, least significant word             |
 * |                         RTP timestamp                         |
 * |                     sender's packet count                     |
 * |                      sender's octet count                     |
 * |                report blocks (24 bytes each) ...              |
 * </pre>
 */
public final class RtcpSenderReport extends RtcpReport {
    /** Header, SSRC and the 20-byte sender info. */
    public static final int FIXED_LENGTH = 28;

    public RtcpSenderReport() {
        super(RtcpPacketType.SR, FIXED_LENGTH);
    }

    /** The 64-bit NTP timestamp (§4): seconds since 1900 in the high word, binary fraction in the low word. */
    public long ntpTimestamp() {
        return Bytes.i64(segment, offset + 8);
    }

    /** The middle 32 bits of {@link #ntpTimestamp}: what a receiver echoes as LSR (§6.4.1). */
    public long compactNtp() {
        return Bytes.u32(segment, offset + 10);
    }

    /** The same instant as {@link #ntpTimestamp}, on the media clock (§6.4.1). */
    public int rtpTimestamp() {
        return Bytes.i32(segment, offset + 16);
    }

    /** RTP data packets sent since starting, wrapping at 2^32. */
    public long packetCount() {
        return Bytes.u32(segment, offset + 20);
    }

    /** RTP payload octets (no headers or padding) sent since starting, wrapping at 2^32. */
    public long octetCount() {
        return Bytes.u32(segment, offset + 24);
    }

    /**
     * Writes an SR without report blocks (add them with {@link RtcpReportBlock#append}); returns
     * {@link #FIXED_LENGTH}.
     */
    public static int write(MemorySegment s, long off, int senderSsrc, long ntpTimestamp, int rtpTimestamp,
            long packetCount, long octetCount) {
        RtcpHeader.checkRoom(s, off, FIXED_LENGTH);
        RtcpHeader.write(s, off, false, 0, RtcpPacketType.SR.code(), FIXED_LENGTH);
        Bytes.put32(s, off + 4, senderSsrc);
        Bytes.put64(s, off + 8, ntpTimestamp);
        Bytes.put32(s, off + 16, rtpTimestamp);
        Bytes.put32(s, off + 20, packetCount);
        Bytes.put32(s, off + 24, octetCount);
        return FIXED_LENGTH;
    }
}
