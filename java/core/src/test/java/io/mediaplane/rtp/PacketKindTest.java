package io.mediaplane.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class PacketKindTest {
    private static PacketKind kind(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return PacketKind.of(MemorySegment.ofArray(b), 0, b.length);
    }

    @Test
    void firstByteRangesOfRfc7983() {
        assertThat(kind(0x00, 0x01)).isEqualTo(PacketKind.STUN); // binding request
        assertThat(kind(0x01, 0x01)).isEqualTo(PacketKind.STUN); // binding success response
        assertThat(kind(3)).isEqualTo(PacketKind.STUN);
        assertThat(kind(16)).isEqualTo(PacketKind.ZRTP);
        assertThat(kind(22, 0xfe, 0xfd)).isEqualTo(PacketKind.DTLS); // handshake, DTLS 1.2
        assertThat(kind(23)).isEqualTo(PacketKind.DTLS); // application data
        assertThat(kind(63)).isEqualTo(PacketKind.DTLS);
        assertThat(kind(64)).isEqualTo(PacketKind.TURN_CHANNEL);
        assertThat(kind(79)).isEqualTo(PacketKind.TURN_CHANNEL);
        assertThat(kind(4)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(kind(80)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(kind(192)).isEqualTo(PacketKind.UNKNOWN);
        assertThat(kind()).isEqualTo(PacketKind.UNKNOWN);
    }

    @Test
    void rtpAndRtcpBySecondByteOfRfc5761() {
        assertThat(kind(0x80, 0x60)).isEqualTo(PacketKind.RTP); // PT 96
        assertThat(kind(0x80, 0xe0)).isEqualTo(PacketKind.RTP); // PT 96 with marker
        assertThat(kind(0x80, 0xc8)).isEqualTo(PacketKind.RTCP); // SR (200)
        assertThat(kind(0x81, 0xc9)).isEqualTo(PacketKind.RTCP); // RR (201)
        assertThat(kind(0x8f, 0xce)).isEqualTo(PacketKind.RTCP); // PSFB (206)
        assertThat(kind(0x80, 0xdf)).isEqualTo(PacketKind.RTCP); // 223, end of the range
        assertThat(kind(0x80, 0xbf)).isEqualTo(PacketKind.RTP); // 191: PT 63 with marker
        assertThat(kind(0x80)).isEqualTo(PacketKind.UNKNOWN);
    }
}
