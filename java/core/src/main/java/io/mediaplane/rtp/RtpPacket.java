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
    /** Per-wrap index of extension elements by id (one-byte ids are 1..14, two-byte 1..255). */
    private final long[] extensionRefs = new long[256];
    private final int[] extensionGeneration = new int[256];
    private int generation;
    private final RtpExtensions.Visitor indexer = this::index;

    /**
     * Points this view at a packet and validates it. On anything but {@link PacketStatus#OK} the view holds no
     * packet and its accessors must not be used.
     */
    public PacketStatus wrap(MemorySegment seg, long off, int len) {
        segment = null;
        if (len < RtpHeader.FIXED_LENGTH || off < 0 || off + len > seg.byteSize()) {
            return PacketStatus.TOO_SHORT;
        }
        // two reads cover the fixed header: V P X CC | M PT | seq | timestamp, then SSRC (§5.1)
        long word = Bytes.i64(seg, off);
        int b0 = (int) (word >>> 56) & 0xFF;
        if (b0 >>> 6 != RtpHeader.VERSION) {
            return PacketStatus.BAD_VERSION;
        }
        int header = RtpHeader.FIXED_LENGTH + 4 * (b0 & 0x0F);
        if (header > len) {
            return PacketStatus.BAD_CSRC_COUNT;
        }
        if (++generation == 0) { // after 2^32 packets: forget every index entry rather than alias an old one
            java.util.Arrays.fill(extensionGeneration, 0);
            generation = 1;
        }
        extensionProfile = -1;
        extensionBodyLength = 0;
        if ((b0 & 0x10) != 0) {
            header = parseExtension(seg, off, header, len);
            if (header < 0) {
                return PacketStatus.BAD_EXTENSION;
            }
        }
        int padding = 0;
        if ((b0 & 0x20) != 0) {
            padding = Bytes.u8(seg, off + len - 1);
            // §5.1: the last octet counts the padding octets, itself included, so it is at least 1
            if (padding == 0 || header + padding > len) {
                return PacketStatus.BAD_PADDING;
            }
        }
        int b1 = (int) (word >>> 48) & 0xFF;
        this.segment = seg;
        this.offset = off;
        this.length = len;
        this.marker = (b1 & 0x80) != 0;
        this.payloadType = b1 & 0x7F;
        this.sequenceNumber = (int) (word >>> 32) & 0xFFFF;
        this.timestamp = (int) word;
        this.ssrc = Bytes.i32(seg, off + 8);
        this.csrcCount = b0 & 0x0F;
        this.headerLength = header;
        this.paddingLength = padding;
        return PacketStatus.OK;
    }

    /**
     * Reads the extension preamble at {@code off + header} (§5.3.1), validates every element and indexes them;
     * returns the header length including the extension, or -1 if anything runs past the packet. One-byte
     * elements (RFC 8285 §4.2, what browsers send) are walked inline here, as it is the per-packet hot path.
     */
    private int parseExtension(MemorySegment seg, long off, int header, int len) {
        if (header + RtpHeader.EXTENSION_PREAMBLE_LENGTH > len) {
            return -1;
        }
        int preamble = Bytes.i32(seg, off + header);
        int body = header + RtpHeader.EXTENSION_PREAMBLE_LENGTH;
        int bodyLength = 4 * (preamble & 0xFFFF);
        int end = body + bodyLength;
        if (end > len) {
            return -1;
        }
        int profile = preamble >>> 16;
        extensionProfile = profile;
        extensionBodyLength = bodyLength;
        if (profile != RtpExtensions.ONE_BYTE_PROFILE) {
            return RtpExtensions.walk(seg, off + body, bodyLength, profile, indexer) ? end : -1;
        }
        int i = body;
        while (i < end) {
            int b = Bytes.u8(seg, off + i);
            if (b == 0) { // padding (§4.1)
                i++;
                continue;
            }
            if (b >= 0xF0) { // id 15: reserved, processing stops (§4.2)
                break;
            }
            int next = i + 2 + (b & 0x0F);
            if (next > end) {
                return -1;
            }
            int id = b >>> 4;
            extensionRefs[id] = RtpExtensions.ref(off + i + 1, (b & 0x0F) + 1);
            extensionGeneration[id] = generation;
            i = next;
        }
        return end;
    }

    /** Index entry for element {@code id}: valid while its generation equals this wrap's (nothing is cleared). */
    private void index(int id, long dataOffset, int dataLength) {
        extensionRefs[id] = RtpExtensions.ref(dataOffset, dataLength);
        extensionGeneration[id] = generation;
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
     * Finds header extension element {@code id} (1..255; anything else is a programming error and throws).
     * Returns a reference decoded by {@link RtpExtensions#offset} and
     * {@link RtpExtensions#length}, or {@link RtpExtensions#NOT_FOUND}.
     */
    public long findExtension(int id) {
        return extensionGeneration[id] == generation ? extensionRefs[id] : RtpExtensions.NOT_FOUND;
    }

    /** Visits every extension element in order. */
    public void forEachExtension(RtpExtensions.Visitor visitor) {
        if (extensionProfile >= 0) {
            RtpExtensions.walk(segment, extensionPreambleOffset() + RtpHeader.EXTENSION_PREAMBLE_LENGTH,
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
