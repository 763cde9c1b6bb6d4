package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * What sender and receiver reports share (RFC 3550 §6.4): a fixed part starting with the reporter's SSRC, RC
 * report blocks of 24 bytes, then optional profile-specific extensions up to the end of the packet.
 */
public abstract sealed class RtcpReport extends RtcpPacketView permits RtcpSenderReport, RtcpReceiverReport {
    private final int packetType;
    private final int fixedLength;

    RtcpReport(RtcpPacketType type, int fixedLength) {
        this.packetType = type.code();
        this.fixedLength = fixedLength;
    }

    @Override
    public final PacketStatus wrap(MemorySegment seg, long off, int available) {
        PacketStatus s = wrapHeader(seg, off, available, packetType, -1, fixedLength);
        if (!s.ok()) {
            return s;
        }
        if (fixedLength + RtcpReportBlock.LENGTH * count() > contentLength) {
            return fail(PacketStatus.BAD_COUNT);
        }
        return PacketStatus.OK;
    }

    /** The SSRC of the reporter. */
    public final int senderSsrc() {
        return Bytes.i32(segment, offset + 4);
    }

    public final int reportCount() {
        return count();
    }

    /** Points {@code into} at report block {@code index} and returns it. */
    public final RtcpReportBlock reportBlock(int index, RtcpReportBlock into) {
        Objects.checkIndex(index, count());
        return into.at(segment, offset + fixedLength + (long) RtcpReportBlock.LENGTH * index);
    }

    /** Where profile-specific extensions (§6.4.1) start: right after the report blocks. */
    public final long extensionOffset() {
        return offset + fixedLength + (long) RtcpReportBlock.LENGTH * count();
    }

    public final int extensionLength() {
        return contentLength - fixedLength - RtcpReportBlock.LENGTH * count();
    }
}
