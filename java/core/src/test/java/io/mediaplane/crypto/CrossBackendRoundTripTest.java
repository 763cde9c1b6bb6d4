package io.mediaplane.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seal with each backend, open with each backend: random RTP packets (any CC, X with a random extension body,
 * P with padding, payloads 0..2000 and some 16 KiB) and RTCP packets, in heap and native pools, must come back
 * byte for byte, and the sealed bytes must not depend on the backend.
 */
class CrossBackendRoundTripTest {
    static Stream<Arguments> pairs() {
        List<Arguments> out = new ArrayList<>();
        for (DiscordAeadMode m : DiscordAeadMode.values()) {
            for (AeadBackend s : AeadBackend.values()) {
                for (AeadBackend o : AeadBackend.values()) {
                    out.add(Arguments.of(m, s, o, "trampoline"));
                    out.add(Arguments.of(m, s, o, "slices"));
                }
            }
        }
        return out.stream();
    }

    /** A random valid RTP packet of {@code payload} bytes after its header; returns its length. */
    static int randomRtp(SplittableRandom r, byte[] into, int payload) {
        int cc = r.nextInt(4) == 0 ? r.nextInt(16) : 0;
        boolean x = r.nextBoolean();
        boolean p = r.nextInt(4) == 0;
        int extWords = x ? r.nextInt(4) : 0;
        int padding = p ? 1 + r.nextInt(16) : 0;
        int len = 12 + 4 * cc + (x ? 4 + 4 * extWords : 0) + payload + padding;
        byte[] b = new byte[len];
        r.nextBytes(b);
        b[0] = (byte) (0x80 | (p ? 0x20 : 0) | (x ? 0x10 : 0) | cc);
        if (x) {
            int at = 12 + 4 * cc;
            b[at] = (byte) 0xBE;
            b[at + 1] = (byte) 0xDE;
            b[at + 2] = 0;
            b[at + 3] = (byte) extWords;
        }
        if (p) {
            b[len - 1] = (byte) padding;
        }
        System.arraycopy(b, 0, into, 0, len);
        return len;
    }

    @ParameterizedTest(name = "{0} seal {1} open {2} ({3})")
    @MethodSource("pairs")
    void sealWithOneOpenWithAnother(DiscordAeadMode mode, AeadBackend sealWith, AeadBackend openWith, String path) {
        // the native backends call libmediaplane's trampolines when it is loaded, else pass slices: test both
        AeadEngine.slicesForTesting = path.equals("slices");
        try {
            roundTrips(mode, sealWith, openWith);
        } finally {
            AeadEngine.slicesForTesting = false;
        }
    }

    private void roundTrips(DiscordAeadMode mode, AeadBackend sealWith, AeadBackend openWith) {
        SplittableRandom r = new SplittableRandom(mode.ordinal() * 31L + sealWith.ordinal() * 7L + openWith.ordinal());
        byte[] key = new byte[32];
        r.nextBytes(key);
        long first = r.nextLong(1L << 32);
        try (PacketPool heap = PacketPool.heap(4, 17000);
                PacketPool off = PacketPool.nativeMemory(4, 17000);
                DiscordTransportCipher sealer = DiscordTransportCipher.builder(mode, key).backend(sealWith)
                        .initialCounter(first).build();
                DiscordTransportCipher reference = DiscordTransportCipher.builder(mode, key)
                        .backend(AeadBackend.JCE).initialCounter(first).build();
                DiscordTransportCipher opener = DiscordTransportCipher.builder(mode, key).backend(openWith).build()) {
            byte[] plain = new byte[17000];
            for (int i = 0; i < 120; i++) {
                int payload = i % 40 == 39 ? 16384 : r.nextInt(2001);
                boolean rtcp = i % 10 == 9;
                int len;
                if (rtcp) {
                    len = 8 + payload;
                    r.nextBytes(plain);
                    plain[0] = (byte) 0x80;
                    plain[1] = (byte) 200;
                } else {
                    len = randomRtp(r, plain, payload);
                }
                byte[] packet = java.util.Arrays.copyOf(plain, len);
                PacketBuffer a = (i % 2 == 0 ? heap : off).acquire().put(packet);
                PacketBuffer ref = heap.acquire().put(packet);
                assertThat(rtcp ? sealer.sealRtcp(a) : sealer.sealRtp(a)).isEqualTo(CipherStatus.OK);
                assertThat(rtcp ? reference.sealRtcp(ref) : reference.sealRtp(ref)).isEqualTo(CipherStatus.OK);
                assertThat(a.length()).isEqualTo(len + 20);
                assertThat(Bytes.toHex(a.toArray())).isEqualTo(Bytes.toHex(ref.toArray()));
                // counter trailer and clear header as specified
                MemorySegment s = a.segment();
                assertThat(Bytes.u32(s, a.offset() + len + 16)).isEqualTo((first + i) & 0xFFFF_FFFFL);
                if (i % 5 == 4) { // a tampered copy is refused first, by every path
                    PacketBuffer bad = heap.acquire().put(a.toArray());
                    MemorySegment bs = bad.segment();
                    long at = bad.offset() + r.nextInt(bad.length());
                    bs.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at, (byte) (bs.get(java.lang.foreign.ValueLayout.JAVA_BYTE, at) ^ 0x20));
                    assertThat(rtcp ? opener.openRtcp(bad) : opener.openRtp(bad))
                            .isIn(CipherStatus.AUTH_FAILED, CipherStatus.BAD_HEADER, CipherStatus.TOO_SHORT);
                    bad.release();
                }
                assertThat(rtcp ? opener.openRtcp(a) : opener.openRtp(a)).isEqualTo(CipherStatus.OK);
                assertThat(a.toArray()).isEqualTo(packet);
                a.release();
                ref.release();
            }
            assertThat(opener.openCounters().get(CipherStatus.OK)).isEqualTo(120);
            assertThat(opener.openCounters().refused()).isEqualTo(opener.openCounters().get(CipherStatus.AUTH_FAILED)
                    + opener.openCounters().get(CipherStatus.BAD_HEADER) + opener.openCounters().get(CipherStatus.TOO_SHORT));
        }
    }
}
