package io.mediaplane.discord.dave;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.crypto.TruncatedTagAesGcm;
import io.mediaplane.discord.FrameCryptoStatus;
import io.mediaplane.stream.Codec;
import io.mediaplane.stream.MediaKind;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.codec.H264Depacketizer;
import io.mediaplane.codec.H264Packetizer;
import io.mediaplane.codec.PayloadStatus;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The DAVE frame transform without MLS: codec rules for the clear ranges, the trailer layout, generations and
 * their wrap, the maximum gap, the ratchet lifetime check, replay refusal, key expiry and passthrough, on a fake
 * clock.
 */
class FrameEncryptionTest {
    private static final long SECOND = 1_000_000_000L;
    private static final byte[] BASE = Bytes.fromHex("000102030405060708090a0b0c0d0e0f");
    private static final TruncatedTagAesGcm.Backend BC = TruncatedTagAesGcm.Backend.BOUNCY_CASTLE;

    private static OutboundFrame split(Codec codec, String hex) {
        OutboundFrame f = new OutboundFrame();
        byte[] b = Bytes.fromHex(hex.replace(" ", ""));
        f.process(codec, b, b.length);
        return f;
    }

    private static String clear(OutboundFrame f) {
        return Bytes.toHex(Arrays.copyOf(f.clear, f.clearLength));
    }

    private static String ranges(OutboundFrame f) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < f.rangeCount; i++) {
            s.append(i == 0 ? "" : " ").append(f.rangeOffset[i]).append('+').append(f.rangeSize[i]);
        }
        return s.toString();
    }

    @Test
    void opusAndVp9AreEncryptedWhole() {
        OutboundFrame f = split(Codec.OPUS, "fc0102030405");
        assertThat(f.rangeCount).isZero();
        assertThat(f.plainLength).isEqualTo(6);
        assertThat(split(Codec.VP9, "8001020304").rangeCount).isZero();
    }

    @Test
    void vp8KeepsTenBytesOfAKeyFrameAndOneOfADeltaFrame() {
        OutboundFrame key = split(Codec.VP8, "b0340080019d012a4001 3000 5555");
        assertThat(ranges(key)).isEqualTo("0+10");
        assertThat(key.plainLength).isEqualTo(4);
        OutboundFrame delta = split(Codec.VP8, "d1020003 6666");
        assertThat(ranges(delta)).isEqualTo("0+1");
        assertThat(split(Codec.VP8, "b034").rangeCount).as("short key frame: all of it clear").isEqualTo(1);
    }

    @Test
    void h264NormalisesStartCodesAndKeepsSliceHeadersClear() {
        // AUD with a 3-byte start code, SPS, PPS, IDR slice: first_mb 0 ('1'), slice_type 7 ('0001000'),
        // pps_id 0 ('1') end at bit 9 after the NAL header: 9 / 8 + 1 = 2 bytes (libdave's count)
        OutboundFrame f = split(Codec.H264,
                "000001 09f0 00000001 6742c01f 00000001 68ce3c80 00000001 65 88 84 00 21 ff aa bb");
        // AUD: start code rewritten to 4 bytes (+1 byte); non-VCL NALs stay clear; slice: header + 2 bytes clear
        assertThat(clear(f)).isEqualTo("0000000109f0" + "000000016742c01f" + "0000000168ce3c80" + "00000001658884");
        assertThat(ranges(f)).isEqualTo("0+29");
        assertThat(f.plainLength).isEqualTo(5); // 00 21 ff aa bb
        assertThat(f.frameIndex).isEqualTo(34);
    }

    @Test
    void sliceHeaderBitsSkipEmulationPreventionBytes() {
        // first_mb_in_slice has 24 leading zeros across 00 00 [03 skipped] 00, its 1 in byte 4; its 24 value
        // bits are jumped over (libdave does not look for emulation prevention inside a value); slice_type and
        // pps_id are the next two 1 bits in byte 7: bit 59 → 59 / 8 + 1 = 8 bytes
        byte[] payload = Bytes.fromHex("000003008000 80ff".replace(" ", ""));
        assertThat(OutboundFrame.bytesCoveringPpsId(payload, 0, payload.length)).isEqualTo(8);
        assertThat(OutboundFrame.bytesCoveringPpsId(Bytes.fromHex("000000000000"), 0, 6)).isZero();
    }

    @Test
    void h265KeepsTwoByteHeadersOfVclUnits() {
        OutboundFrame f = split(Codec.H265, "00000001 4001 0c01ff 00000001 2601 afaf1234");
        assertThat(clear(f)).isEqualTo("0000000140010c01ff" + "000000012601");
        assertThat(f.plainLength).isEqualTo(4);
    }

    @Test
    void av1KeepsObuHeadersDropsTemporalDelimitersAndTheLastSize() {
        // temporal delimiter (type 2, has_size, size 0), then a frame OBU (type 6) with size 3
        OutboundFrame f = split(Codec.AV1, "1200 3203 aabbcc");
        assertThat(clear(f)).isEqualTo("30"); // has_size cleared on the last OBU, size dropped
        assertThat(f.plainLength).isEqualTo(3);
        // two OBUs: the first keeps its (re-encoded) size
        OutboundFrame two = split(Codec.AV1, "0a02 1122 3201 33");
        assertThat(clear(two)).isEqualTo("0a02" + "30");
        assertThat(ranges(two)).isEqualTo("0+2 4+1");
    }

    private static byte[] seal(FrameEncryptor e, Codec codec, byte[] frame) {
        byte[] out = new byte[FrameEncryptor.maxSealedSize(frame.length) + frame.length];
        int n = e.seal(codec, frame, frame.length, out);
        assertThat(n).as(n < 0 ? FrameCryptoStatus.ofResult(n).toString() : "").isPositive();
        return Arrays.copyOf(out, n);
    }

    private static int open(FrameDecryptor d, MediaKind kind, byte[] frame, long now) {
        return d.open(kind, frame, frame.length, new byte[frame.length], now);
    }

    @ParameterizedTest
    @EnumSource(TruncatedTagAesGcm.Backend.class)
    void roundTripsEveryCodecWithTheDocumentedTrailer(TruncatedTagAesGcm.Backend backend) {
        Random random = new Random(7);
        try (FrameEncryptor enc = new FrameEncryptor(backend); FrameDecryptor dec = new FrameDecryptor(backend)) {
            enc.setKeyRatchet(new KeyRatchet(BASE));
            dec.transitionToKeyRatchet(new KeyRatchet(BASE), 0, 0);
            for (int i = 0; i < 200; i++) {
                Codec codec = Codec.values()[i % Codec.values().length];
                byte[] frame = frame(codec, random);
                byte[] sealed = seal(enc, codec, frame);
                assertThat(sealed).endsWith((byte) 0xFA, (byte) 0xFA);
                SecureFrame.Parsed p = new SecureFrame.Parsed();
                assertThat(SecureFrame.parse(sealed, sealed.length, p)).isTrue();
                assertThat(p.truncatedNonce).as("nonce counts from 1").isEqualTo(i + 1 + (int) enc.retryCount());
                assertThat(sealed[sealed.length - 3] & 0xFF).isEqualTo(sealed.length - p.mediaLength);
                byte[] out = new byte[sealed.length];
                int n = dec.open(codec.kind(), sealed, sealed.length, out, 0);
                assertThat(n).isEqualTo(p.mediaLength);
                if (codec != Codec.AV1) {
                    assertThat(Arrays.copyOf(out, n)).as(codec.toString()).isEqualTo(frame);
                }
                if (codec == Codec.H264) {
                    // no start code inside ciphertext or trailer: the sealed frame splits into the same NAL units
                    assertThat(startCodes(sealed)).isEqualTo(startCodes(frame));
                }
            }
        }
    }

    /**
     * A slice followed by another slice: when the first one's ciphertext happens to end in {@code 00} (one frame in
     * 256), the sealed frame reads {@code .. 00 | 00 00 00 01 ..}. An Annex B splitter that strips every trailing
     * zero (right for plain H.264, §7.4.1) cuts that ciphertext byte off and the frame no longer opens; the Discord
     * publisher's packetizer keeps it, as WebRTC's does, and the frame crosses RTP intact.
     */
    @Test
    void aSliceWhoseCiphertextEndsInZeroCrossesRtpIntact() {
        Random random = new Random(11);
        byte[] body = new byte[900];
        random.nextBytes(body);
        byte[] frame = concat(Bytes.fromHex("00000001658884"), body, Bytes.fromHex("00000001658884"), body);
        int secondSlice = 7 + body.length;
        try (FrameEncryptor enc = new FrameEncryptor(BC)) {
            enc.setKeyRatchet(new KeyRatchet(BASE));
            byte[] sealed = null;
            for (int i = 0; i < 5000 && sealed == null; i++) { // deterministic: fixed key, nonces 1, 2, ...
                byte[] s = seal(enc, Codec.H264, frame);
                if (s[secondSlice - 1] == 0) {
                    sealed = s;
                }
            }
            assertThat(sealed).as("a nonce whose ciphertext ends in 00 before the second slice").isNotNull();
            assertThat(overRtp(sealed, true)).as("opaque units: the frame opens").isEqualTo(frame);
            assertThat(overRtp(sealed, false)).as("plain H.264 splitting loses the byte").isNull();
        }
    }

    /** {@code sealed} through our packetizer and depacketizer, then opened; null if it does not open. */
    private static byte[] overRtp(byte[] sealed, boolean opaque) {
        List<byte[]> received = new ArrayList<>();
        try (PacketPool pool = PacketPool.heap(16, 1500)) {
            H264Depacketizer depacketizer = new H264Depacketizer(
                    (data, offset, length, timestamp, keyframe, lost) -> received.add(
                            data.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE)))
                    .prependParameterSets(false);
            RtpPacket rtp = new RtpPacket();
            H264Packetizer packetizer = new H264Packetizer(pool, b -> {
                byte[] packet = b.toArray();
                b.release();
                assertThat(rtp.wrap(MemorySegment.ofArray(packet), 0, packet.length).ok()).isTrue();
                depacketizer.push(rtp);
            }, 96, 1, 0, 1200).aggregate(false).opaqueUnits(opaque);
            assertThat(packetizer.packetizeAnnexB(MemorySegment.ofArray(sealed), 0, sealed.length, 0))
                    .isEqualTo(PayloadStatus.OK);
        }
        assertThat(received).hasSize(1);
        byte[] unit = received.get(0);
        try (FrameDecryptor dec = new FrameDecryptor(BC)) {
            dec.transitionToKeyRatchet(new KeyRatchet(BASE), 0, 0);
            byte[] out = new byte[unit.length];
            int n = dec.open(MediaKind.VIDEO, unit, unit.length, out, 0);
            if (n < 0) {
                assertThat(FrameCryptoStatus.ofResult(n)).isEqualTo(FrameCryptoStatus.AUTHENTICATION_FAILED);
                return null;
            }
            return Arrays.copyOf(out, n);
        }
    }

    private static byte[] frame(Codec codec, Random random) {
        byte[] body = new byte[50 + random.nextInt(3000)];
        random.nextBytes(body);
        return switch (codec) {
            case H264 -> concat(Bytes.fromHex("0000000167640028ac0000000168ee3c80"), Bytes.fromHex("00000001658884"),
                    body, Bytes.fromHex("00000001419a"), body);
            case H265 -> concat(Bytes.fromHex("000000014001"), Bytes.fromHex("000000012601"), body);
            case VP8 -> concat(new byte[] {(byte) (random.nextBoolean() ? 0x10 : 0x11)}, body);
            case AV1 -> concat(Bytes.fromHex("32"), body);
            default -> body;
        };
    }

    /** Start codes an Annex B scanner finds (the encryptor writes 4-byte ones; the input here already has them). */
    private static int startCodes(byte[] b) {
        int n = 0;
        for (int i = 0; i + 2 < b.length; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                n++;
            }
        }
        return n;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void replayedFramesAreRefusedAndSkippedOnesOpenOnce() {
        try (FrameEncryptor enc = new FrameEncryptor(BC); FrameDecryptor dec = new FrameDecryptor(BC)) {
            enc.setKeyRatchet(new KeyRatchet(BASE));
            dec.transitionToKeyRatchet(new KeyRatchet(BASE), 0, 0);
            byte[][] f = new byte[5][];
            for (int i = 0; i < 5; i++) {
                f[i] = seal(enc, Codec.OPUS, new byte[] {1, 2, (byte) i});
            }
            assertThat(open(dec, MediaKind.AUDIO, f[0], 0)).isEqualTo(3);
            assertThat(open(dec, MediaKind.AUDIO, f[3], 0)).isEqualTo(3);
            assertThat(open(dec, MediaKind.AUDIO, f[3], 0)).isEqualTo(FrameCryptoStatus.REPLAYED.result());
            assertThat(open(dec, MediaKind.AUDIO, f[1], 0)).as("late but missing: once").isEqualTo(3);
            assertThat(open(dec, MediaKind.AUDIO, f[1], 0)).isEqualTo(FrameCryptoStatus.REPLAYED.result());
            assertThat(open(dec, MediaKind.AUDIO, f[0], 0)).isEqualTo(FrameCryptoStatus.REPLAYED.result());
            assertThat(open(dec, MediaKind.AUDIO, f[2], 0)).isEqualTo(3);
            assertThat(open(dec, MediaKind.AUDIO, f[4], 0)).isEqualTo(3);
            assertThat(dec.statusCount(FrameCryptoStatus.REPLAYED)).isEqualTo(3);
        }
    }

    @Test
    void generationsFollowTheNonceTopByteWithinTheGapAndTheRatchetsLifetime() {
        try (FrameDecryptor dec = new FrameDecryptor(BC)) {
            dec.transitionToKeyRatchet(new KeyRatchet(BASE), 0, 0);
            // a sender at generation 1 (nonce 2^24 + 5) cannot have got there within a second of the ratchet
            byte[] gen1 = sealAt(0x0100_0005, Codec.OPUS, new byte[] {9, 9});
            assertThat(open(dec, MediaKind.AUDIO, gen1, SECOND))
                    .isEqualTo(FrameCryptoStatus.GENERATION_OUT_OF_RANGE.result());
            assertThat(open(dec, MediaKind.AUDIO, gen1, 100_000 * SECOND)).as("170 frames/s * 1e5 s > 2^24")
                    .isEqualTo(2);
        }
        long muchLater = 1_000_000_000 * SECOND;
        try (FrameDecryptor dec = new FrameDecryptor(BC)) {
            dec.transitionToKeyRatchet(new KeyRatchet(BASE), 0, 0);
            byte[] gen251 = sealAt(251 << 24 | 1, Codec.OPUS, new byte[] {8});
            assertThat(open(dec, MediaKind.AUDIO, gen251, muchLater)).as("more than 250 ahead")
                    .isEqualTo(FrameCryptoStatus.GENERATION_OUT_OF_RANGE.result());
            byte[] gen250 = sealAt(250 << 24 | 1, Codec.OPUS, new byte[] {8});
            assertThat(open(dec, MediaKind.AUDIO, gen250, muchLater)).isEqualTo(1);
        }
    }

    @Test
    void anOlderGenerationsKeyIsKeptTenSecondsAfterANewerOneSucceeded() {
        long t = 100_000 * SECOND;
        try (FrameDecryptor dec = new FrameDecryptor(BC)) {
            dec.transitionToKeyRatchet(new KeyRatchet(BASE), 0, 0);
            byte[] gen0a = sealAt(0x00FF_FFF0, Codec.OPUS, new byte[] {1});
            byte[] gen0b = sealAt(0x00FF_FFF1, Codec.OPUS, new byte[] {2});
            byte[] gen0c = sealAt(0x00FF_FFF2, Codec.OPUS, new byte[] {3});
            byte[] gen1 = sealAt(0x0100_0002, Codec.OPUS, new byte[] {4});
            assertThat(open(dec, MediaKind.AUDIO, gen0a, t)).isEqualTo(1);
            assertThat(open(dec, MediaKind.AUDIO, gen1, t)).isEqualTo(1);
            assertThat(open(dec, MediaKind.AUDIO, gen0b, t + 5 * SECOND)).as("late frame of gen 0").isEqualTo(1);
            assertThat(open(dec, MediaKind.AUDIO, gen0c, t + 11 * SECOND))
                    .isEqualTo(FrameCryptoStatus.GENERATION_OUT_OF_RANGE.result());
        }
    }

    @Test
    void generationsWrapAt256() {
        assertThat(CryptorManager.wrappedGeneration(0, 5)).isEqualTo(5);
        assertThat(CryptorManager.wrappedGeneration(250, 3)).isEqualTo(259);
        assertThat(CryptorManager.wrappedGeneration(300, 45)).isEqualTo(301);
        assertThat(CryptorManager.wrappedGeneration(300, 44)).isEqualTo(300);
        assertThat(CryptorManager.wrappedGeneration(300, 43)).isEqualTo(555);
    }

    /** A frame sealed as if the sender's nonce were {@code nonce} (its generation's key from the same ratchet). */
    private static byte[] sealAt(int nonce, Codec codec, byte[] frame) {
        try (FrameEncryptor enc = new FrameEncryptor(BC)) {
            enc.setKeyRatchet(new KeyRatchet(BASE));
            enc.startNonceAfter(nonce - 1);
            return seal(enc, codec, frame);
        }
    }

    @Test
    void oldEpochRatchetOpensUntilTheTransitionExpires() {
        try (FrameEncryptor enc = new FrameEncryptor(BC); FrameDecryptor dec = new FrameDecryptor(BC)) {
            byte[] epoch2 = Bytes.fromHex("ff0102030405060708090a0b0c0d0e0f");
            enc.setKeyRatchet(new KeyRatchet(BASE));
            dec.transitionToKeyRatchet(new KeyRatchet(BASE), 0, 0);
            byte[] old1 = seal(enc, Codec.OPUS, new byte[] {1});
            byte[] old2 = seal(enc, Codec.OPUS, new byte[] {2});
            dec.transitionToKeyRatchet(new KeyRatchet(epoch2), 10 * SECOND, SECOND);
            assertThat(open(dec, MediaKind.AUDIO, old1, 5 * SECOND)).isEqualTo(1);
            enc.setKeyRatchet(new KeyRatchet(epoch2));
            assertThat(open(dec, MediaKind.AUDIO, seal(enc, Codec.OPUS, new byte[] {3}), 6 * SECOND)).isEqualTo(1);
            assertThat(open(dec, MediaKind.AUDIO, old2, 12 * SECOND)).as("past the window")
                    .isEqualTo(FrameCryptoStatus.AUTHENTICATION_FAILED.result());
        }
    }

    @Test
    void plaintextPassesOnlyInPassthroughAndSilenceAlways() {
        try (FrameDecryptor dec = new FrameDecryptor(BC)) {
            dec.transitionToKeyRatchet(new KeyRatchet(BASE), 0, 0);
            byte[] plain = {0x10, 0x20, 0x30, 0x40};
            assertThat(open(dec, MediaKind.VIDEO, plain, 0)).isEqualTo(FrameCryptoStatus.MALFORMED.result());
            assertThat(open(dec, MediaKind.AUDIO, SecureFrame.OPUS_SILENCE.clone(), 0)).isEqualTo(3);
            dec.transitionToPassthrough(true, 0, 0);
            assertThat(open(dec, MediaKind.VIDEO, plain, 0)).isEqualTo(4);
            dec.transitionToPassthrough(false, 10 * SECOND, SECOND);
            assertThat(open(dec, MediaKind.VIDEO, plain, 10 * SECOND)).isEqualTo(4);
            assertThat(open(dec, MediaKind.VIDEO, plain, 12 * SECOND)).isEqualTo(FrameCryptoStatus.MALFORMED.result());
        }
    }

    /** {@code media ‖ 8-byte tag ‖ rest ‖ size byte ‖ FA FA} with the size byte given. */
    private static boolean parses(String rest, int sizeByte, SecureFrame.Parsed p) {
        byte[] f = Bytes.fromHex("aabb" + "11".repeat(8) + rest + String.format("%02x", sizeByte) + "fafa");
        return SecureFrame.parse(f, f.length, p);
    }

    @Test
    void malformedTrailersAreRefused() {
        SecureFrame.Parsed p = new SecureFrame.Parsed();
        assertThat(parses("01", 12, p)).isTrue();
        assertThat(p.truncatedNonce).isEqualTo(1);
        assertThat(p.mediaLength).isEqualTo(2);
        assertThat(p.rangeCount).isZero();
        byte[] badMagic = Bytes.fromHex("aabb" + "11".repeat(8) + "01" + "0c" + "fafb");
        assertThat(SecureFrame.parse(badMagic, badMagic.length, p)).isFalse();
        assertThat(parses("01", 11, p)).as("size leaves no room for the nonce").isFalse();
        assertThat(parses("01", 10, p)).as("size below the minimum").isFalse();
        assertThat(parses("01", 0xFF, p)).as("size beyond the frame").isFalse();
        assertThat(parses("81", 12, p)).as("unfinished nonce").isFalse();
        assertThat(parses("ffffffff7f", 16, p)).as("nonce above u32").isFalse();
        assertThat(parses("ffffffff0f", 16, p)).as("nonce 2^32 - 1").isTrue();
        assertThat(p.truncatedNonce).isEqualTo(-1);
        assertThat(parses("01" + "0002", 14, p)).as("(0,2) covers the media bytes").isTrue();
        assertThat(p.rangeCount).isEqualTo(1);
        assertThat(p.clearLength).isEqualTo(2);
        assertThat(parses("01" + "0102", 14, p)).as("(1,2) overruns the media").isFalse();
        assertThat(parses("01" + "01000001", 16, p)).as("(1,0),(0,1) not ascending").isFalse();
        assertThat(parses("01" + "00", 13, p)).as("half a range").isFalse();
    }

    @Test
    void leb128RoundTrips() {
        byte[] buf = new byte[Leb128.MAX_SIZE];
        long[] v = new long[1];
        for (long x : new long[] {0, 1, 127, 128, 300, 0xFFFF_FFFFL, Long.MAX_VALUE, -1L}) {
            int n = Leb128.write(x, buf, 0);
            assertThat(n).isEqualTo(Leb128.size(x));
            assertThat(Leb128.read(buf, 0, n, v)).isEqualTo(n);
            assertThat(v[0]).isEqualTo(x);
            assertThat(Leb128.read(buf, 0, n - 1, v)).as("truncated").isEqualTo(n == 1 ? -1 : -1);
        }
        assertThat(Leb128.write(300, buf, 0)).isEqualTo(2);
        assertThat(Bytes.toHex(Arrays.copyOf(buf, 2))).isEqualTo("ac02");
    }
}
