package io.mediaplane.discord.dave;

import io.mediaplane.discord.VoiceOpcode;
import io.mediaplane.crypto.TruncatedTagAesGcm;
import io.mediaplane.discord.FrameCrypto;
import io.mediaplane.discord.FrameCryptoStatus;
import io.mediaplane.stream.Codec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * One member's DAVE state for one voice or stream connection, driven by the voice gateway's DAVE opcodes and used
 * by the media legs as their {@link FrameCrypto}. It follows the transition protocol of Discord's DAVE description
 * (and libdave's session manager):
 *
 * <ul>
 *   <li>Protocol version from select_protocol_ack (op 4) or prepare_epoch (op 24, epoch 1 = a new group): a fresh
 *       MLS state and a key package (op 26).
 *   <li>External sender (op 25), proposals (op 27) → commit and welcome (op 28); announced commit (op 29) or
 *       welcome (op 30) → receivers get the new epoch's ratchets at once (the previous ones stay usable for
 *       {@value #RATCHET_TRANSITION_SECONDS} s), and the sender switches when the gateway executes the transition
 *       (op 22) — immediately for transition id 0, otherwise after answering ready (op 23).
 *   <li>prepare_transition (op 21) to protocol version 0 accepts plaintext from everyone; its execution makes this
 *       member send plaintext. An upgrade keeps accepting plaintext for {@value #UPGRADE_PASSTHROUGH_SECONDS} s.
 *   <li>A commit or welcome that cannot be processed: op 31 (JSON) with its transition id, then a fresh state and
 *       a new key package.
 * </ul>
 *
 * Frames go out in the clear while this member has no sending key, and come in through passthrough from senders
 * without a ratchet while no group exists or the protocol version is 0. Gateway calls are serialised on the
 * session; {@link #seal} runs on one sending thread and {@link #open} may run on several receiving threads.
 */
public final class DaveSession implements FrameCrypto, AutoCloseable {
    static final long RATCHET_TRANSITION_SECONDS = 10;
    static final long UPGRADE_PASSTHROUGH_SECONDS = 10;
    private static final long SECOND = 1_000_000_000L;

    /** Where the session's outgoing gateway messages go (the voice gateway connection implements it). */
    public interface GatewaySink {
        /** Sends a client binary frame {@code [u8 opcode][payload]} (opcodes 26 and 28); the sink adds the opcode. */
        void sendBinary(VoiceOpcode op, byte[] payload);

        /** Sends {@code {"op": op.code(), "d": data}} (opcodes 23 and 31). */
        void sendJson(VoiceOpcode op, String data);
    }

    private final long selfUserId;
    private final long groupId;
    private final GatewaySink sink;
    private final LongSupplier clock;
    private final TruncatedTagAesGcm.Backend backend;

    private final Object gatewayLock = new Object();
    private int protocolVersion;
    private DaveMls mls;
    private byte[] externalSender;
    private final Map<Integer, Integer> pendingTransitions = new HashMap<>();
    private KeyRatchet pendingSelfRatchet;
    private final Set<Long> recognizedUsers = ConcurrentHashMap.newKeySet();
    private volatile boolean groupEstablished;
    private long mlsFailures;

    private final FrameEncryptor encryptor;
    private byte[] sealIn = new byte[2048];
    private byte[] sealOut = new byte[2048];
    private final Map<Long, Receiver> receivers = new ConcurrentHashMap<>();
    private volatile boolean passthroughForUnknown = true;
    private final long[] sealCounts = new long[FrameCryptoStatus.values().length];
    private long sealedInClear;

    /** A sender's decryptor with its scratch buffers; calls on it are serialised by locking it. */
    private static final class Receiver {
        final FrameDecryptor decryptor;
        byte[] in = new byte[2048];
        byte[] out = new byte[2048];

        Receiver(FrameDecryptor decryptor) {
            this.decryptor = decryptor;
        }
    }

    public DaveSession(long selfUserId, long groupId, GatewaySink sink) {
        this(selfUserId, groupId, sink, System::nanoTime, TruncatedTagAesGcm.defaultBackend());
    }

    /** {@code clock}: nanoseconds, monotonic (expiries and the ratchet lifetime check use it). */
    public DaveSession(long selfUserId, long groupId, GatewaySink sink, LongSupplier clock,
            TruncatedTagAesGcm.Backend backend) {
        this.selfUserId = selfUserId;
        this.groupId = groupId;
        this.sink = sink;
        this.clock = clock;
        this.backend = backend;
        this.encryptor = new FrameEncryptor(backend);
        recognizedUsers.add(selfUserId);
    }

    // ---------------------------------------------------------------- gateway input

    /** Opcode 4 {@code dave_protocol_version}: a positive version starts a session and sends a key package. */
    public void onSelectProtocolAck(int daveProtocolVersion) {
        synchronized (gatewayLock) {
            protocolVersion = daveProtocolVersion;
            if (daveProtocolVersion > 0) {
                reinit();
            } else {
                downgradeNow();
            }
        }
    }

    /** Opcode 11: users joined the call (recognised for Add proposals). */
    public void onClientsConnect(Collection<Long> userIds) {
        recognizedUsers.addAll(userIds);
    }

    /** Opcode 13: a user left. */
    public void onClientDisconnect(long userId) {
        if (userId != selfUserId) {
            recognizedUsers.remove(userId);
        }
    }

    /** Opcode 21 {@code {transition_id, protocol_version}}. */
    public void onPrepareTransition(int transitionId, int version) {
        synchronized (gatewayLock) {
            pendingTransitions.put(transitionId, version);
            if (version == 0) {
                long now = clock.getAsLong();
                passthroughForUnknown = true;
                for (Receiver r : receivers.values()) {
                    synchronized (r) {
                        r.decryptor.transitionToPassthrough(true, 0, now);
                    }
                }
            }
            if (transitionId == 0) {
                execute(transitionId);
            } else {
                sink.sendJson(VoiceOpcode.DAVE_TRANSITION_READY, DaveMessages.transitionIdJson(transitionId));
            }
        }
    }

    /** Opcode 22 {@code {transition_id}}. */
    public void onExecuteTransition(int transitionId) {
        synchronized (gatewayLock) {
            execute(transitionId);
        }
    }

    /** Opcode 24 {@code {protocol_version, epoch}}: epoch 1 means a new group; start over with a new key package. */
    public void onPrepareEpoch(int version, long epoch) {
        synchronized (gatewayLock) {
            if (epoch == 1) {
                protocolVersion = version;
                reinit();
            }
        }
    }

    /**
     * A binary DAVE message from the gateway: {@code opcode} and the payload after {@code [u16 seq][u8 opcode]}
     * (see {@link DaveMessages#parseServerBinary}). Returns false when the opcode is not a binary server opcode.
     */
    public boolean onBinary(int opcode, byte[] payload) {
        VoiceOpcode op = VoiceOpcode.of(opcode);
        if (op == null || !op.binary()) {
            return false;
        }
        synchronized (gatewayLock) {
            switch (op) {
                case DAVE_MLS_EXTERNAL_SENDER -> externalSender(payload);
                case DAVE_MLS_PROPOSALS -> proposals(payload);
                case DAVE_MLS_ANNOUNCE_COMMIT_TRANSITION -> commitOrWelcome(payload, true);
                case DAVE_MLS_WELCOME -> commitOrWelcome(payload, false);
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    private void reinit() {
        mls = new DaveMls(selfUserId, groupId);
        groupEstablished = false;
        pendingSelfRatchet = null;
        if (externalSender != null) {
            try {
                mls.setExternalSender(externalSender);
            } catch (DaveMls.DaveMlsException e) {
                mlsFailures++;
            }
        }
        sink.sendBinary(VoiceOpcode.DAVE_MLS_KEY_PACKAGE, mls.keyPackage());
    }

    private void externalSender(byte[] payload) {
        if (mls == null) {
            return;
        }
        try {
            mls.setExternalSender(payload);
            externalSender = payload.clone();
        } catch (DaveMls.DaveMlsException e) {
            mlsFailures++;
        }
    }

    private void proposals(byte[] payload) {
        if (mls == null) {
            return;
        }
        try {
            DaveMls.CommitWelcome cw = mls.processProposals(payload, Set.copyOf(recognizedUsers));
            byte[] answer = cw.welcome() == null ? cw.commit() : concat(cw.commit(), cw.welcome());
            sink.sendBinary(VoiceOpcode.DAVE_MLS_COMMIT_WELCOME, answer);
        } catch (DaveMls.DaveMlsException e) {
            mlsFailures++; // libdave drops refused proposals without recovery
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * The gateway session was lost (not resumed): the MLS state is dropped, frames go out and come in as
     * plaintext until the next Session Description starts over.
     */
    public void onSessionLost() {
        synchronized (gatewayLock) {
            mls = null;
            externalSender = null;
            groupEstablished = false;
            pendingSelfRatchet = null;
            pendingTransitions.clear();
            protocolVersion = 0;
            downgradeNow();
        }
    }

    private void commitOrWelcome(byte[] payload, boolean commit) {
        DaveMessages.Transition t = DaveMessages.parseTransition(payload);
        if (t == null || mls == null) {
            mlsFailures++;
            return;
        }
        try {
            Map<Long, byte[]> change = commit ? mls.processCommit(t.message())
                    : mls.processWelcome(t.message(), Set.copyOf(recognizedUsers));
            prepareRatchets(change);
            groupEstablished = true;
            if (t.transitionId() == 0) {
                pendingTransitions.put(0, protocolVersion);
                execute(0);
            } else {
                pendingTransitions.put(t.transitionId(), protocolVersion);
                sink.sendJson(VoiceOpcode.DAVE_TRANSITION_READY, DaveMessages.transitionIdJson(t.transitionId()));
            }
        } catch (DaveMls.DaveMlsException e) {
            mlsFailures++;
            sink.sendJson(VoiceOpcode.DAVE_MLS_INVALID_COMMIT_WELCOME, DaveMessages.transitionIdJson(t.transitionId()));
            reinit();
        }
    }

    /** New epoch: receivers switch now (old ratchets expire later); this member's own ratchet waits for execute. */
    private void prepareRatchets(Map<Long, byte[]> rosterChange) throws DaveMls.DaveMlsException {
        long now = clock.getAsLong();
        for (Map.Entry<Long, byte[]> e : rosterChange.entrySet()) {
            if (e.getValue().length == 0) {
                Receiver gone = receivers.remove(e.getKey());
                if (gone != null) {
                    synchronized (gone) {
                        gone.decryptor.close();
                    }
                }
            }
        }
        for (Long user : mls.roster().keySet()) {
            if (user == selfUserId) {
                continue;
            }
            KeyRatchet ratchet = new KeyRatchet(mls.exportBaseSecret(user));
            Receiver r = receivers.computeIfAbsent(user, u -> {
                Receiver fresh = new Receiver(new FrameDecryptor(backend));
                fresh.decryptor.transitionToPassthrough(true, 0, now); // plaintext until the upgrade executes
                return fresh;
            });
            synchronized (r) {
                r.decryptor.transitionToKeyRatchet(ratchet, RATCHET_TRANSITION_SECONDS * SECOND, now);
            }
        }
        pendingSelfRatchet = new KeyRatchet(mls.exportBaseSecret(selfUserId));
    }

    private void execute(int transitionId) {
        Integer version = pendingTransitions.remove(transitionId);
        if (version == null) {
            return; // not prepared: libdave ignores it too
        }
        long now = clock.getAsLong();
        if (version == 0) {
            protocolVersion = 0;
            downgradeNow();
            return;
        }
        protocolVersion = version;
        if (pendingSelfRatchet != null) {
            synchronized (encryptor) {
                encryptor.setKeyRatchet(pendingSelfRatchet);
            }
            pendingSelfRatchet = null;
        }
        passthroughForUnknown = false;
        for (Receiver r : receivers.values()) {
            synchronized (r) {
                r.decryptor.transitionToPassthrough(false, UPGRADE_PASSTHROUGH_SECONDS * SECOND, now);
            }
        }
    }

    private void downgradeNow() {
        long now = clock.getAsLong();
        synchronized (encryptor) {
            encryptor.setKeyRatchet(null);
        }
        passthroughForUnknown = true;
        for (Receiver r : receivers.values()) {
            synchronized (r) {
                r.decryptor.transitionToPassthrough(true, 0, now);
            }
        }
    }

    // ---------------------------------------------------------------- state

    public int protocolVersion() {
        synchronized (gatewayLock) {
            return protocolVersion;
        }
    }

    /** The MLS epoch, or -1 before the group is joined. */
    public long epoch() {
        synchronized (gatewayLock) {
            return mls != null ? mls.epoch() : -1;
        }
    }

    /** Whether this member seals frames (it has executed a transition into an epoch). */
    public boolean isSending() {
        synchronized (encryptor) {
            return encryptor.hasKey();
        }
    }

    /** Members of the current epoch (user ids). */
    public Set<Long> members() {
        synchronized (gatewayLock) {
            return mls != null ? Set.copyOf(mls.roster().keySet()) : Set.of();
        }
    }

    /** Commits, welcomes or proposals refused so far. */
    public long mlsFailures() {
        synchronized (gatewayLock) {
            return mlsFailures;
        }
    }

    /** The epoch authenticator of the current epoch (empty before the group). */
    public byte[] epochAuthenticator() {
        synchronized (gatewayLock) {
            return mls != null ? mls.epochAuthenticator() : new byte[0];
        }
    }

    /** This member's MLS signature public key (uncompressed P-256 point). */
    public byte[] signaturePublicKey() {
        synchronized (gatewayLock) {
            return mls != null ? mls.signaturePublicKey() : new byte[0];
        }
    }

    /**
     * The voice privacy code every member sees: the epoch authenticator as 30 digits in groups of 5
     * ({@link #displayableCode}); empty before the group.
     */
    public String privacyCode() {
        byte[] auth = epochAuthenticator();
        return auth.length == 0 ? "" : displayableCode(auth, 30, 5);
    }

    /**
     * libdave {@code GenerateDisplayableCode}: for each group of {@code groupSize} digits, the next
     * {@code groupSize} bytes as a big-endian number modulo 10^groupSize, zero-padded.
     */
    public static String displayableCode(byte[] data, int length, int groupSize) {
        if (length % groupSize != 0 || data.length < length || groupSize > 8) {
            throw new IllegalArgumentException("need " + length + " bytes in groups of at most 8");
        }
        StringBuilder out = new StringBuilder(length);
        long modulus = (long) Math.pow(10, groupSize);
        for (int i = 0; i < length; i += groupSize) {
            long group = 0;
            for (int j = 0; j < groupSize; j++) {
                group = group << 8 | (data[i + j] & 0xFF);
            }
            String digits = Long.toString(Long.remainderUnsigned(group, modulus));
            out.append("0".repeat(groupSize - digits.length())).append(digits);
        }
        return out.toString();
    }

    /**
     * libdave {@code GetPairwiseFingerprint}: scrypt (N 16384, r 8, p 2, 64 bytes, fixed salt) over the sorted
     * concatenation of {@code u16 version ‖ signature key ‖ u64 user id} for both users.
     */
    public static byte[] pairwiseFingerprint(int version, byte[] keyA, long userA, byte[] keyB, long userB) {
        byte[] a = fingerprintInput(version, keyA, userA);
        byte[] b = fingerprintInput(version, keyB, userB);
        if (Arrays.compareUnsigned(a, b) > 0) {
            byte[] t = a;
            a = b;
            b = t;
        }
        byte[] data = new byte[a.length + b.length];
        System.arraycopy(a, 0, data, 0, a.length);
        System.arraycopy(b, 0, data, a.length, b.length);
        byte[] salt = new BigInteger("24cab17a7af8ec2b82b412b92dab192e", 16).toByteArray();
        salt = Arrays.copyOfRange(salt, salt.length - 16, salt.length);
        return SCrypt.generate(data, salt, 16384, 8, 2, 64);
    }

    private static byte[] fingerprintInput(int version, byte[] key, long user) {
        return ByteBuffer.allocate(2 + key.length + 8).putShort((short) version).put(key).putLong(user).array();
    }

    /** The pairwise fingerprint between this member and {@code userId}; null when that user is not a member. */
    public byte[] pairwiseFingerprint(int version, long userId) {
        byte[] remote;
        byte[] self;
        synchronized (gatewayLock) {
            if (mls == null || !mls.roster().containsKey(userId)) {
                return null;
            }
            remote = mls.roster().get(userId);
            self = mls.signaturePublicKey();
        }
        return pairwiseFingerprint(version, remote, userId, self, selfUserId);
    }

    // ---------------------------------------------------------------- FrameCrypto

    @Override
    public int maxSealedSize(int frameSize) {
        return FrameEncryptor.maxSealedSize(frameSize);
    }

    @Override
    public int seal(Codec codec, MemorySegment frame, MemorySegment out) {
        int length = (int) frame.byteSize();
        synchronized (encryptor) {
            if (!encryptor.hasKey() || (codec == Codec.OPUS && isSilence(frame))) {
                sealedInClear++;
                return copy(frame, out);
            }
            // a whole byte[] (the publisher's access unit and its output buffer) is used as it is, without a copy
            byte[] in = wholeArray(frame);
            if (in == null) {
                sealIn = OutboundFrame.ensure(sealIn, length);
                MemorySegment.copy(frame, ValueLayout.JAVA_BYTE, 0, sealIn, 0, length);
                in = sealIn;
            }
            int need = maxSealedSize(length) + length / 3 + 16;
            byte[] direct = wholeArray(out);
            byte[] target = direct != null && direct != in && direct.length >= need ? direct : null;
            if (target == null) {
                sealOut = OutboundFrame.ensure(sealOut, need);
            }
            int n = encryptor.seal(codec, in, length, target != null ? target : sealOut);
            if (n < 0) {
                sealCounts[FrameCryptoStatus.ofResult(n).ordinal()]++;
                return n;
            }
            if (n > out.byteSize()) {
                sealCounts[FrameCryptoStatus.OUTPUT_TOO_SMALL.ordinal()]++;
                return FrameCryptoStatus.OUTPUT_TOO_SMALL.result();
            }
            if (target == null) {
                MemorySegment.copy(sealOut, 0, out, ValueLayout.JAVA_BYTE, 0, n);
            }
            sealCounts[0]++;
            return n;
        }
    }

    @Override
    public int open(long senderUserId, Codec codec, MemorySegment frame, MemorySegment out) {
        Receiver r = receivers.get(senderUserId);
        if (r == null) {
            return passthroughForUnknown ? copy(frame, out) : FrameCryptoStatus.NO_KEY.result();
        }
        int length = (int) frame.byteSize();
        synchronized (r) {
            r.in = OutboundFrame.ensure(r.in, length);
            MemorySegment.copy(frame, ValueLayout.JAVA_BYTE, 0, r.in, 0, length);
            r.out = OutboundFrame.ensure(r.out, length);
            int n = r.decryptor.open(codec.kind(), r.in, length, r.out, clock.getAsLong());
            if (n < 0) {
                return n;
            }
            if (n > out.byteSize()) {
                return FrameCryptoStatus.OUTPUT_TOO_SMALL.result();
            }
            MemorySegment.copy(r.out, 0, out, ValueLayout.JAVA_BYTE, 0, n);
            return n;
        }
    }

    /** Frames of {@code sender} that ended with {@code status} (0 for unknown senders). */
    public long openCount(long sender, FrameCryptoStatus status) {
        Receiver r = receivers.get(sender);
        if (r == null) {
            return 0;
        }
        synchronized (r) {
            return r.decryptor.statusCount(status);
        }
    }

    /** Frames sealed ({@link FrameCryptoStatus#OK}) or refused with {@code status}. */
    public long sealCount(FrameCryptoStatus status) {
        synchronized (encryptor) {
            return sealCounts[status.ordinal()];
        }
    }

    /** Frames sent in the clear (no sending key yet, protocol version 0, or Opus silence). */
    public long sealedInClearCount() {
        synchronized (encryptor) {
            return sealedInClear;
        }
    }

    public TruncatedTagAesGcm.Backend backend() {
        return backend;
    }

    /** The array behind {@code s} when {@code s} is all of a {@code byte[]}, else null. */
    private static byte[] wholeArray(MemorySegment s) {
        return !s.isNative() && s.address() == 0 && s.heapBase().orElse(null) instanceof byte[] a
                && a.length == s.byteSize() ? a : null;
    }

    private static boolean isSilence(MemorySegment frame) {
        return frame.byteSize() == 3 && frame.get(ValueLayout.JAVA_BYTE, 0) == SecureFrame.OPUS_SILENCE[0]
                && frame.get(ValueLayout.JAVA_BYTE, 1) == SecureFrame.OPUS_SILENCE[1]
                && frame.get(ValueLayout.JAVA_BYTE, 2) == SecureFrame.OPUS_SILENCE[2];
    }

    private static int copy(MemorySegment frame, MemorySegment out) {
        if (frame.byteSize() > out.byteSize()) {
            return FrameCryptoStatus.OUTPUT_TOO_SMALL.result();
        }
        MemorySegment.copy(frame, 0, out, 0, frame.byteSize());
        return (int) frame.byteSize();
    }

    @Override
    public void close() {
        synchronized (encryptor) {
            encryptor.close();
        }
        List<Receiver> all = new ArrayList<>(receivers.values());
        receivers.clear();
        for (Receiver r : all) {
            synchronized (r) {
                r.decryptor.close();
            }
        }
    }
}
