package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * Stateless field access for the 4-byte header every RTCP packet starts with (RFC 3550 §6.4.1):
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| RC/SC/FMT |      PT       |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * {@code length} counts 32-bit words minus one, header and padding included, so a packet is always
 * {@code 4 * (length + 1)} bytes. The getters trust the caller for bounds ({@link RtcpCompound} validates).
 */
public final class RtcpHeader {
    public static final int LENGTH = 4;
    public static final int VERSION = 2;
    /** The 5-bit RC/SC/FMT field (RFC 3550 §6.4.1, RFC 4585 §6.1). */
    public static final int MAX_COUNT = 31;
    /** §6.4.1: 16 bits of words minus one. */
    public static final int MAX_PACKET_LENGTH = 4 * (0xFFFF + 1);

    private RtcpHeader() {}

    public static int version(MemorySegment s, long off) {
        return Bytes.u8(s, off) >>> 6;
    }

    public static boolean padding(MemorySegment s, long off) {
        return (Bytes.u8(s, off) & 0x20) != 0;
    }

    /** RC (SR, RR), SC (SDES, BYE), subtype (APP) or FMT (RTPFB, PSFB). */
    public static int count(MemorySegment s, long off) {
        return Bytes.u8(s, off) & 0x1F;
    }

    public static int packetType(MemorySegment s, long off) {
        return Bytes.u8(s, off + 1);
    }

    /** The raw length field: 32-bit words minus one. */
    public static int lengthWords(MemorySegment s, long off) {
        return Bytes.u16(s, off + 2);
    }

    /** The packet's size in bytes as the length field gives it, header and padding included. */
    public static int packetLength(MemorySegment s, long off) {
        return 4 * (Bytes.u16(s, off + 2) + 1);
    }

    /**
     * Writes a header for a packet of {@code packetLength} bytes (a multiple of 4, header included);
     * returns {@link #LENGTH}.
     */
    public static int write(MemorySegment s, long off, boolean padding, int count, int packetType,
            int packetLength) {
        if ((count & ~MAX_COUNT) != 0) {
            throw new IllegalArgumentException("RC/SC/FMT is 5 bits: " + count);
        }
        if ((packetType & ~0xFF) != 0) {
            throw new IllegalArgumentException("packet type is 8 bits: " + packetType);
        }
        if (packetLength < LENGTH || packetLength > MAX_PACKET_LENGTH || (packetLength & 3) != 0) {
            throw new IllegalArgumentException("RTCP packet length must be a multiple of 4 in [4, 262144]: "
                    + packetLength);
        }
        Bytes.put8(s, off, VERSION << 6 | (padding ? 0x20 : 0) | count);
        Bytes.put8(s, off + 1, packetType);
        Bytes.put16(s, off + 2, packetLength / 4 - 1);
        return LENGTH;
    }

    static void setCount(MemorySegment s, long off, int count) {
        Bytes.put8(s, off, (Bytes.u8(s, off) & ~MAX_COUNT) | count);
    }

    static void setPacketLength(MemorySegment s, long off, int packetLength) {
        if (packetLength > MAX_PACKET_LENGTH) {
            throw new IllegalArgumentException("RTCP packet longer than the 16-bit length field allows: "
                    + packetLength);
        }
        Bytes.put16(s, off + 2, packetLength / 4 - 1);
    }

    /**
     * Appends {@code padBytes} of padding to the packet at {@code off} and sets its P bit (§6.4.1): zeros,
     * then the count in the last octet. Only the last packet of a compound may be padded (§6.4.1, A.2), e.g.
     * for SRTCP block ciphers. Returns {@code padBytes}.
     */
    public static int appendPadding(MemorySegment s, long off, int padBytes) {
        // §6.4.1: the count includes itself and keeps the packet a whole number of 32-bit words
        if (padBytes < 4 || padBytes > 252 || (padBytes & 3) != 0) {
            throw new IllegalArgumentException("RTCP padding must be a multiple of 4 in [4, 252]: " + padBytes);
        }
        if (padding(s, off)) {
            throw new IllegalStateException("packet is already padded");
        }
        int length = packetLength(s, off);
        long end = off + length;
        checkRoom(s, end, padBytes);
        s.asSlice(end, padBytes - 1).fill((byte) 0);
        Bytes.put8(s, end + padBytes - 1, padBytes);
        Bytes.put8(s, off, Bytes.u8(s, off) | 0x20);
        setPacketLength(s, off, length + padBytes);
        return padBytes;
    }

    /** Whether {@code needed} bytes fit at {@code off}; the writers' common precondition. */
    static void checkRoom(MemorySegment s, long off, long needed) {
        if (off < 0 || needed > s.byteSize() - off) {
            throw new IndexOutOfBoundsException("RTCP packet of " + needed + " bytes does not fit at offset " + off
                    + " of a " + s.byteSize() + "-byte segment");
        }
    }
}
