package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Full Intra Request, PSFB FMT 4 (RFC 5104 §4.3.1): one FCI entry per media sender asked for a decoder refresh.
 * The common "SSRC of media source" is unused and 0 (§4.3.1.2).
 *
 * <pre>
 * |                              SSRC                             |
 * | Seq nr.       |    Reserved                                   |
 * </pre>
 */
public final class RtcpFir extends RtcpFeedback {
    public static final int ENTRY_LENGTH = 8;

    @Override
    public PacketStatus wrap(MemorySegment seg, long off, int available) {
        PacketStatus s = wrapFeedback(seg, off, available, RtcpPacketType.PSFB, FMT_FIR, FIXED_LENGTH);
        if (!s.ok()) {
            return s;
        }
        int fci = contentLength - FIXED_LENGTH;
        if (fci == 0) {
            return fail(PacketStatus.BAD_COUNT);
        }
        if (fci % ENTRY_LENGTH != 0) {
            return fail(PacketStatus.BAD_FORMAT);
        }
        return PacketStatus.OK;
    }

    public int entryCount() {
        return (contentLength - FIXED_LENGTH) / ENTRY_LENGTH;
    }

    /** The media sender entry {@code index} addresses. */
    public int entrySsrc(int index) {
        Objects.checkIndex(index, entryCount());
        return Bytes.i32(segment, offset + FIXED_LENGTH + (long) ENTRY_LENGTH * index);
    }

    /** The command sequence number (§4.3.1.1): a repeat of the same request keeps it, a new one increments it. */
    public int entrySequence(int index) {
        Objects.checkIndex(index, entryCount());
        return Bytes.u8(segment, offset + FIXED_LENGTH + (long) ENTRY_LENGTH * index + 4);
    }

    /** Writes a FIR with one entry; returns 20. Add entries with {@link #appendEntry}. */
    public static int write(MemorySegment s, long off, int senderSsrc, int ssrc, int sequence) {
        int length = FIXED_LENGTH + ENTRY_LENGTH;
        writeCommon(s, off, RtcpPacketType.PSFB, FMT_FIR, senderSsrc, 0, length);
        putEntry(s, off + FIXED_LENGTH, ssrc, sequence);
        return length;
    }

    /** Appends an entry to the (unpadded) FIR at {@code packetOffset}; returns 8. */
    public static int appendEntry(MemorySegment s, long packetOffset, int ssrc, int sequence) {
        if (RtcpHeader.packetType(s, packetOffset) != RtcpPacketType.PSFB.code()
                || RtcpHeader.count(s, packetOffset) != FMT_FIR || RtcpHeader.padding(s, packetOffset)) {
            throw new IllegalArgumentException("not an unpadded FIR packet");
        }
        int length = RtcpHeader.packetLength(s, packetOffset);
        RtcpHeader.checkRoom(s, packetOffset + length, ENTRY_LENGTH);
        putEntry(s, packetOffset + length, ssrc, sequence);
        RtcpHeader.setPacketLength(s, packetOffset, length + ENTRY_LENGTH);
        return ENTRY_LENGTH;
    }

    private static void putEntry(MemorySegment s, long pos, int ssrc, int sequence) {
        if ((sequence & ~0xFF) != 0) {
            throw new IllegalArgumentException("FIR sequence number is 8 bits: " + sequence);
        }
        Bytes.put32(s, pos, ssrc);
        Bytes.put32(s, pos + 4, (long) sequence << 24);
    }
}
