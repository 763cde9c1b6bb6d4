package io.mediaplane.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every backend must do beyond the vectors: round trips sealed with each backend and opened with each on
 * random packets (heap and native segments), ROC rollover and reordering across it, the replay window, and the
 * refusals (tampered byte, wrong key, replayed, truncated, wrong ROC), each a status and a counter.
 */
class SrtpConformanceTest {
    static Stream<Arguments> pairs() {
        List<Arguments> out = new ArrayList<>();
        for (SrtpProfile p : SrtpProfile.values()) {
            for (SrtpBackend s : SrtpBackend.values()) {
                for (SrtpBackend o : SrtpBackend.values()) {
                    out.add(Arguments.of(p, s, o));
                }
            }
        }
        return out.stream();
    }

    static byte[] master(SrtpProfile p, int seed) {
        byte[] m = new byte[p.masterLength()];
        new Random(seed).nextBytes(m);
        return m;
    }

    static SrtpContext context(SrtpProfile p, SrtpBackend b, byte[] master) {
        return SrtpContext.builder(p, master, master).backend(b).build();
    }

    static byte[] rtp(int seq, int ssrc, int payload, Random r) {
        byte[] p = new byte[12 + payload];
        r.nextBytes(p);
        p[0] = (byte) 0x80;
        p[1] = 96;
        p[2] = (byte) (seq >>> 8);
        p[3] = (byte) seq;
        SrtpTransform.put32(p, 8, ssrc);
        return p;
    }

    @ParameterizedTest(name = "{0} seal {1} open {2}")
    @MethodSource("pairs")
    void sealWithEachOpenWithEach(SrtpProfile profile, SrtpBackend sealer, SrtpBackend opener) {
        Random r = new Random(profile.ordinal() * 31 + sealer.ordinal() * 7 + opener.ordinal());
        byte[] m = master(profile, 1);
        try (SrtpContext tx = context(profile, sealer, m); SrtpContext rx = context(profile, opener, m);
                Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < 300; i++) {
                boolean rtcp = i % 5 == 4;
                byte[] plain = rtcp ? Libsrtp2VectorTest.randomRtcp(r) : Libsrtp2VectorTest.randomRtp(r);
                if (i % 3 == 0 && !rtcp) {
                    plain = Arrays.copyOf(plain, Math.max(12 + 4 * (plain[0] & 0xF), plain.length)); // keep
                }
                boolean nativeSegment = i % 2 == 1;
                byte[] sealed;
                if (nativeSegment) {
                    MemorySegment s = arena.allocate(plain.length + 64);
                    MemorySegment.copy(plain, 0, s, ValueLayout.JAVA_BYTE, 16, plain.length);
                    int n = rtcp ? tx.sealRtcp(s, 16, plain.length, plain.length + 48)
                            : tx.sealRtp(s, 16, plain.length, plain.length + 48);
                    assertThat(n).isPositive();
                    sealed = s.asSlice(16, n).toArray(ValueLayout.JAVA_BYTE);
                    int o = rtcp ? rx.openRtcp(s, 16, n) : rx.openRtp(s, 16, n);
                    assertThat(CipherStatus.ofResult(o)).isEqualTo(CipherStatus.OK);
                    assertThat(s.asSlice(16, o).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(plain);
                } else {
                    sealed = SrtpVectorTest.seal(tx, plain, rtcp);
                    assertThat(SrtpVectorTest.open(rx, sealed, rtcp)).isEqualTo(plain);
                }
                assertThat(sealed.length).isEqualTo(plain.length
                        + (rtcp ? profile.rtcpOverhead() : profile.rtpOverhead()));
            }
            assertThat(rx.openCounters().refused()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rocRollsOverAndReorderingAcrossTheWrapOpens(SrtpProfile profile) {
        Random r = new Random(5);
        byte[] m = master(profile, 2);
        for (SrtpBackend b : SrtpBackend.values()) {
            try (SrtpContext tx = context(profile, b, m); SrtpContext rx = context(profile, b, m)) {
                List<byte[]> sealed = new ArrayList<>();
                List<byte[]> plains = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    byte[] p = rtp((65520 + i) & 0xFFFF, 0x1234, 40, r);
                    plains.add(p);
                    sealed.add(SrtpVectorTest.seal(tx, p, false));
                }
                // deliver with the wrap reordered: 0..9, then 20..25 (after the wrap), then 10..19, then the rest
                int[] order = new int[40];
                int k = 0;
                for (int i = 0; i < 10; i++) order[k++] = i;
                for (int i = 20; i < 26; i++) order[k++] = i;
                for (int i = 10; i < 20; i++) order[k++] = i;
                for (int i = 26; i < 40; i++) order[k++] = i;
                for (int i : order) {
                    assertThat(SrtpVectorTest.open(rx, sealed.get(i), false)).as("packet %d", i).isEqualTo(plains.get(i));
                }
                // a packet sealed after the wrap with ROC 0 (an attacker's replay of an old index) does not open
                for (int i : new int[] {3, 17, 30}) {
                    byte[] again = sealed.get(i).clone();
                    MemorySegment s = MemorySegment.ofArray(again);
                    assertThat(CipherStatus.ofResult(rx.openRtp(s, 0, again.length))).isEqualTo(CipherStatus.REPLAYED);
                }
            }
        }
    }

    @Test
    void indexEstimationFollowsRfc3711AppendixA() {
        assertThat(SrtpContext.estimateIndex(0, 5)).isEqualTo(5);
        assertThat(SrtpContext.estimateIndex(65535, 0)).isEqualTo(65536);
        assertThat(SrtpContext.estimateIndex(65536 + 2, 65530)).isEqualTo(65530);
        assertThat(SrtpContext.estimateIndex(3L << 16 | 40000, 100)).isEqualTo(4L << 16 | 100);
        assertThat(SrtpContext.estimateIndex(3L << 16 | 100, 40000)).isEqualTo(2L << 16 | 40000);
        assertThat(SrtpContext.estimateIndex(3L << 16 | 100, 30000)).isEqualTo(3L << 16 | 30000);
        assertThat(SrtpContext.estimateIndex(10, 60000)).isEqualTo(60000); // no ROC −1: ahead in ROC 0 (libsrtp)
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void replayWindowAcceptsLateButNotTwiceNorTooOld(SrtpProfile profile) {
        Random r = new Random(6);
        byte[] m = master(profile, 3);
        for (SrtpBackend b : SrtpBackend.values()) {
            try (SrtpContext tx = context(profile, b, m);
                    SrtpContext rx = SrtpContext.builder(profile, m, m).backend(b).replayWindow(64).build()) {
                List<byte[]> sealed = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    sealed.add(SrtpVectorTest.seal(tx, rtp(i, 7, 20, r), false));
                }
                SrtpVectorTest.open(rx, sealed.get(150), false);
                SrtpVectorTest.open(rx, sealed.get(100), false); // 50 behind: inside 64
                assertThat(status(rx, sealed.get(100))).isEqualTo(CipherStatus.REPLAYED);
                assertThat(status(rx, sealed.get(150))).isEqualTo(CipherStatus.REPLAYED);
                assertThat(status(rx, sealed.get(80))).isEqualTo(CipherStatus.REPLAYED); // 70 behind: too old
                SrtpVectorTest.open(rx, sealed.get(199), false);
                assertThat(rx.openCounters().get(CipherStatus.REPLAYED)).isEqualTo(3);
            }
        }
        assertThatThrownBy(() -> SrtpContext.builder(profile, m, m).replayWindow(2048))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static CipherStatus status(SrtpContext c, byte[] packet) {
        return status(c, packet, packet.length, false);
    }

    static CipherStatus status(SrtpContext c, byte[] packet, int length, boolean rtcp) {
        byte[] p = packet.clone();
        MemorySegment s = MemorySegment.ofArray(p);
        return CipherStatus.ofResult(rtcp ? c.openRtcp(s, 0, length) : c.openRtp(s, 0, length));
    }

    @ParameterizedTest(name = "{0} seal {1} open {2}")
    @MethodSource("pairs")
    void refusals(SrtpProfile profile, SrtpBackend sealer, SrtpBackend opener) {
        Random r = new Random(7);
        byte[] m = master(profile, 4);
        byte[] other = m.clone();
        other[0] ^= 1;
        for (boolean rtcp : new boolean[] {false, true}) {
            byte[] plain = rtcp ? Libsrtp2VectorTest.randomRtcp(r) : rtp(1000, 0xABCD, 60, r);
            byte[] sealed;
            try (SrtpContext tx = context(profile, sealer, m)) {
                sealed = SrtpVectorTest.seal(tx, plain, rtcp);
            }
            try (SrtpContext rx = context(profile, opener, m)) {
                // every single-bit change anywhere is refused
                for (int i = 0; i < sealed.length; i++) {
                    byte[] t = sealed.clone();
                    t[i] ^= (byte) (1 << (i % 8));
                    CipherStatus st = status(rx, t, t.length, rtcp);
                    if (i == 0) {
                        assertThat(st).isNotEqualTo(CipherStatus.OK);
                    } else {
                        assertThat(st).as("byte %d", i).isEqualTo(CipherStatus.AUTH_FAILED);
                    }
                }
                // every truncation is refused
                for (int n = 0; n < sealed.length; n++) {
                    assertThat(status(rx, sealed, n, rtcp)).as("length %d", n)
                            .isIn(CipherStatus.TOO_SHORT, CipherStatus.AUTH_FAILED, CipherStatus.BAD_HEADER,
                                    CipherStatus.NOT_ENCRYPTED); // a shorter SRTCP packet may read E = 0
                }
                assertThat(rx.openCounters().get(CipherStatus.OK)).isZero();
                // forgeries moved nothing: the genuine packet opens, then is a replay
                assertThat(status(rx, sealed, sealed.length, rtcp)).isEqualTo(CipherStatus.OK);
                assertThat(status(rx, sealed, sealed.length, rtcp)).isEqualTo(CipherStatus.REPLAYED);
            }
            try (SrtpContext wrong = context(profile, opener, other)) {
                assertThat(status(wrong, sealed, sealed.length, rtcp)).isEqualTo(CipherStatus.AUTH_FAILED);
                assertThat(wrong.openCounters().get(CipherStatus.AUTH_FAILED)).isEqualTo(1);
            }
            if (!rtcp) {
                try (SrtpContext wrongRoc = SrtpContext.builder(profile, m, m).backend(opener).initialRoc(1).build()) {
                    assertThat(status(wrongRoc, sealed, sealed.length, false)).isEqualTo(CipherStatus.AUTH_FAILED);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void sealRefusesWithStatuses(SrtpProfile profile) {
        byte[] m = master(profile, 5);
        try (SrtpContext c = context(profile, SrtpBackend.JCE, m)) {
            byte[] p = rtp(1, 1, 10, new Random(1));
            MemorySegment s = MemorySegment.ofArray(p);
            assertThat(CipherStatus.ofResult(c.sealRtp(s, 0, p.length, p.length))).isEqualTo(CipherStatus.NO_ROOM);
            assertThat(CipherStatus.ofResult(c.sealRtp(s, 0, 11, p.length))).isEqualTo(CipherStatus.TOO_SHORT);
            p[0] = 0x40;
            assertThat(CipherStatus.ofResult(c.sealRtp(s, 0, 12, p.length))).isEqualTo(CipherStatus.BAD_HEADER);
            assertThat(c.sealCounters().refused()).isEqualTo(3);
        }
    }

    @Test
    void dtlsKeyingMaterialSplitsPerRfc5764AndPairsTheTwoSides() {
        for (SrtpProfile p : SrtpProfile.values()) {
            byte[] exported = new byte[SrtpKeyingMaterial.exporterLength(p)];
            new Random(p.ordinal()).nextBytes(exported);
            SrtpKeyingMaterial km = SrtpKeyingMaterial.export(p, (label, length) -> {
                assertThat(label).isEqualTo("EXTRACTOR-dtls_srtp");
                return Arrays.copyOf(exported, length);
            });
            int k = p.keyLength();
            int s = p.saltLength();
            assertThat(km.clientKey()).isEqualTo(Arrays.copyOfRange(exported, 0, k));
            assertThat(km.serverKey()).isEqualTo(Arrays.copyOfRange(exported, k, 2 * k));
            assertThat(km.clientSalt()).isEqualTo(Arrays.copyOfRange(exported, 2 * k, 2 * k + s));
            assertThat(km.serverSalt()).isEqualTo(Arrays.copyOfRange(exported, 2 * k + s, 2 * (k + s)));
            try (SrtpContext client = SrtpContext.forDtls(km, true).build();
                    SrtpContext server = SrtpContext.forDtls(km, false).build()) {
                byte[] plain = rtp(9, 99, 100, new Random(2));
                assertThat(SrtpVectorTest.open(server, SrtpVectorTest.seal(client, plain, false), false)).isEqualTo(plain);
                assertThat(SrtpVectorTest.open(client, SrtpVectorTest.seal(server, plain, false), false)).isEqualTo(plain);
                // the client's own packets are not accepted back by itself (different keys per direction)
                byte[] own = rtp(10, 99, 100, new Random(3));
                assertThat(status(client, SrtpVectorTest.seal(client, own, false))).isEqualTo(CipherStatus.AUTH_FAILED);
            }
            assertThat(km.toString()).doesNotContain(
                    io.mediaplane.buffer.Bytes.toHex(km.clientKey()));
        }
        assertThatThrownBy(() -> SrtpKeyingMaterial.fromExporterOutput(SrtpProfile.AEAD_AES_128_GCM, new byte[60]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
