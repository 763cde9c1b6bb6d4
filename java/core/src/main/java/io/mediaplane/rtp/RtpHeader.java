package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * Stateless field access for the RTP fixed header (RFC 3550 §5.1) at any offset of a segment.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The getters do no bounds reasoning beyond the segment's own checks; {@link RtpPacket#wrap} validates
 * a packet once, after which these are safe.
 */
public final class RtpHeader {
    public static final int FIXED_LENGTH = 12;
    /** The extension preamble: 16-bit profile-defined value + 16-bit length in words (§5.3.1). */
    public static final int EXTENSION_PREAMBLE_LENGTH = 4;
    public static final int VERSION = 2;

    private RtpHeader() {}

    public static int version(MemorySegment s, long off) {
        return Bytes.u8(s, off) >>> 6;
    }

    public static boolean padding(MemorySegment s, long off) {
        return (Bytes.u8(s, off) & 0x20) != 0;
    }

    public static boolean extension(MemorySegment s, long off) {
        return (Bytes.u8(s, off) & 0x10) != 0;
    }

    public static int csrcCount(MemorySegment s, long off) {
        return Bytes.u8(s, off) & 0x0F;
    }

    public static boolean marker(MemorySegment s, long off) {
        return (Bytes.u8(s, off + 1) & 0x80) != 0;
    }

    public static int payloadType(MemorySegment s, long off) {
        return Bytes.u8(s, off + 1) & 0x7F;
    }

    public static int sequenceNumber(MemorySegment s, long off) {
        return Bytes.u16(s, off + 2);
    }

    /** The 32-bit timestamp as a signed int; compare with {@link Sequences#timestampDiff}. */
    public static int timestamp(MemorySegment s, long off) {
        return Bytes.i32(s, off + 4);
    }

    public static int ssrc(MemorySegment s, long off) {
        return Bytes.i32(s, off + 8);
    }

    public static int csrc(MemorySegment s, long off, int index) {
        return Bytes.i32(s, off + FIXED_LENGTH + 4L * index);
    }

    public static void setPadding(MemorySegment s, long off, boolean p) {
        Bytes.put8(s, off, p ? Bytes.u8(s, off) | 0x20 : Bytes.u8(s, off) & ~0x20);
    }

    public static void setExtension(MemorySegment s, long off, boolean x) {
        Bytes.put8(s, off, x ? Bytes.u8(s, off) | 0x10 : Bytes.u8(s, off) & ~0x10);
    }

    public static void setMarker(MemorySegment s, long off, boolean m) {
        int b = Bytes.u8(s, off + 1);
        Bytes.put8(s, off + 1, m ? b | 0x80 : b & 0x7F);
    }

    public static void setPayloadType(MemorySegment s, long off, int pt) {
        if ((pt & ~0x7F) != 0) {
            throw new IllegalArgumentException("payload type is 7 bits: " + pt);
        }
        Bytes.put8(s, off + 1, (Bytes.u8(s, off + 1) & 0x80) | pt);
    }

    public static void setSequenceNumber(MemorySegment s, long off, int seq) {
        Bytes.put16(s, off + 2, seq);
    }

    public static void setTimestamp(MemorySegment s, long off, int ts) {
        Bytes.put32(s, off + 4, ts);
    }

    public static void setSsrc(MemorySegment s, long off, int ssrc) {
        Bytes.put32(s, off + 8, ssrc);
    }

    public static void setCsrc(MemorySegment s, long off, int index, int csrc) {
        Bytes.put32(s, off + FIXED_LENGTH + 4L * index, csrc);
    }

    /**
     * Writes a fixed header (V=2, no padding, no extension) plus {@code csrcs}; returns the bytes written.
     * Extensions are added afterwards with {@link RtpExtensionWriter}.
     */
    public static int write(MemorySegment s, long off, boolean marker, int payloadType, int seq, int timestamp,
            int ssrc, int... csrcs) {
        if (csrcs.length > 15) {
            throw new IllegalArgumentException("at most 15 CSRCs (4-bit CC): " + csrcs.length);
        }
        if ((payloadType & ~0x7F) != 0) {
            throw new IllegalArgumentException("payload type is 7 bits: " + payloadType);
        }
        Bytes.put8(s, off, VERSION << 6 | csrcs.length);
        Bytes.put8(s, off + 1, (marker ? 0x80 : 0) | payloadType);
        Bytes.put16(s, off + 2, seq);
        Bytes.put32(s, off + 4, timestamp);
        Bytes.put32(s, off + 8, ssrc);
        for (int i = 0; i < csrcs.length; i++) {
            Bytes.put32(s, off + FIXED_LENGTH + 4L * i, csrcs[i]);
        }
        return FIXED_LENGTH + 4 * csrcs.length;
    }
}
