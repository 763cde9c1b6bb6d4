package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * What a datagram arriving on a shared port is, from its first byte (RFC 7983 §7, as updated by RFC 9443 §3),
 * and RTP versus RTCP from the second (RFC 5761 §4).
 */
public enum PacketKind {
    /** 0..3: STUN (ICE connectivity checks, consent). */
    STUN,
    /** 16..19: ZRTP. */
    ZRTP,
    /** 20..63: DTLS records. */
    DTLS,
    /** 64..79: TURN ChannelData. */
    TURN_CHANNEL,
    /** 128..191, second byte not 192..223: RTP. */
    RTP,
    /** 128..191, second byte 192..223 (payload types 64..95 with M set are reserved for this): RTCP. */
    RTCP,
    /** Anything else, including an empty datagram: dropped and counted. */
    UNKNOWN;

    private static final PacketKind[] BY_FIRST_BYTE = new PacketKind[256];

    static {
        for (int b = 0; b < 256; b++) {
            BY_FIRST_BYTE[b] = b <= 3 ? STUN
                    : b >= 16 && b <= 19 ? ZRTP
                    : b >= 20 && b <= 63 ? DTLS
                    : b >= 64 && b <= 79 ? TURN_CHANNEL
                    : b >= 128 && b <= 191 ? RTP
                    : UNKNOWN;
        }
    }

    /** Classifies the datagram at {@code (s, off, len)}. */
    public static PacketKind of(MemorySegment s, long off, int len) {
        if (len <= 0) {
            return UNKNOWN;
        }
        PacketKind k = BY_FIRST_BYTE[Bytes.u8(s, off)];
        if (k == RTP) {
            if (len < 2) {
                return UNKNOWN;
            }
            int pt = Bytes.u8(s, off + 1);
            return pt >= 192 && pt <= 223 ? RTCP : RTP;
        }
        return k;
    }
}
