package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketBuffer;
import java.lang.foreign.MemorySegment;

/**
 * A reusable, validating view of one RTP packet (RFC 3550 §5.1) over {@code (segment, offset, length)}.
 *
 * <p>{@link #wrap} checks the whole header once (version, CSRC list, extension block and every RFC 8285
 * element in it, padding) and caches what the hot path reads: payload type, sequence number, timestamp, SSRC,
 * marker, and where the payload lies. It allocates nothing; one view per thread is reused for every packet.
 * After a successful wrap every accessor stays in bounds. Setters write through to the bytes and the cache.
 */
public final class RtpPacket {
    private MemorySegment segment;
    private long offset;
    private int length;
    private int payloadType;
    private int sequenceNumber;
    private int timestamp;
    private int ssrc;
    private boolean marker;
    private int csrcCount;
    private int headerLength;
    private int extensionProfile = -1;
    private int extensionBodyLength;
    private int paddingLength;

    /**
     * Points this view at a packet and validates it. On anything but {@link PacketStatus#OK} the view holds no
     * packet and its accessors must not be used.
     */
    public PacketStatus wrap(MemorySegment seg, long off, int len) {
        segment = null;
        if (len < RtpHeader.FIXED_LENGTH || off < 0 || off + len > seg.byteSize()) {
            return PacketStatus.TOO_SHORT;
        }
        int b0 = Bytes.u8(seg, off);
        if (b0 >>> 6 != RtpHeader.VERSION) {
            return PacketStatus.BAD_VERSION;
        }
        int cc = b0 & 0x0F;
        int header = RtpHeader.FIXED_LENGTH + 4 * cc;
        if (header > len) {
            return PacketStatus.BAD_CSRC_COUNT;
        }
        int profile = -1;
        int extBody = 0;
        if ((b0 & 0x10) != 0) {
            if (header + RtpHeader.EXTENSION_PREAMBLE_LENGTH > len) {
                return PacketStatus.BAD_EXTENSION;
            }
            profile = Bytes.u16(seg, off + header);
            extBody = 4 * Bytes.u16(seg, off + header + 2);
            header += RtpHeader.EXTENSION_PREAMBLE_LENGTH;
            if (header + extBody > len) {
                return PacketStatus.BAD_EXTENSION;
            }
            if (!RtpExtensions.wellFormed(seg, off + header, extBody, profile)) {
                return PacketStatus.BAD_EXTENSION;
            }
            header += extBody;
        }
        int padding = 0;
        if ((b0 & 0x20) != 0) {
            padding = Bytes.u8(seg, off + len - 1);
            // §5.1: the last octet counts the padding octets, itself included, so it is at least 1
            if (padding == 0 || header + padding > len) {
                return PacketStatus.BAD_PADDING;
            }
        }
        int b1 = Bytes.u8(seg, off + 1);
        this.segment = seg;
        this.offset = off;
        this.length = len;
        this.marker = (b1 & 0x80) != 0;
        this.payloadType = b1 & 0x7F;
        this.sequenceNumber = Bytes.u16(seg, off + 2);
        this.timestamp = Bytes.i32(seg, off + 4);
        this.ssrc = Bytes.i32(seg, off + 8);
        this.csrcCount = cc;
        this.headerLength = header;
        this.extensionProfile = profile;
        this.extensionBodyLength = extBody;
        this.paddingLength = padding;
        return PacketStatus.OK;
    }

    public PacketStatus wrap(PacketBuffer buffer) {
        return wrap(buffer.segment(), buffer.offset(), buffer.length());
    }

    public boolean isWrapped() {
        return segment != null;
    }

    public MemorySegment segment() {
        return segment;
    }

    public long offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    public int payloadType() {
        return payloadType;
    }

    public int sequenceNumber() {
        return sequenceNumber;
    }

    public int timestamp() {
        return timestamp;
    }

    public int ssrc() {
        return ssrc;
    }

    public boolean marker() {
        return marker;
    }

    public boolean hasPadding() {
        return paddingLength > 0;
    }

    public int paddingLength() {
        return paddingLength;
    }

    public int csrcCount() {
        return csrcCount;
    }

    public int csrc(int index) {
        if (index < 0 || index >= csrcCount) {
            throw new IndexOutOfBoundsException("CSRC " + index + " of " + csrcCount);
        }
        return RtpHeader.csrc(segment, offset, index);
    }

    /** Fixed header + CSRCs + extension preamble and body: where the payload starts, relative to {@link #offset()}. */
    public int headerLength() {
        return headerLength;
    }

    public int payloadOffsetInPacket() {
        return headerLength;
    }

    /** Absolute offset of the payload in {@link #segment()}. */
    public long payloadOffset() {
        return offset + headerLength;
    }

    /** Payload bytes, excluding padding. */
    public int payloadLength() {
        return length - headerLength - paddingLength;
    }

    public boolean hasExtension() {
        return extensionProfile >= 0;
    }

    /** The 16-bit "defined by profile" value: 0xBEDE for one-byte, 0x100x for two-byte elements (RFC 8285). */
    public int extensionProfile() {
        return extensionProfile;
    }

    /** Absolute offset of the extension preamble, or -1. */
    public long extensionPreambleOffset() {
        return extensionProfile < 0 ? -1 : offset + RtpHeader.FIXED_LENGTH + 4L * csrcCount;
    }

    /** Length of the extension body (after the 4-byte preamble), a multiple of 4. */
    public int extensionBodyLength() {
        return extensionBodyLength;
    }

    /**
     * Finds header extension element {@code id}. Returns a reference decoded by {@link RtpExtensions#offset} and
     * {@link RtpExtensions#length}, or {@link RtpExtensions#NOT_FOUND}.
     */
    public long findExtension(int id) {
        if (extensionProfile < 0) {
            return RtpExtensions.NOT_FOUND;
        }
        return RtpExtensions.find(segment, extensionPreambleOffset() + RtpHeader.EXTENSION_PREAMBLE_LENGTH,
                extensionBodyLength, extensionProfile, id);
    }

    /** Visits every extension element in order. */
    public void forEachExtension(RtpExtensions.Visitor visitor) {
        if (extensionProfile >= 0) {
            RtpExtensions.forEach(segment, extensionPreambleOffset() + RtpHeader.EXTENSION_PREAMBLE_LENGTH,
                    extensionBodyLength, extensionProfile, visitor);
        }
    }

    /**
     * Removes the padding (RFC 3550 §5.1): clears the P bit and shortens the packet. Returns how many bytes
     * were removed; the owner shortens its buffer by that much ({@link PacketBuffer#trimBack}).
     */
    public int stripPadding() {
        int removed = paddingLength;
        if (removed > 0) {
            RtpHeader.setPadding(segment, offset, false);
            length -= removed;
            paddingLength = 0;
        }
        return removed;
    }

    public void setPayloadType(int pt) {
        RtpHeader.setPayloadType(segment, offset, pt);
        payloadType = pt;
    }

    public void setSequenceNumber(int seq) {
        RtpHeader.setSequenceNumber(segment, offset, seq);
        sequenceNumber = seq & 0xFFFF;
    }

    public void setTimestamp(int ts) {
        RtpHeader.setTimestamp(segment, offset, ts);
        timestamp = ts;
    }

    public void setSsrc(int newSsrc) {
        RtpHeader.setSsrc(segment, offset, newSsrc);
        ssrc = newSsrc;
    }

    public void setMarker(boolean m) {
        RtpHeader.setMarker(segment, offset, m);
        marker = m;
    }

    @Override
    public String toString() {
        if (segment == null) {
            return "RtpPacket[unwrapped]";
        }
        return "RtpPacket[pt=" + payloadType + " seq=" + sequenceNumber + " ts=" + Integer.toUnsignedString(timestamp)
                + " ssrc=" + Integer.toHexString(ssrc) + (marker ? " M" : "") + " hdr=" + headerLength
                + " payload=" + payloadLength() + (paddingLength > 0 ? " pad=" + paddingLength : "") + "]";
    }
}
