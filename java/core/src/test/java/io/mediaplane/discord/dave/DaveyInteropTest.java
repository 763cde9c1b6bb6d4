package io.mediaplane.discord.dave;

import io.mediaplane.discord.VoiceOpcode;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.crypto.TruncatedTagAesGcm;
import io.mediaplane.discord.FrameCryptoStatus;
import io.mediaplane.stream.Codec;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DAVE against @snazzah/davey 0.1.12 (a Rust port of libdave): {@code davey-peer.js} plays the voice gateway's
 * external sender and davey members; a {@link DaveSession} is the other member. Groups are formed both ways (the
 * Java member commits and welcomes davey, davey commits and welcomes the Java member), H264, VP8 and Opus frames
 * sealed on each side open byte-identical on the other, a flipped bit is refused, and an epoch change (a third
 * member joins) in the middle of a stream loses no frame. H265 and AV1 frames are already in the form the codec
 * rules leave them (4-byte start codes; no temporal delimiter, no size on the last OBU), so they too must come
 * back byte-identical. Runs on both frame cipher backends.
 */
class DaveyInteropTest {
    private static final long GROUP = 927310423890473011L;
    private static final long JAVA_USER = 158049329150427136L;
    private static final long DAVEY_USER = 158533742254751744L;
    private static final long THIRD_USER = 163300003000000001L;
    private static final int AUDIO = 0;
    private static final int VIDEO = 1;

    private static DaveyPeer peer;

    @BeforeAll
    static void start() throws Exception {
        peer = new DaveyPeer();
    }

    @AfterAll
    static void stop() throws Exception {
        if (peer != null) {
            peer.close();
        }
    }

    /** A DaveSession with a sink that records what it would send to the gateway. */
    static final class Member implements AutoCloseable {
        final List<byte[]> binary = new ArrayList<>();
        final List<String> json = new ArrayList<>();
        final DaveSession session;

        Member(long user, TruncatedTagAesGcm.Backend backend) {
            session = new DaveSession(user, GROUP, new DaveSession.GatewaySink() {
                @Override
                public void sendBinary(VoiceOpcode op, byte[] payload) {
                    binary.add(DaveMessages.clientBinary(op, payload));
                }

                @Override
                public void sendJson(VoiceOpcode op, String data) {
                    json.add(DaveMessages.clientJson(op, data));
                }
            }, System::nanoTime, backend);
        }

        @Override
        public void close() {
            session.close();
        }

        byte[] lastBinary(VoiceOpcode op) {
            for (int i = binary.size() - 1; i >= 0; i--) {
                if ((binary.get(i)[0] & 0xFF) == op.code()) {
                    return Arrays.copyOfRange(binary.get(i), 1, binary.get(i).length);
                }
            }
            throw new AssertionError("no opcode " + op + " sent");
        }

        byte[] seal(Codec codec, byte[] frame) {
            MemorySegment out = MemorySegment.ofArray(new byte[session.maxSealedSize(frame.length) + 64]);
            int n = session.seal(codec, MemorySegment.ofArray(frame), out);
            assertThat(n).as("seal " + codec + ": " + (n < 0 ? FrameCryptoStatus.ofResult(n) : "")).isPositive();
            return out.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }

        int open(long from, Codec codec, byte[] frame, byte[] into) {
            return session.open(from, codec, MemorySegment.ofArray(frame), MemorySegment.ofArray(into));
        }

        byte[] open(long from, Codec codec, byte[] frame) {
            byte[] out = new byte[frame.length];
            int n = open(from, codec, frame, out);
            assertThat(n).as("open " + codec + ": " + (n < 0 ? FrameCryptoStatus.ofResult(n) : "")).isNotNegative();
            return Arrays.copyOf(out, n);
        }
    }

    static final byte[] H264 = Bytes.fromHex("00000001 09f0 00000001 674d401fe8802802dd80b501010140000003004000000f03c60c4480"
            .replace(" ", "") + "0000000168ebef20" + "00000001" + "6588840021ffa5c0b2e3f4" + "aa".repeat(400)
            + "00000001" + "419a2438" + "00000300".repeat(3) + "bb".repeat(300));
    static final byte[] VP8_KEY = Bytes.fromHex("b0340080019d012a4001300055" + "55".repeat(600));
    static final byte[] VP8_DELTA = Bytes.fromHex("d1020003" + "66".repeat(200));
    static final byte[] OPUS = Bytes.fromHex("fc" + "11".repeat(99));
    /** VPS, SPS (non-VCL: clear) and an IDR_W_RADL slice (type 19: 2-byte header clear). */
    static final byte[] H265 = Bytes.fromHex("00000001 40010c01ffff016000000300b0000003000003005d ac09"
            .replace(" ", "") + "0000000142010101600000030000030000030000030099a00280802d16" + "00000001" + "2601"
            + "af".repeat(500));
    /** Two OBUs as libdave leaves them: a sequence header with its size, then a frame OBU without one. */
    static final byte[] AV1 = Bytes.fromHex("0a0a0000002443ffbffefc00 30".replace(" ", "") + "c3".repeat(400));

    record Frame(Codec codec, int mediaType, byte[] bytes) {}

    static List<Frame> frames() {
        return List.of(new Frame(Codec.H264, VIDEO, H264), new Frame(Codec.VP8, VIDEO, VP8_KEY),
                new Frame(Codec.VP8, VIDEO, VP8_DELTA), new Frame(Codec.OPUS, AUDIO, OPUS),
                new Frame(Codec.H265, VIDEO, H265), new Frame(Codec.AV1, VIDEO, AV1));
    }

    static int daveyCodec(Codec c) {
        return switch (c) {
            case OPUS -> 1;
            case VP8 -> 2;
            case VP9 -> 3;
            case H264 -> 4;
            case H265 -> 5;
            case AV1 -> 6;
        };
    }

    /** Java member creates the group: it commits the gateway's Add of the davey member and welcomes it. */
    private Member javaCreatesGroup(TruncatedTagAesGcm.Backend backend, long daveyUser) throws Exception {
        Member java = new Member(JAVA_USER, backend);
        byte[] externalSender = DaveyPeer.bytes(peer.call("init", "groupId", Long.toUnsignedString(GROUP)),
                "externalSender");
        java.session.onSelectProtocolAck(1);
        assertThat(java.lastBinary(VoiceOpcode.DAVE_MLS_KEY_PACKAGE)).isNotEmpty();
        java.session.onBinary(25, externalSender);
        byte[] daveyKeyPackage = DaveyPeer.bytes(peer.call("newMember", "user", Long.toUnsignedString(daveyUser),
                "groupId", Long.toUnsignedString(GROUP)), "keyPackage");
        java.session.onClientsConnect(List.of(daveyUser));
        byte[] proposals = DaveyPeer.bytes(peer.call("proposeAdd", "epoch", 0, "keyPackages",
                List.of(daveyKeyPackage)), "body");
        java.session.onBinary(27, proposals);
        byte[][] cw = GatewayExternalSender.splitCommitWelcome(java.lastBinary(VoiceOpcode.DAVE_MLS_COMMIT_WELCOME));
        assertThat(cw[1]).as("welcome for the added member").isNotNull();
        java.session.onBinary(29, GatewayExternalSender.transition(7, cw[0]));
        assertThat(java.json).last().isEqualTo("{\"op\":23,\"d\":{\"transition_id\":7}}");
        java.session.onExecuteTransition(7);
        Map<String, Object> welcomed = peer.call("processWelcome", "user", Long.toUnsignedString(daveyUser),
                "welcome", cw[1]);
        assertThat(welcomed.get("epoch")).isEqualTo(1.0);
        assertThat(java.session.epoch()).isEqualTo(1);
        assertThat(java.session.members()).containsExactlyInAnyOrder(JAVA_USER, daveyUser);
        assertThat(java.session.mlsFailures()).isZero();
        return java;
    }

    @ParameterizedTest
    @EnumSource(TruncatedTagAesGcm.Backend.class)
    void javaCommitsDaveyJoinsFramesBothWays(TruncatedTagAesGcm.Backend backend) throws Exception {
        try (Member java = javaCreatesGroupClosing(backend)) {
            Map<String, Object> state = peer.call("state", "user", Long.toUnsignedString(DAVEY_USER));
            assertThat(java.session.privacyCode()).isEqualTo(state.get("privacyCode")).hasSize(30);
            assertThat(Bytes.toHex(java.session.epochAuthenticator())).isEqualTo(state.get("epochAuthenticator"));
            byte[] random = new byte[45];
            new java.util.Random(3).nextBytes(random);
            assertThat(DaveSession.displayableCode(random, 45, 5)).isEqualTo(peer.call("displayableCode", "data",
                    random, "length", 45, "groupSize", 5).get("code"));
            Map<String, Object> fingerprint = peer.call("sessionFingerprint", "user",
                    Long.toUnsignedString(DAVEY_USER), "version", 0, "other", Long.toUnsignedString(JAVA_USER));
            assertThat(Bytes.toHex(java.session.pairwiseFingerprint(0, DAVEY_USER)))
                    .isEqualTo(fingerprint.get("fingerprint"));
            exchangeFrames(java, DAVEY_USER);
        }
    }

    @ParameterizedTest
    @EnumSource(TruncatedTagAesGcm.Backend.class)
    void daveyCommitsJavaJoinsFramesBothWays(TruncatedTagAesGcm.Backend backend) throws Exception {
        Member java = new Member(JAVA_USER, backend);
        try (AutoCloseable closer = java.session) {
            byte[] externalSender = DaveyPeer.bytes(peer.call("init", "groupId", Long.toUnsignedString(GROUP)),
                    "externalSender");
            String davey = Long.toUnsignedString(DAVEY_USER);
            peer.call("newMember", "user", davey, "groupId", Long.toUnsignedString(GROUP));
            java.session.onSelectProtocolAck(1);
            java.session.onBinary(25, externalSender);
            byte[] javaKeyPackage = java.lastBinary(VoiceOpcode.DAVE_MLS_KEY_PACKAGE);
            byte[] proposals = DaveyPeer.bytes(peer.call("proposeAdd", "epoch", 0, "keyPackages",
                    List.of(javaKeyPackage)), "body");
            Map<String, Object> cw = peer.call("processProposals", "user", davey, "body", proposals,
                    "recognized", List.of(davey, Long.toUnsignedString(JAVA_USER)));
            peer.call("processCommit", "user", davey, "commit", DaveyPeer.bytes(cw, "commit"));
            java.session.onBinary(30, GatewayExternalSender.transition(3, DaveyPeer.bytes(cw, "welcome")));
            assertThat(java.json).last().isEqualTo("{\"op\":23,\"d\":{\"transition_id\":3}}");
            java.session.onExecuteTransition(3);
            assertThat(java.session.epoch()).isEqualTo(1);
            Map<String, Object> state = peer.call("state", "user", davey);
            assertThat(java.session.privacyCode()).isEqualTo(state.get("privacyCode"));
            exchangeFrames(java, DAVEY_USER);
        }
    }

    private Member javaCreatesGroupClosing(TruncatedTagAesGcm.Backend backend) throws Exception {
        return javaCreatesGroup(backend, DAVEY_USER);
    }

    private void exchangeFrames(Member java, long daveyUser) throws Exception {
        String davey = Long.toUnsignedString(daveyUser);
        String javaId = Long.toUnsignedString(JAVA_USER);
        for (Frame f : frames()) {
            // Java seals, davey opens
            byte[] sealed = java.seal(f.codec(), f.bytes());
            assertThat(sealed).endsWith((byte) 0xFA, (byte) 0xFA);
            Map<String, Object> opened = peer.call("decrypt", "user", davey, "from", javaId, "mediaType",
                    f.mediaType(), "frames", List.of(sealed));
            assertThat(DaveyPeer.list(opened, "frames").get(0)).as(f.codec() + " Java → davey")
                    .isEqualTo(Bytes.toHex(f.bytes()));
            // davey seals, Java opens
            Map<String, Object> enc = peer.call("encrypt", "user", davey, "mediaType", f.mediaType(), "codec",
                    daveyCodec(f.codec()), "frames", List.of(f.bytes()));
            byte[] daveySealed = Bytes.fromHex((String) DaveyPeer.list(enc, "frames").get(0));
            assertThat(java.open(daveyUser, f.codec(), daveySealed)).as(f.codec() + " davey → Java")
                    .isEqualTo(f.bytes());
            // a flipped bit is refused on both sides
            byte[] tampered = java.seal(f.codec(), f.bytes());
            tampered[tampered.length / 2] ^= 0x10;
            Map<String, Object> refused = peer.call("decrypt", "user", davey, "from", javaId, "mediaType",
                    f.mediaType(), "frames", List.of(tampered));
            assertThat((String) DaveyPeer.list(refused, "frames").get(0)).startsWith("error:");
            Map<String, Object> enc2 = peer.call("encrypt", "user", davey, "mediaType", f.mediaType(), "codec",
                    daveyCodec(f.codec()), "frames", List.of(f.bytes()));
            byte[] daveyTampered = Bytes.fromHex((String) DaveyPeer.list(enc2, "frames").get(0));
            daveyTampered[daveyTampered.length / 2] ^= 0x10;
            int status = java.open(daveyUser, f.codec(), daveyTampered, new byte[daveyTampered.length]);
            assertThat(FrameCryptoStatus.ofResult(status)).isIn(FrameCryptoStatus.AUTHENTICATION_FAILED,
                    FrameCryptoStatus.MALFORMED, FrameCryptoStatus.GENERATION_OUT_OF_RANGE);
        }
        // a replayed frame is refused once opened
        Map<String, Object> enc = peer.call("encrypt", "user", davey, "mediaType", AUDIO, "codec", 1, "frames",
                List.of(OPUS));
        byte[] once = Bytes.fromHex((String) DaveyPeer.list(enc, "frames").get(0));
        assertThat(java.open(daveyUser, Codec.OPUS, once)).isEqualTo(OPUS);
        assertThat(FrameCryptoStatus.ofResult(java.open(daveyUser, Codec.OPUS, once, new byte[once.length])))
                .isEqualTo(FrameCryptoStatus.REPLAYED);
    }

    /**
     * The gateway adds a third member while both stream: frames sealed in the old epoch before the switch and in
     * the new one after it all open (receivers keep the old ratchet for the transition window).
     */
    @ParameterizedTest
    @EnumSource(TruncatedTagAesGcm.Backend.class)
    void epochChangeMidStreamLosesNoFrame(TruncatedTagAesGcm.Backend backend) throws Exception {
        try (Member java = javaCreatesGroupClosing(backend)) {
            String davey = Long.toUnsignedString(DAVEY_USER);
            String javaId = Long.toUnsignedString(JAVA_USER);
            String third = Long.toUnsignedString(THIRD_USER);
            List<byte[]> javaOld = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                javaOld.add(java.seal(Codec.H264, H264));
            }
            List<Object> daveyOld = DaveyPeer.list(peer.call("encrypt", "user", davey, "mediaType", VIDEO, "codec", 4,
                    "frames", List.of(H264, H264, H264)), "frames");
            // epoch 1 → 2: the gateway proposes adding a third member to both members; davey's commit wins
            byte[] thirdKeyPackage = DaveyPeer.bytes(peer.call("newMember", "user", third, "groupId",
                    Long.toUnsignedString(GROUP)), "keyPackage");
            java.session.onClientsConnect(List.of(THIRD_USER));
            byte[] proposals = DaveyPeer.bytes(peer.call("proposeAdd", "epoch", 1, "keyPackages",
                    List.of(thirdKeyPackage)), "body");
            java.session.onBinary(27, proposals);
            Map<String, Object> cw = peer.call("processProposals", "user", davey, "body", proposals,
                    "recognized", List.of(davey, javaId, third));
            byte[] commit = DaveyPeer.bytes(cw, "commit");
            // davey has not seen the commit yet: Java's old-epoch frames still open there
            Map<String, Object> early = peer.call("decrypt", "user", davey, "from", javaId, "mediaType", VIDEO,
                    "frames", javaOld.subList(0, 2));
            assertThat(DaveyPeer.list(early, "frames")).containsOnly(Bytes.toHex(H264));
            peer.call("processCommit", "user", davey, "commit", commit);
            java.session.onBinary(29, GatewayExternalSender.transition(9, commit));
            assertThat(java.session.epoch()).isEqualTo(2);
            assertThat(java.session.mlsFailures()).isZero();
            peer.call("processWelcome", "user", third, "welcome", DaveyPeer.bytes(cw, "welcome"));
            // before execute: Java still seals with epoch 1; davey (now at epoch 2) opens old frames in the window
            javaOld.add(java.seal(Codec.H264, H264));
            Map<String, Object> late = peer.call("decrypt", "user", davey, "from", javaId, "mediaType", VIDEO,
                    "frames", javaOld.subList(2, javaOld.size()));
            assertThat(DaveyPeer.list(late, "frames")).hasSize(4).containsOnly(Bytes.toHex(H264));
            // davey's frames from epoch 1 open at Java after the commit, and so do its epoch 2 frames
            for (Object f : daveyOld) {
                assertThat(java.open(DAVEY_USER, Codec.H264, Bytes.fromHex((String) f))).isEqualTo(H264);
            }
            List<Object> daveyNew = DaveyPeer.list(peer.call("encrypt", "user", davey, "mediaType", VIDEO, "codec", 4,
                    "frames", List.of(H264, H264)), "frames");
            for (Object f : daveyNew) {
                assertThat(java.open(DAVEY_USER, Codec.H264, Bytes.fromHex((String) f))).isEqualTo(H264);
            }
            // execute: Java seals with epoch 2; davey and the new member open
            java.session.onExecuteTransition(9);
            byte[] fresh = java.seal(Codec.H264, H264);
            for (String who : List.of(davey, third)) {
                Map<String, Object> r = peer.call("decrypt", "user", who, "from", javaId, "mediaType", VIDEO, "frames",
                        List.of(fresh));
                assertThat(DaveyPeer.list(r, "frames")).as(who).containsOnly(Bytes.toHex(H264));
            }
            assertThat(java.session.privacyCode()).isEqualTo(peer.call("state", "user", third).get("privacyCode"));
        }
    }
}
