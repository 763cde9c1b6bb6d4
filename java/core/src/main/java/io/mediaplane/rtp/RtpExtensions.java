package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * RTP header extension elements (RFC 8285): one-byte form (profile 0xBEDE, §4.2) and two-byte form
 * (profile 0x100 plus 4 application bits, §4.3). Other profiles are opaque: kept, never parsed.
 *
 * <p>An element is referred to by a packed {@code long} (absolute data offset and length) so lookups allocate
 * nothing; decode it with {@link #offset(long)} and {@link #length(long)}.
 */
public final class RtpExtensions {
    public static final int ONE_BYTE_PROFILE = 0xBEDE;
    public static final int TWO_BYTE_PROFILE = 0x1000;
    public static final long NOT_FOUND = -1;

    /** Receives each element: its id, the absolute offset of its data, and the data length. */
    @FunctionalInterface
    public interface Visitor {
        void element(int id, long dataOffset, int dataLength);
    }

    private RtpExtensions() {}

    public static boolean isOneByte(int profile) {
        return profile == ONE_BYTE_PROFILE;
    }

    /** §4.3: 0x100 in the top 12 bits; the low 4 "appbits" are application data. */
    public static boolean isTwoByte(int profile) {
        return (profile & 0xFFF0) == TWO_BYTE_PROFILE;
    }

    public static long offset(long ref) {
        return ref >>> 16;
    }

    public static int length(long ref) {
        return (int) (ref & 0xFFFF);
    }

    static long ref(long dataOffset, int dataLength) {
        return dataOffset << 16 | dataLength;
    }

    /**
     * One pass over the elements of an extension body, in order. Returns false when an element runs past the
     * body (the packet is malformed); elements before it have been visited. Opaque profiles visit nothing.
     */
    static boolean walk(MemorySegment s, long body, int bodyLength, int profile, Visitor visitor) {
        boolean oneByte = isOneByte(profile);
        if (!oneByte && !isTwoByte(profile)) {
            return true;
        }
        int i = 0;
        while (i < bodyLength) {
            int b = Bytes.u8(s, body + i);
            if (b == 0) { // padding byte between or after elements (§4.1)
                i++;
                continue;
            }
            int id;
            int len;
            int dataAt;
            if (oneByte) {
                id = b >>> 4;
                if (id == 15) { // §4.2: reserved; stop processing the extension here
                    return true;
                }
                len = (b & 0x0F) + 1;
                dataAt = i + 1;
            } else {
                if (i + 2 > bodyLength) {
                    return false;
                }
                id = b;
                len = Bytes.u8(s, body + i + 1);
                dataAt = i + 2;
            }
            if (dataAt + len > bodyLength) {
                return false;
            }
            visitor.element(id, body + dataAt, len);
            i = dataAt + len;
        }
        return true;
    }
}
