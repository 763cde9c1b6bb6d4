package io.mediaplane.rtp;

import java.lang.foreign.MemorySegment;

/** Picture Loss Indication, PSFB FMT 1 (RFC 4585 §6.3.1): no FCI; asks the media sender for a keyframe. */
public final class RtcpPli extends RtcpFeedback {
    public static final int LENGTH = FIXED_LENGTH;

    @Override
    public PacketStatus wrap(MemorySegment seg, long off, int available) {
        return wrapFeedback(seg, off, available, RtcpPacketType.PSFB, FMT_PLI, FIXED_LENGTH);
    }

    /** Writes a PLI about {@code mediaSsrc}; returns 12. */
    public static int write(MemorySegment s, long off, int senderSsrc, int mediaSsrc) {
        writeCommon(s, off, RtcpPacketType.PSFB, FMT_PLI, senderSsrc, mediaSsrc, LENGTH);
        return LENGTH;
    }
}
