package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * What every typed RTCP view shares: a reusable flyweight over one packet at {@code (segment, offset)}, validated
 * by {@link #wrap}. A view may be wrapped over a packet inside a longer datagram: it reads the packet's own
 * length field (RFC 3550 §6.4.1) and ignores what follows. After anything but {@link PacketStatus#OK} the view
 * holds no packet and its accessors must not be used; after OK every accessor stays inside the packet.
 */
public abstract class RtcpPacketView {
    MemorySegment segment;
    long offset;
    /** The packet as its length field gives it, padding included. */
    int length;
    /** The packet without its padding: where the body really ends. */
    int contentLength;

    RtcpPacketView() {}

    /**
     * Points this view at the packet starting at {@code off}, with {@code available} bytes of the datagram
     * from there on, and validates header and body. Never throws on the bytes; out-of-segment arguments give
     * {@link PacketStatus#TOO_SHORT}.
     */
    public abstract PacketStatus wrap(MemorySegment seg, long off, int available);

    /**
     * Header checks every view shares (RFC 3550 §6.4.1, A.2): version, type (and FMT if {@code fmt >= 0}),
     * length within {@code available}, padding count within the packet, content at least {@code minContent}.
     */
    final PacketStatus wrapHeader(MemorySegment seg, long off, int available, int packetType, int fmt,
            int minContent) {
        segment = null;
        if (available < RtcpHeader.LENGTH || off < 0 || off > seg.byteSize() - available) {
            return PacketStatus.TOO_SHORT;
        }
        int b0 = Bytes.u8(seg, off);
        if (b0 >>> 6 != RtcpHeader.VERSION) {
            return PacketStatus.BAD_VERSION;
        }
        if (Bytes.u8(seg, off + 1) != packetType || (fmt >= 0 && (b0 & RtcpHeader.MAX_COUNT) != fmt)) {
            return PacketStatus.WRONG_TYPE;
        }
        int len = RtcpHeader.packetLength(seg, off);
        if (len > available) {
            return PacketStatus.BAD_LENGTH;
        }
        int content = len;
        if ((b0 & 0x20) != 0) {
            // §6.4.1: the last octet counts the padding, itself included
            int pad = Bytes.u8(seg, off + len - 1);
            if (pad == 0 || pad > len - RtcpHeader.LENGTH) {
                return PacketStatus.BAD_PADDING;
            }
            content -= pad;
        }
        if (content < minContent) {
            return PacketStatus.TOO_SHORT;
        }
        this.segment = seg;
        this.offset = off;
        this.length = len;
        this.contentLength = content;
        return PacketStatus.OK;
    }

    /** Drops the packet after a body check failed and returns {@code status}. */
    final PacketStatus fail(PacketStatus status) {
        segment = null;
        return status;
    }

    public final boolean isWrapped() {
        return segment != null;
    }

    public final MemorySegment segment() {
        return segment;
    }

    public final long offset() {
        return offset;
    }

    /** The packet's size in bytes, header and padding included. */
    public final int length() {
        return length;
    }

    /** Bytes of padding at the end (0 without the P bit). */
    public final int paddingLength() {
        return length - contentLength;
    }

    /** The header's 5-bit RC / SC / subtype / FMT field. */
    public final int count() {
        return RtcpHeader.count(segment, offset);
    }
}
