package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Receiver Estimated Maximum Bitrate: PSFB FMT 15 (application layer feedback, RFC 4585 §6.4) carrying the
 * 'REMB' identifier (draft-alvestrand-rmcat-remb-03 §2.2). The media source SSRC is unused and 0.
 *
 * <pre>
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
 * |   SSRC feedback                                               |
 * |  ...                                                          |
 * </pre>
 *
 * The bitrate is {@code mantissa * 2^exp} bits per second; {@link #wrap} refuses one that overflows 63 bits.
 */
public final class RtcpRemb extends RtcpFeedback {
    /** 'R' 'E' 'M' 'B' in network order. */
    public static final int IDENTIFIER = 0x52454D42;
    public static final int FIXED_LENGTH = RtcpFeedback.FIXED_LENGTH + 8;
    public static final int MAX_MANTISSA = (1 << 18) - 1;

    @Override
    public PacketStatus wrap(MemorySegment seg, long off, int available) {
        PacketStatus s = wrapFeedback(seg, off, available, RtcpPacketType.PSFB, FMT_AFB,
                RtcpFeedback.FIXED_LENGTH + 4);
        if (!s.ok()) {
            return s;
        }
        if (Bytes.i32(seg, off + 12) != IDENTIFIER) {
            // another application's AFB message (§6.4)
            return fail(PacketStatus.WRONG_TYPE);
        }
        if (contentLength < FIXED_LENGTH) {
            return fail(PacketStatus.TOO_SHORT);
        }
        if (FIXED_LENGTH + 4 * ssrcCount() > contentLength) {
            return fail(PacketStatus.BAD_COUNT);
        }
        if (64 - Long.numberOfLeadingZeros(mantissa()) + exponent() > 63) {
            return fail(PacketStatus.BAD_FORMAT);
        }
        return PacketStatus.OK;
    }

    public int ssrcCount() {
        return Bytes.u8(segment, offset + 16);
    }

    /** The 6-bit BR Exp field. */
    public int exponent() {
        return Bytes.u8(segment, offset + 17) >>> 2;
    }

    /** The 18-bit BR Mantissa field. */
    public int mantissa() {
        return Bytes.u24(segment, offset + 17) & MAX_MANTISSA;
    }

    /** The estimated maximum bitrate for the listed SSRCs together, in bits per second. */
    public long bitrate() {
        return (long) mantissa() << exponent();
    }

    /** The media source {@code index} the estimate applies to. */
    public int ssrc(int index) {
        Objects.checkIndex(index, ssrcCount());
        return Bytes.i32(segment, offset + FIXED_LENGTH + 4L * index);
    }

    public static int length(int ssrcCount) {
        return FIXED_LENGTH + 4 * ssrcCount;
    }

    /**
     * Writes a REMB of {@code bitrate} bps for {@code ssrcs[0..count)}. The bitrate is rounded down to the
     * nearest value 18 bits of mantissa can hold. Returns the bytes written.
     */
    public static int write(MemorySegment s, long off, int senderSsrc, long bitrate, int[] ssrcs, int count) {
        if (bitrate < 0) {
            throw new IllegalArgumentException("bitrate is non-negative: " + bitrate);
        }
        Objects.checkFromIndexSize(0, count, ssrcs.length);
        if (count > 0xFF) {
            throw new IllegalArgumentException("a REMB lists at most 255 SSRCs (8-bit Num SSRC): " + count);
        }
        int exponent = Math.max(0, 64 - Long.numberOfLeadingZeros(bitrate) - 18);
        long mantissa = bitrate >>> exponent;
        int length = length(count);
        writeCommon(s, off, RtcpPacketType.PSFB, FMT_AFB, senderSsrc, 0, length);
        Bytes.put32(s, off + 12, IDENTIFIER);
        Bytes.put8(s, off + 16, count);
        Bytes.put24(s, off + 17, exponent << 18 | (int) mantissa);
        for (int i = 0; i < count; i++) {
            Bytes.put32(s, off + FIXED_LENGTH + 4L * i, ssrcs[i]);
        }
        return length;
    }
}
