package io.mediaplane.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every backend, on heap and native memory, seals each @discordjs/voice vector's plaintext to the library's exact
 * packet and opens the packet back to the plaintext.
 */
class DiscordVectorTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (DiscordVectors.Vector v : DiscordVectors.all()) {
            for (AeadBackend b : AeadBackend.values()) {
                for (boolean heap : new boolean[] {true, false}) {
                    out.add(Arguments.of(v, b, heap ? "heap" : "native"));
                }
            }
        }
        return out.stream();
    }

    @Test
    void theFileHasEveryCase() {
        List<DiscordVectors.Vector> all = DiscordVectors.all();
        assertThat(all).hasSize(26);
        assertThat(all).extracting(DiscordVectors.Vector::kind).contains("rtp", "rtcp8", "rtcp4");
        assertThat(all).extracting(DiscordVectors.Vector::counter).contains(0L, 0xFFFF_FFFFL);
        // the LAB reference packet: createAudioPacket with key 00..1f and the first counter 1
        assertThat(all.getFirst().packet()).isEqualTo(Bytes.fromHex(
                "8078123401020304deadbeefbcc933683a614981c4c1cfd431802f1be778c700000001"));
    }

    @Test
    void everyBackendRunsHere() {
        for (AeadBackend b : AeadBackend.values()) {
            for (DiscordAeadMode m : DiscordAeadMode.values()) {
                assertThat(b.unavailableReason(m)).as(b + " " + m).isEmpty();
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void sealsToTheLibrarysPacketAndOpensIt(DiscordVectors.Vector v, AeadBackend backend, String memory) {
        try (Arena arena = Arena.ofConfined();
                DiscordTransportCipher cipher = cipher(v, backend)) {
            int room = v.plaintext().length + 64;
            MemorySegment s = memory.equals("heap") ? MemorySegment.ofArray(new byte[room + 16])
                    : arena.allocate(room + 16);
            long off = 7; // unaligned on purpose
            MemorySegment.copy(v.plaintext(), 0, s, ValueLayout.JAVA_BYTE, off, v.plaintext().length);
            int sealed = v.rtcp() ? cipher.sealRtcp(s, off, v.plaintext().length, room)
                    : cipher.sealRtp(s, off, v.plaintext().length, room);
            assertThat(sealed).isEqualTo(v.packet().length);
            assertThat(Bytes.toHex(s, off, sealed)).isEqualTo(Bytes.toHex(v.packet()));
            assertThat(cipher.nextCounter()).isEqualTo((v.counter() + 1) & 0xFFFF_FFFFL);

            int opened = v.rtcp() ? cipher.openRtcp(s, off, sealed) : cipher.openRtp(s, off, sealed);
            assertThat(opened).isEqualTo(v.plaintext().length);
            assertThat(Bytes.toHex(s, off, opened)).isEqualTo(Bytes.toHex(v.plaintext()));
            assertThat(cipher.sealCounters().get(CipherStatus.OK)).isEqualTo(1);
            assertThat(cipher.openCounters().get(CipherStatus.OK)).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void clearHeaderLengthIsTheOneTheVectorUsed(DiscordVectors.Vector v) {
        if (v.rtcp()) {
            assertThat(v.clearHeaderLength()).isEqualTo(v.kind().equals("rtcp8") ? 8 : 4);
        } else {
            assertThat(DiscordTransportCipher.rtpClearHeaderLength(MemorySegment.ofArray(v.packet()), 0,
                    v.packet().length)).isEqualTo(v.clearHeaderLength());
        }
    }

    static Stream<DiscordVectors.Vector> vectors() {
        return DiscordVectors.all().stream();
    }

    static DiscordTransportCipher cipher(DiscordVectors.Vector v, AeadBackend backend) {
        return DiscordTransportCipher.builder(v.mode(), v.key()).backend(backend).initialCounter(v.counter())
                .rtcpClearHeaderLength(v.kind().equals("rtcp4") ? 4 : 8).build();
    }
}
