package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * A receiver report, PT 201 (RFC 3550 §6.4.2): the reporter's SSRC, RC report blocks, then optional
 * profile-specific extensions. An RR with RC=0 is how a receiver-only or reduced compound starts (§6.1).
 *
 * <pre>
 * |V=2|P|    RC   |   PT=RR=201   |             length            |
 * |                     SSRC of packet sender                     |
 * |                report blocks (24 bytes each) ...              |
 * </pre>
 */
public final class RtcpReceiverReport extends RtcpReport {
    public static final int FIXED_LENGTH = 8;

    public RtcpReceiverReport() {
        super(RtcpPacketType.RR, FIXED_LENGTH);
    }

    /** Writes an RR without report blocks (add them with {@link RtcpReportBlock#append}); returns 8. */
    public static int write(MemorySegment s, long off, int senderSsrc) {
        RtcpHeader.checkRoom(s, off, FIXED_LENGTH);
        RtcpHeader.write(s, off, false, 0, RtcpPacketType.RR.code(), FIXED_LENGTH);
        Bytes.put32(s, off + 4, senderSsrc);
        return FIXED_LENGTH;
    }
}
