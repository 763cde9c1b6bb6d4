package io.mediaplane.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What open refuses, on every backend: each refusal is a status and a counter, never an exception.
 * Uses the @discordjs/voice vectors as the genuine packets.
 */
class RejectionTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (DiscordVectors.Vector v : DiscordVectors.all()) {
            if (v.plaintext().length > 2000) {
                continue; // flipping every byte of 16 KiB adds nothing
            }
            for (AeadBackend b : AeadBackend.values()) {
                out.add(Arguments.of(v, b));
            }
        }
        return out.stream();
    }

    private static int open(DiscordTransportCipher c, DiscordVectors.Vector v, byte[] packet, int length) {
        MemorySegment s = MemorySegment.ofArray(packet);
        return v.rtcp() ? c.openRtcp(s, 0, length) : c.openRtp(s, 0, length);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void everyTamperedByteIsRefused(DiscordVectors.Vector v, AeadBackend backend) {
        try (DiscordTransportCipher c = DiscordVectorTest.cipher(v, backend)) {
            for (int i = 0; i < v.packet().length; i++) {
                byte[] p = v.packet().clone();
                p[i] ^= (byte) (1 << (i & 7));
                CipherStatus st = CipherStatus.ofResult(open(c, v, p, p.length));
                if (i == 0 && !v.rtcp()) {
                    // byte 0 carries CC/X: a flipped bit there may also change the clear header length
                    assertThat(st).isIn(CipherStatus.AUTH_FAILED, CipherStatus.BAD_HEADER, CipherStatus.TOO_SHORT);
                } else if (i == 0) {
                    assertThat(st).isIn(CipherStatus.AUTH_FAILED, CipherStatus.BAD_HEADER);
                } else {
                    assertThat(st).as("byte %d", i).isEqualTo(CipherStatus.AUTH_FAILED);
                }
            }
            assertThat(c.openCounters().get(CipherStatus.OK)).isZero();
            // the genuine packet still opens afterwards: forgeries did not move the replay window
            byte[] p = v.packet().clone();
            assertThat(open(c, v, p, p.length)).isEqualTo(v.plaintext().length);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void wrongKeyReplayAndTruncation(DiscordVectors.Vector v, AeadBackend backend) {
        byte[] otherKey = v.key().clone();
        otherKey[31] ^= 1;
        try (DiscordTransportCipher wrong = DiscordTransportCipher.builder(v.mode(), otherKey).backend(backend)
                .rtcpClearHeaderLength(v.kind().equals("rtcp4") ? 4 : 8).build()) {
            byte[] p = v.packet().clone();
            assertThat(CipherStatus.ofResult(open(wrong, v, p, p.length))).isEqualTo(CipherStatus.AUTH_FAILED);
            assertThat(wrong.openCounters().get(CipherStatus.AUTH_FAILED)).isEqualTo(1);
        }
        try (DiscordTransportCipher c = DiscordVectorTest.cipher(v, backend)) {
            byte[] p = v.packet().clone();
            assertThat(open(c, v, p, p.length)).isEqualTo(v.plaintext().length);
            byte[] again = v.packet().clone();
            assertThat(CipherStatus.ofResult(open(c, v, again, again.length))).isEqualTo(CipherStatus.REPLAYED);
            assertThat(c.openCounters().get(CipherStatus.REPLAYED)).isEqualTo(1);

            // truncated: one byte short is a wrong tag or counter; shorter than header + 20 is TOO_SHORT
            byte[] t = v.packet().clone();
            int minimum = v.clearHeaderLength() + 20;
            assertThat(CipherStatus.ofResult(open(c, v, t, t.length - 1)))
                    .isIn(CipherStatus.AUTH_FAILED, CipherStatus.TOO_SHORT, CipherStatus.REPLAYED);
            for (int len : new int[] {0, 1, 4, 11, minimum - 1}) {
                if (len < 0 || len > t.length) {
                    continue;
                }
                assertThat(CipherStatus.ofResult(open(c, v, Arrays.copyOf(t, t.length), len)))
                        .as("length %d", len).isIn(CipherStatus.TOO_SHORT, CipherStatus.BAD_HEADER);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void sealRefusesWithoutRoomOrHeader(DiscordVectors.Vector v, AeadBackend backend) {
        try (DiscordTransportCipher c = DiscordVectorTest.cipher(v, backend)) {
            byte[] buf = Arrays.copyOf(v.plaintext(), v.plaintext().length + 19);
            MemorySegment s = MemorySegment.ofArray(buf);
            int len = v.plaintext().length;
            int r = v.rtcp() ? c.sealRtcp(s, 0, len, buf.length) : c.sealRtp(s, 0, len, buf.length);
            assertThat(CipherStatus.ofResult(r)).isEqualTo(CipherStatus.NO_ROOM);
            assertThat(c.nextCounter()).isEqualTo(v.counter()); // a refused seal uses no counter
            buf[0] = 0x40; // version 1
            r = v.rtcp() ? c.sealRtcp(s, 0, len, buf.length + 1) : c.sealRtp(s, 0, len, buf.length);
            assertThat(CipherStatus.ofResult(r)).isEqualTo(CipherStatus.BAD_HEADER);
            assertThat(c.sealCounters().refused()).isEqualTo(2);
        }
    }

    @org.junit.jupiter.api.Test
    void rtpHeaderLengthRunningPastThePacketIsBadHeader() {
        byte[] p = Bytes.fromHex("8f78000100000001000000020000000300000004");
        assertThat(CipherStatus.ofResult(DiscordTransportCipher.rtpClearHeaderLength(MemorySegment.ofArray(p), 0,
                p.length))).isEqualTo(CipherStatus.BAD_HEADER);
    }

    @org.junit.jupiter.api.Test
    void misuseThrows() {
        byte[] key = new byte[32];
        assertThatThrownBy(() -> DiscordTransportCipher.create(DiscordAeadMode.AES256_GCM_RTPSIZE, new byte[16]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DiscordTransportCipher.builder(DiscordAeadMode.AES256_GCM_RTPSIZE, key)
                .initialCounter(1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DiscordTransportCipher.builder(DiscordAeadMode.AES256_GCM_RTPSIZE, key)
                .rtcpClearHeaderLength(12)).isInstanceOf(IllegalArgumentException.class);
        DiscordTransportCipher c = DiscordTransportCipher.create(DiscordAeadMode.AES256_GCM_RTPSIZE, key);
        c.close();
        c.close();
        assertThatThrownBy(() -> c.openRtp(MemorySegment.ofArray(new byte[40]), 0, 40))
                .isInstanceOf(IllegalStateException.class);
    }

    @org.junit.jupiter.api.Test
    void counterWrapsAt2To32() {
        byte[] key = new byte[32];
        try (DiscordTransportCipher c = DiscordTransportCipher.builder(DiscordAeadMode.XCHACHA20_POLY1305_RTPSIZE, key)
                .initialCounter(0xFFFF_FFFFL).build()) {
            byte[] buf = new byte[64];
            buf[0] = (byte) 0x80;
            MemorySegment s = MemorySegment.ofArray(buf);
            assertThat(c.sealRtp(s, 0, 12, 64)).isEqualTo(32);
            assertThat(Bytes.u32(s, 28)).isEqualTo(0xFFFF_FFFFL);
            assertThat(c.nextCounter()).isZero();
            buf = new byte[64];
            buf[0] = (byte) 0x80;
            s = MemorySegment.ofArray(buf);
            assertThat(c.sealRtp(s, 0, 12, 64)).isEqualTo(32);
            assertThat(Bytes.u32(s, 28)).isZero();
        }
    }
}
