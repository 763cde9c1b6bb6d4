package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketBuffer;
import java.lang.foreign.MemorySegment;

/**
 * A reusable, allocation-free iterator over the packets of one RTCP datagram (RFC 3550 §6.1).
 *
 * <p>{@link #wrap} validates the whole compound first, as RFC 3550 Appendix A.2 asks: every packet has V=2 and a
 * type in 192..223 (RFC 5761 §4), the length fields tile the datagram exactly, only the last packet may be
 * padded, and — unless reduced-size RTCP (RFC 5506 §3.1) is allowed — the first packet is an SR or RR. A compound
 * that fails is dropped whole: {@link #next} then yields nothing. Packet bodies are checked by the typed views
 * ({@link #read}), so an unknown or malformed packet can be skipped without losing the rest.
 *
 * <pre>{@code
 * if (counters.count(compound.wrap(seg, off, len)).ok()) {
 *     while (compound.next()) {
 *         switch (compound.type()) {
 *             case SR -> { if (counters.count(compound.read(sr)).ok()) onSenderReport(sr); }
 *             ...
 *         }
 *     }
 * }
 * }</pre>
 */
public final class RtcpCompound {
    private final boolean reducedSizeAllowed;
    private MemorySegment segment;
    private long start;
    private long end;
    private PacketStatus status = PacketStatus.TOO_SHORT;
    private int packets;
    /** Where the next packet starts; {@code -1} before the first {@link #next}. */
    private long cursor;
    private long packetOffset;
    private int packetLength;

    /** A strict iterator: the first packet must be an SR or RR (RFC 3550 §6.1). */
    public RtcpCompound() {
        this(false);
    }

    /**
     * @param reducedSizeAllowed whether a datagram may start with any RTCP type, as RFC 5506 §3.1 permits once
     *     {@code a=rtcp-rsize} is negotiated (transport-cc and NACK are usually sent alone this way)
     */
    public RtcpCompound(boolean reducedSizeAllowed) {
        this.reducedSizeAllowed = reducedSizeAllowed;
    }

    public boolean reducedSizeAllowed() {
        return reducedSizeAllowed;
    }

    /**
     * Points the iterator at a datagram and validates its structure (RFC 3550 A.2). Never throws on the bytes;
     * out-of-segment arguments give {@link PacketStatus#TOO_SHORT}. Iteration restarts at the first packet.
     */
    public PacketStatus wrap(MemorySegment seg, long off, int len) {
        segment = null;
        packets = 0;
        status = validate(seg, off, len);
        if (status.ok()) {
            segment = seg;
            start = off;
            end = off + len;
        }
        rewind();
        return status;
    }

    public PacketStatus wrap(PacketBuffer buffer) {
        return wrap(buffer.segment(), buffer.offset(), buffer.length());
    }

    private PacketStatus validate(MemorySegment seg, long off, int len) {
        if (len < RtcpHeader.LENGTH || off < 0 || off > seg.byteSize() - len) {
            return PacketStatus.TOO_SHORT;
        }
        long pos = off;
        long limit = off + len;
        int n = 0;
        while (pos < limit) {
            if (limit - pos < RtcpHeader.LENGTH) {
                return PacketStatus.BAD_LENGTH;
            }
            int b0 = Bytes.u8(seg, pos);
            if (b0 >>> 6 != RtcpHeader.VERSION) {
                return PacketStatus.BAD_VERSION;
            }
            int pt = Bytes.u8(seg, pos + 1);
            if (!RtcpPacketType.isRtcp(pt)) {
                return PacketStatus.NOT_RTCP;
            }
            if (n == 0 && !reducedSizeAllowed && pt != RtcpPacketType.SR.code() && pt != RtcpPacketType.RR.code()) {
                return PacketStatus.BAD_FIRST_PACKET;
            }
            int plen = RtcpHeader.packetLength(seg, pos);
            if (plen > limit - pos) {
                return PacketStatus.BAD_LENGTH;
            }
            if ((b0 & 0x20) != 0) {
                // §6.4.1 / A.2: padding is only for the last packet of the compound
                int pad = Bytes.u8(seg, pos + plen - 1);
                if (pos + plen != limit || pad == 0 || pad > plen - RtcpHeader.LENGTH) {
                    return PacketStatus.BAD_PADDING;
                }
            }
            pos += plen;
            n++;
        }
        packets = n;
        return PacketStatus.OK;
    }

    /** The result of the last {@link #wrap}. */
    public PacketStatus status() {
        return status;
    }

    /** How many packets the datagram holds (0 unless the last wrap was OK). */
    public int packetCount() {
        return packets;
    }

    /** Moves to the next packet; false at the end or when the last wrap failed. */
    public boolean next() {
        if (segment == null || cursor >= end) {
            return false;
        }
        packetOffset = cursor;
        packetLength = RtcpHeader.packetLength(segment, cursor);
        cursor += packetLength;
        return true;
    }

    /** Restarts iteration at the first packet. */
    public void rewind() {
        cursor = segment == null ? 0 : start;
        packetOffset = -1;
        packetLength = 0;
    }

    public MemorySegment segment() {
        return segment;
    }

    /** Where the current packet starts in {@link #segment()}. */
    public long packetOffset() {
        return packetOffset;
    }

    /** The current packet's size, header and padding included. */
    public int packetLength() {
        return packetLength;
    }

    /** The current packet's PT octet (192..223). */
    public int packetType() {
        return RtcpHeader.packetType(segment, packetOffset);
    }

    public RtcpPacketType type() {
        return RtcpPacketType.of(packetType());
    }

    /** RC / SC / subtype / FMT of the current packet. */
    public int count() {
        return RtcpHeader.count(segment, packetOffset);
    }

    /** The feedback message type (RFC 4585 §6.1) of an RTPFB/PSFB packet: the same bits as {@link #count}. */
    public int fmt() {
        return count();
    }

    public boolean padded() {
        return RtcpHeader.padding(segment, packetOffset);
    }

    /** Wraps {@code view} over the current packet and returns the view's own verdict on its body. */
    public PacketStatus read(RtcpPacketView view) {
        return view.wrap(segment, packetOffset, packetLength);
    }
}
