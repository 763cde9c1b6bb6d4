package io.mediaplane.discord.dave;

import io.mediaplane.discord.VoiceOpcode;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.crypto.TruncatedTagAesGcm;
import io.mediaplane.discord.FrameCryptoStatus;
import io.mediaplane.stream.Codec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The session's transition protocol between Java members, with the gateway's external sender played on bcmls
 * ({@code MLSMessage.externalProposal}): group creation and joining, revoked proposals, a refused commit
 * (opcode 31 and a new key package), downgrade to protocol 0 and the passthrough window after an upgrade, on a
 * fake clock.
 */
class DaveSessionTest {
    private static final long GROUP = 1234567890123L;
    private static final long A = 1001;
    private static final long B = 1002;
    private static final long C = 1003;
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private GatewayExternalSender gateway;
    private byte[] externalSender;

    /** A session whose gateway output is recorded. */
    final class Member {
        final List<byte[]> binary = new ArrayList<>();
        final List<String> json = new ArrayList<>();
        final DaveSession session;

        Member(long user) {
            session = new DaveSession(user, GROUP, new DaveSession.GatewaySink() {
                @Override
                public void sendBinary(VoiceOpcode op, byte[] payload) {
                    binary.add(DaveMessages.clientBinary(op, payload));
                }

                @Override
                public void sendJson(VoiceOpcode op, String data) {
                    json.add(DaveMessages.clientJson(op, data));
                }
            }, clock::get, TruncatedTagAesGcm.Backend.BOUNCY_CASTLE);
            session.onSelectProtocolAck(1);
            session.onBinary(25, externalSender);
            session.onClientsConnect(List.of(A, B, C));
        }

        byte[] last(VoiceOpcode op) {
            for (int i = binary.size() - 1; i >= 0; i--) {
                if ((binary.get(i)[0] & 0xFF) == op.code()) {
                    return Arrays.copyOfRange(binary.get(i), 1, binary.get(i).length);
                }
            }
            throw new AssertionError("nothing sent with " + op);
        }

        long sent(VoiceOpcode op) {
            return binary.stream().filter(b -> (b[0] & 0xFF) == op.code()).count();
        }

        byte[] seal(byte[] frame) {
            byte[] out = new byte[session.maxSealedSize(frame.length)];
            int n = session.seal(Codec.OPUS, MemorySegment.ofArray(frame), MemorySegment.ofArray(out));
            assertThat(n).isPositive();
            return Arrays.copyOf(out, n);
        }

        int open(long from, byte[] frame) {
            return session.open(from, Codec.OPUS, MemorySegment.ofArray(frame),
                    MemorySegment.ofArray(new byte[frame.length]));
        }
    }

    @BeforeEach
    void gateway() throws Exception {
        gateway = new GatewayExternalSender();
        externalSender = gateway.externalSenderPackage();
    }

    /** Opcode 27 append body: external Add proposals for the key packages. */
    private byte[] proposeAdd(long epoch, byte[]... keyPackages) throws Exception {
        return gateway.proposeAdd(GROUP, epoch, List.of(keyPackages));
    }

    private static byte[] body(int op, List<byte[]> items) {
        return GatewayExternalSender.proposals(op, items);
    }

    private static byte[][] commitWelcome(Member m) throws Exception {
        return GatewayExternalSender.splitCommitWelcome(m.last(VoiceOpcode.DAVE_MLS_COMMIT_WELCOME));
    }

    /** A creates the group with B; transition 4 executed on both. */
    private Member[] group() throws Exception {
        Member a = new Member(A);
        Member b = new Member(B);
        a.session.onBinary(27, proposeAdd(0, b.last(VoiceOpcode.DAVE_MLS_KEY_PACKAGE)));
        byte[][] cw = commitWelcome(a);
        a.session.onBinary(29, GatewayExternalSender.transition(4, cw[0]));
        b.session.onBinary(30, GatewayExternalSender.transition(4, cw[1]));
        assertThat(a.json).containsExactly("{\"op\":23,\"d\":{\"transition_id\":4}}");
        assertThat(b.json).containsExactly("{\"op\":23,\"d\":{\"transition_id\":4}}");
        a.session.onExecuteTransition(4);
        b.session.onExecuteTransition(4);
        return new Member[] {a, b};
    }

    @Test
    void membersFormAGroupAndAgreeOnCodeAndFingerprints() throws Exception {
        Member[] ab = group();
        Member a = ab[0];
        Member b = ab[1];
        assertThat(a.session.epoch()).isEqualTo(1);
        assertThat(b.session.members()).containsExactlyInAnyOrder(A, B);
        assertThat(a.session.privacyCode()).hasSize(30).isEqualTo(b.session.privacyCode());
        assertThat(a.session.pairwiseFingerprint(0, B)).hasSize(64).isEqualTo(b.session.pairwiseFingerprint(0, A));
        byte[] frame = {0x78, 1, 2, 3, 4, 5};
        byte[] sealed = a.seal(frame);
        assertThat(sealed.length).isGreaterThan(frame.length);
        byte[] out = new byte[sealed.length];
        int n = b.session.open(A, Codec.OPUS, MemorySegment.ofArray(sealed), MemorySegment.ofArray(out));
        assertThat(Arrays.copyOf(out, n)).isEqualTo(frame);
        assertThat(b.session.openCount(A, FrameCryptoStatus.OK)).isEqualTo(1);
        assertThat(a.session.sealCount(FrameCryptoStatus.OK)).isEqualTo(1);
    }

    @Test
    void framesTravelInTheClearUntilTheTransitionExecutes() throws Exception {
        Member a = new Member(A);
        byte[] frame = {1, 2, 3};
        assertThat(a.seal(frame)).isEqualTo(frame);
        assertThat(a.open(B, frame)).as("unknown sender before any group: passthrough").isEqualTo(3);
        assertThat(a.session.sealedInClearCount()).isEqualTo(1);
    }

    @Test
    void revokedProposalsAreLeftOutOfTheNextCommit() throws Exception {
        Member a = new Member(A);
        Member b = new Member(B);
        Member c = new Member(C);
        byte[] addB = proposeAdd(0, b.last(VoiceOpcode.DAVE_MLS_KEY_PACKAGE));
        byte[] addC = proposeAdd(0, c.last(VoiceOpcode.DAVE_MLS_KEY_PACKAGE));
        a.session.onBinary(27, addB);
        a.session.onBinary(27, addC);
        // the ProposalRef of C's Add: RefHash over the AuthenticatedContent (the MLSMessage without its version)
        byte[] message = DaveMls.vector(addC, 1);
        byte[] ref = gateway.proposalRef(message);
        byte[] refVector = new byte[1 + ref.length];
        refVector[0] = (byte) ref.length;
        System.arraycopy(ref, 0, refVector, 1, ref.length);
        a.session.onBinary(27, body(1, List.of(refVector)));
        assertThat(a.sent(VoiceOpcode.DAVE_MLS_COMMIT_WELCOME)).isEqualTo(3);
        byte[][] cw = commitWelcome(a);
        a.session.onBinary(29, GatewayExternalSender.transition(0, cw[0]));
        assertThat(a.session.members()).containsExactlyInAnyOrder(A, B);
        b.session.onBinary(30, GatewayExternalSender.transition(0, cw[1]));
        assertThat(b.session.epoch()).isEqualTo(1);
        assertThat(b.session.isSending()).as("transition 0 executes at once").isTrue();
        assertThat(a.session.mlsFailures()).isZero();
        // revoking an unknown ref is refused (no commit)
        a.session.onBinary(27, body(1, List.of(refVector)));
        assertThat(a.session.mlsFailures()).isEqualTo(1);
    }

    @Test
    void aCommitThatCannotBeProcessedIsReportedAndAnswersWithANewKeyPackage() throws Exception {
        Member a = new Member(A);
        Member b = new Member(B);
        a.session.onBinary(27, proposeAdd(0, b.last(VoiceOpcode.DAVE_MLS_KEY_PACKAGE)));
        byte[][] cw = commitWelcome(a);
        byte[] broken = cw[0].clone();
        broken[broken.length - 5] ^= 0x01; // inside the signature
        long keyPackages = a.sent(VoiceOpcode.DAVE_MLS_KEY_PACKAGE);
        a.session.onBinary(29, GatewayExternalSender.transition(12, broken));
        assertThat(a.json).containsExactly("{\"op\":31,\"d\":{\"transition_id\":12}}");
        assertThat(a.sent(VoiceOpcode.DAVE_MLS_KEY_PACKAGE)).isEqualTo(keyPackages + 1);
        assertThat(a.session.mlsFailures()).isEqualTo(1);
        // a welcome that is not for us is refused the same way
        Member c = new Member(C);
        c.session.onBinary(30, GatewayExternalSender.transition(13, cw[1]));
        assertThat(c.json).containsExactly("{\"op\":31,\"d\":{\"transition_id\":13}}");
    }

    @Test
    void downgradeToProtocolZeroSendsAndAcceptsPlaintext() throws Exception {
        Member[] ab = group();
        Member a = ab[0];
        byte[] plain = {0x11, 0x22, 0x33, 0x44};
        clock.addAndGet(11 * SECOND); // past the upgrade's passthrough window
        assertThat(FrameCryptoStatus.ofResult(a.open(B, plain))).as("plaintext refused in the group")
                .isEqualTo(FrameCryptoStatus.MALFORMED);
        a.session.onPrepareTransition(5, 0);
        assertThat(a.json).last().isEqualTo("{\"op\":23,\"d\":{\"transition_id\":5}}");
        assertThat(a.open(B, plain)).as("accepted once the downgrade is prepared").isEqualTo(4);
        assertThat(a.seal(plain)).as("still sealed until executed").isNotEqualTo(plain);
        a.session.onExecuteTransition(5);
        assertThat(a.session.protocolVersion()).isZero();
        assertThat(a.session.isSending()).isFalse();
        assertThat(a.seal(plain)).isEqualTo(plain);
        assertThat(a.open(B, plain)).isEqualTo(4);
    }

    @Test
    void plaintextFromMembersIsAcceptedTenSecondsAfterTheUpgrade() throws Exception {
        Member[] ab = group();
        byte[] plain = {0x11, 0x22, 0x33, 0x44};
        clock.addAndGet(9 * SECOND);
        assertThat(ab[0].open(B, plain)).isEqualTo(4);
        clock.addAndGet(2 * SECOND);
        assertThat(FrameCryptoStatus.ofResult(ab[0].open(B, plain))).isEqualTo(FrameCryptoStatus.MALFORMED);
        assertThat(FrameCryptoStatus.ofResult(ab[0].open(C, plain))).as("non-member after the upgrade")
                .isEqualTo(FrameCryptoStatus.NO_KEY);
    }

    @Test
    void prepareEpochOneStartsOverWithANewKeyPackage() throws Exception {
        Member[] ab = group();
        long before = ab[0].sent(VoiceOpcode.DAVE_MLS_KEY_PACKAGE);
        ab[0].session.onPrepareEpoch(1, 1);
        assertThat(ab[0].sent(VoiceOpcode.DAVE_MLS_KEY_PACKAGE)).isEqualTo(before + 1);
        assertThat(ab[0].session.epoch()).isEqualTo(-1);
        ab[0].session.onPrepareEpoch(1, 7);
        assertThat(ab[0].sent(VoiceOpcode.DAVE_MLS_KEY_PACKAGE)).as("only epoch 1 restarts").isEqualTo(before + 1);
    }

    @Test
    void gatewayMessageCodecs() {
        DaveMessages.ServerBinary b = DaveMessages.parseServerBinary(new byte[] {0x01, 0x02, 29, 0, 7, 9});
        assertThat(b.sequence()).isEqualTo(0x0102);
        assertThat(b.voiceOpcode()).isEqualTo(VoiceOpcode.DAVE_MLS_ANNOUNCE_COMMIT_TRANSITION);
        DaveMessages.Transition t = DaveMessages.parseTransition(b.payload());
        assertThat(t.transitionId()).isEqualTo(7);
        assertThat(t.message()).containsExactly(9);
        assertThat(DaveMessages.parseServerBinary(new byte[] {1, 2})).isNull();
        assertThat(DaveMessages.parseTransition(new byte[] {1})).isNull();
        assertThat(DaveMessages.intField("{\"transition_id\": 12, \"protocol_version\":1}", "transition_id"))
                .isEqualTo(12);
        assertThat(DaveMessages.intField("{\"protocol_version\":1,\"epoch\":3}", "epoch")).isEqualTo(3);
        assertThat(DaveMessages.intField("{\"epoch\":\"3\"}", "epoch")).isEqualTo(-1);
        assertThat(DaveMessages.intField("{\"epoch\":3x}", "epoch")).isEqualTo(-1);
        assertThat(DaveMessages.intField("{}", "epoch")).isEqualTo(-1);
        assertThat(DaveMessages.clientBinary(VoiceOpcode.DAVE_MLS_KEY_PACKAGE, new byte[] {5, 6})).containsExactly(26, 5, 6);
        assertThat(VoiceOpcode.of(31).meaning()).isEqualTo("DAVE MLS Invalid Commit Welcome");
        assertThat(VoiceOpcode.of(31).binary()).as("31 is JSON").isFalse();
        assertThat(VoiceOpcode.of(25).binary()).isTrue();
        assertThat(VoiceOpcode.of(30).binary()).isTrue();
        assertThat(VoiceOpcode.of(17)).isNull();
        for (VoiceOpcode op : VoiceOpcode.values()) {
            assertThat(VoiceOpcode.of(op.code())).isSameAs(op);
            assertThat(op.isDave()).isEqualTo(op.code() >= 21 && op.code() <= 31);
        }
        assertThat(DaveSession.displayableCode(new byte[] {0, 0, 0, 0, 1, 0, 0, 1, (byte) 0x86, (byte) 0xA0},
                10, 5)).isEqualTo("0000100000");
    }

    /** A leg's gateway sender that records what the hook sends. */
    static final class RecordingSender implements io.mediaplane.discord.DaveHook.GatewaySender {
        final List<String> json = new ArrayList<>();
        final List<byte[]> binary = new ArrayList<>();

        @Override
        public void sendJson(int opcode, String payloadJson) {
            json.add(opcode + " " + payloadJson);
        }

        @Override
        public void sendBinary(int opcode, byte[] payload) {
            binary.add(DaveMessages.clientBinary(VoiceOpcode.of(opcode), payload));
        }

        byte[] last(int opcode) {
            for (int i = binary.size() - 1; i >= 0; i--) {
                if ((binary.get(i)[0] & 0xFF) == opcode) {
                    return Arrays.copyOfRange(binary.get(i), 1, binary.get(i).length);
                }
            }
            throw new AssertionError("nothing sent with " + opcode);
        }
    }

    @Test
    void theLegHookDrivesTheSessionFromGatewayMessages() throws Exception {
        try (DaveGatewayHook a = new DaveGatewayHook(A, GROUP, clock::get, TruncatedTagAesGcm.Backend.BOUNCY_CASTLE);
                DaveGatewayHook b = new DaveGatewayHook(B, GROUP, clock::get, TruncatedTagAesGcm.Backend.BOUNCY_CASTLE)) {
            RecordingSender sa = new RecordingSender();
            RecordingSender sb = new RecordingSender();
            assertThat(a.maxProtocolVersion()).isEqualTo(1);
            a.onSessionDescription(1, sa);
            b.onSessionDescription(1, sb);
            a.onBinary(1, 25, externalSender, sa);
            b.onBinary(1, 25, externalSender, sb);
            a.onClientsConnect(java.util.Set.of(B));
            a.onBinary(2, 27, proposeAdd(0, sb.last(26)), sa);
            byte[][] cw = GatewayExternalSender.splitCommitWelcome(sa.last(28));
            a.onBinary(3, 29, GatewayExternalSender.transition(6, cw[0]), sa);
            b.onBinary(2, 30, GatewayExternalSender.transition(6, cw[1]), sb);
            assertThat(sa.json).containsExactly("23 {\"transition_id\":6}");
            a.onJson(io.mediaplane.discord.VoiceOpcode.DAVE_EXECUTE_TRANSITION, "{\"transition_id\":6}", sa);
            b.onJson(io.mediaplane.discord.VoiceOpcode.DAVE_EXECUTE_TRANSITION, "{\"transition_id\":6}", sb);
            assertThat(a.session().isSending()).isTrue();
            assertThat(a.session().privacyCode()).isEqualTo(b.session().privacyCode());
            byte[] frame = {0x78, 9, 8, 7};
            byte[] sealed = new byte[64];
            int n = a.frameCrypto().seal(Codec.OPUS, MemorySegment.ofArray(frame), MemorySegment.ofArray(sealed));
            byte[] out = new byte[64];
            int m = b.frameCrypto().open(A, Codec.OPUS, MemorySegment.ofArray(Arrays.copyOf(sealed, n)),
                    MemorySegment.ofArray(out));
            assertThat(Arrays.copyOf(out, m)).isEqualTo(frame);

            a.onJson(io.mediaplane.discord.VoiceOpcode.DAVE_PREPARE_TRANSITION,
                    "{\"transition_id\":9,\"protocol_version\":0}", sa);
            assertThat(sa.json).last().isEqualTo("23 {\"transition_id\":9}");
            a.onJson(io.mediaplane.discord.VoiceOpcode.DAVE_EXECUTE_TRANSITION, "{\"transition_id\":9}", sa);
            assertThat(a.session().protocolVersion()).isZero();
            a.onJson(io.mediaplane.discord.VoiceOpcode.DAVE_PREPARE_TRANSITION, "{\"transition_id\":\"x\"}", sa);
            a.onBinary(4, 26, new byte[] {1}, sa); // a client opcode from the server
            assertThat(a.droppedCount()).isEqualTo(2);
            long keyPackages = sb.binary.stream().filter(x -> x[0] == 26).count();
            b.onJson(io.mediaplane.discord.VoiceOpcode.DAVE_PREPARE_EPOCH, "{\"protocol_version\":1,\"epoch\":1}", sb);
            assertThat(sb.binary.stream().filter(x -> x[0] == 26).count()).isEqualTo(keyPackages + 1);
            b.onSessionLost();
            assertThat(b.session().epoch()).isEqualTo(-1);
            assertThat(b.session().isSending()).isFalse();
        }
    }

    @Test
    void sealRejectsATooSmallOutput() throws Exception {
        Member[] ab = group();
        byte[] frame = new byte[100];
        int n = ab[0].session.seal(Codec.OPUS, MemorySegment.ofArray(frame), MemorySegment.ofArray(new byte[50]));
        assertThat(FrameCryptoStatus.ofResult(n)).isEqualTo(FrameCryptoStatus.OUTPUT_TOO_SMALL);
        MemorySegment native1 = java.lang.foreign.Arena.ofAuto().allocate(200);
        n = ab[0].session.seal(Codec.OPUS, MemorySegment.ofArray(frame), native1);
        assertThat(n).isPositive();
        assertThat(native1.get(ValueLayout.JAVA_BYTE, n - 1)).isEqualTo((byte) 0xFA);
    }
}
