package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Application-defined, PT 204 (RFC 3550 §6.7): a subtype in the count field, a four-character ASCII name and
 * application data (a multiple of 32 bits).
 *
 * <pre>
 * |V=2|P| subtype |   PT=APP=204  |             length            |
 * |                           SSRC/CSRC                           |
 * |                          name (ASCII)                         |
 * |                   application-dependent data                ...
 * </pre>
 */
public final class RtcpApp extends RtcpPacketView {
    public static final int FIXED_LENGTH = 12;

    @Override
    public PacketStatus wrap(MemorySegment seg, long off, int available) {
        return wrapHeader(seg, off, available, RtcpPacketType.APP.code(), -1, FIXED_LENGTH);
    }

    public int subtype() {
        return count();
    }

    public int ssrc() {
        return Bytes.i32(segment, offset + 4);
    }

    /** The four name octets as a big-endian int; compare with {@link #name(String)}. */
    public int name() {
        return Bytes.i32(segment, offset + 8);
    }

    /** The name as text (ISO-8859-1, so any four octets map to four chars); allocates. */
    public String nameText() {
        byte[] b = {(byte) (name() >>> 24), (byte) (name() >>> 16), (byte) (name() >>> 8), (byte) name()};
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    public long dataOffset() {
        return offset + FIXED_LENGTH;
    }

    public int dataLength() {
        return contentLength - FIXED_LENGTH;
    }

    /** A four-character ASCII name (§6.7) as the int {@link #name()} returns. */
    public static int name(String name) {
        if (name.length() != 4 || !StandardCharsets.US_ASCII.newEncoder().canEncode(name)) {
            throw new IllegalArgumentException("an APP name is four ASCII characters: " + name);
        }
        return name.charAt(0) << 24 | name.charAt(1) << 16 | name.charAt(2) << 8 | name.charAt(3);
    }

    /**
     * Writes an APP packet; {@code dataLength} must be a multiple of 4 (§6.7). Returns the bytes written.
     */
    public static int write(MemorySegment s, long off, int subtype, int ssrc, int name, MemorySegment data,
            long dataOffset, int dataLength) {
        if ((dataLength & 3) != 0 || dataLength < 0) {
            throw new IllegalArgumentException("APP data is a multiple of 32 bits (§6.7): " + dataLength);
        }
        int length = FIXED_LENGTH + dataLength;
        RtcpHeader.checkRoom(s, off, length);
        RtcpHeader.write(s, off, false, subtype, RtcpPacketType.APP.code(), length);
        Bytes.put32(s, off + 4, ssrc);
        Bytes.put32(s, off + 8, name);
        MemorySegment.copy(data, dataOffset, s, off + FIXED_LENGTH, dataLength);
        return length;
    }
}
