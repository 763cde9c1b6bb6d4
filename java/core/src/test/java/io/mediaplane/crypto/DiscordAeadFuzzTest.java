package io.mediaplane.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Fuzz target for open on outside bytes: whatever arrives, every backend returns a status or a length inside
 * the packet, never an exception, and all backends agree. The same bytes, taken as a plaintext, must seal and
 * open back to themselves. Byte 0 picks the mode and RTP or RTCP; the rest is the datagram. Runs its seeds in
 * every test run and fuzzes when JAZZER_FUZZ=1 (the test command does, briefly).
 */
class DiscordAeadFuzzTest {
    private static final byte[] KEY = new byte[32];

    static {
        for (int i = 0; i < 32; i++) {
            KEY[i] = (byte) i; // the vectors' key 00..1f, so seeds from the vector file open
        }
    }

    private static final DiscordTransportCipher[][] CIPHERS = new DiscordTransportCipher[2][];

    static {
        for (DiscordAeadMode m : DiscordAeadMode.values()) {
            AeadBackend[] backends = AeadBackend.values();
            CIPHERS[m.ordinal()] = new DiscordTransportCipher[backends.length];
            for (AeadBackend b : backends) {
                CIPHERS[m.ordinal()][b.ordinal()] = DiscordTransportCipher.builder(m, KEY).backend(b)
                        .replayWindow(0).build();
            }
        }
    }

    @FuzzTest(maxDuration = "20s")
    void open(byte[] input) {
        if (input.length == 0) {
            return;
        }
        DiscordAeadMode mode = DiscordAeadMode.values()[input[0] & 1];
        boolean rtcp = (input[0] & 2) != 0;
        byte[] packet = Arrays.copyOfRange(input, 1, input.length);
        int first = Integer.MIN_VALUE;
        byte[] firstBytes = null;
        for (DiscordTransportCipher c : CIPHERS[mode.ordinal()]) {
            byte[] p = packet.clone();
            MemorySegment s = MemorySegment.ofArray(p);
            int r = rtcp ? c.openRtcp(s, 0, p.length) : c.openRtp(s, 0, p.length);
            if (r >= 0) {
                assertThat(r).isEqualTo(p.length - DiscordAeadMode.OVERHEAD);
            } else {
                assertThat(CipherStatus.ofResult(r)).isNotEqualTo(CipherStatus.OK);
            }
            if (first == Integer.MIN_VALUE) {
                first = r;
                firstBytes = r >= 0 ? Arrays.copyOf(p, r) : null;
            } else {
                assertThat(r).isEqualTo(first);
                if (r >= 0) {
                    assertThat(Arrays.copyOf(p, r)).isEqualTo(firstBytes);
                }
            }
        }
        // as a plaintext: seal then open gives the bytes back, or seal refuses with a status
        DiscordTransportCipher[] ciphers = CIPHERS[mode.ordinal()];
        DiscordTransportCipher sealer = ciphers[packet.length % ciphers.length];
        DiscordTransportCipher opener = ciphers[(packet.length + 1) % ciphers.length];
        byte[] buf = Arrays.copyOf(packet, packet.length + DiscordAeadMode.OVERHEAD);
        MemorySegment s = MemorySegment.ofArray(buf);
        int sealed = rtcp ? sealer.sealRtcp(s, 0, packet.length, buf.length)
                : sealer.sealRtp(s, 0, packet.length, buf.length);
        if (sealed < 0) {
            assertThat(CipherStatus.ofResult(sealed)).isIn(CipherStatus.TOO_SHORT, CipherStatus.BAD_HEADER);
            return;
        }
        assertThat(sealed).isEqualTo(buf.length);
        int opened = rtcp ? opener.openRtcp(s, 0, sealed) : opener.openRtp(s, 0, sealed);
        assertThat(opened).isEqualTo(packet.length);
        assertThat(Arrays.copyOf(buf, opened)).isEqualTo(packet);
    }
}
