package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * A feedback message, PT 205 (RTPFB) or 206 (PSFB), of any FMT (RFC 4585 §6.1): the common part every feedback
 * view shares, and the view for FMTs this package has no typed view for (SLI, RPSI, TMMBR, ...).
 *
 * <pre>
 * |V=2|P|   FMT   |       PT      |          length               |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source                         |
 * :            Feedback Control Information (FCI)                 :
 * </pre>
 */
public class RtcpFeedback extends RtcpPacketView {
    public static final int FIXED_LENGTH = 12;

    /** RTPFB: Generic NACK (RFC 4585 §6.2.1). */
    public static final int FMT_NACK = 1;
    /** RTPFB: transport-wide congestion control (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1). */
    public static final int FMT_TRANSPORT_CC = 15;
    /** PSFB: Picture Loss Indication (RFC 4585 §6.3.1). */
    public static final int FMT_PLI = 1;
    /** PSFB: Slice Loss Indication (RFC 4585 §6.3.2). */
    public static final int FMT_SLI = 2;
    /** PSFB: Reference Picture Selection Indication (RFC 4585 §6.3.3). */
    public static final int FMT_RPSI = 3;
    /** PSFB: Full Intra Request (RFC 5104 §4.3.1). */
    public static final int FMT_FIR = 4;
    /** PSFB: application layer feedback (RFC 4585 §6.4), e.g. REMB. */
    public static final int FMT_AFB = 15;

    /** Accepts any FMT of PT 205 or 206 with at least the two SSRCs. */
    @Override
    public PacketStatus wrap(MemorySegment seg, long off, int available) {
        boolean payloadSpecific = available >= RtcpHeader.LENGTH && off >= 0 && off <= seg.byteSize() - available
                && Bytes.u8(seg, off + 1) == RtcpPacketType.PSFB.code();
        return wrapHeader(seg, off, available,
                (payloadSpecific ? RtcpPacketType.PSFB : RtcpPacketType.RTPFB).code(), -1, FIXED_LENGTH);
    }

    /** PT 205 or 206 with the given FMT and at least {@code minContent} bytes before padding. */
    final PacketStatus wrapFeedback(MemorySegment seg, long off, int available, RtcpPacketType type, int fmt,
            int minContent) {
        return wrapHeader(seg, off, available, type.code(), fmt, minContent);
    }

    public final int fmt() {
        return count();
    }

    /** True for RTPFB (205), false for PSFB (206). */
    public final boolean transportLayer() {
        return RtcpHeader.packetType(segment, offset) == RtcpPacketType.RTPFB.code();
    }

    public final int senderSsrc() {
        return Bytes.i32(segment, offset + 4);
    }

    public final int mediaSsrc() {
        return Bytes.i32(segment, offset + 8);
    }

    /** Where the Feedback Control Information starts. */
    public final long fciOffset() {
        return offset + FIXED_LENGTH;
    }

    /** FCI bytes before any padding. */
    public final int fciLength() {
        return contentLength - FIXED_LENGTH;
    }

    /** Writes the 12-byte common part of a feedback packet of {@code length} bytes; returns 12. */
    static int writeCommon(MemorySegment s, long off, RtcpPacketType type, int fmt, int senderSsrc, int mediaSsrc,
            int length) {
        RtcpHeader.checkRoom(s, off, length);
        RtcpHeader.write(s, off, false, fmt, type.code(), length);
        Bytes.put32(s, off + 4, senderSsrc);
        Bytes.put32(s, off + 8, mediaSsrc);
        return FIXED_LENGTH;
    }
}
