package io.mediaplane.discord.dave;

import java.io.IOException;
import java.lang.reflect.Field;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.TreeKEM.LeafIndex;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.TreeKEM.LifeTime;
import org.bouncycastle.mls.TreeKEM.TreeKEMPublicKey;
import org.bouncycastle.mls.codec.Capabilities;
import org.bouncycastle.mls.codec.ContentType;
import org.bouncycastle.mls.codec.Credential;
import org.bouncycastle.mls.codec.Extension;
import org.bouncycastle.mls.codec.ExtensionType;
import org.bouncycastle.mls.codec.ExternalSender;
import org.bouncycastle.mls.codec.FramedContent;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.codec.Proposal;
import org.bouncycastle.mls.codec.ProposalOrRef;
import org.bouncycastle.mls.codec.ProposalOrRefType;
import org.bouncycastle.mls.codec.ProposalType;
import org.bouncycastle.mls.codec.SenderType;
import org.bouncycastle.mls.codec.Welcome;
import org.bouncycastle.mls.codec.WireFormat;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.bouncycastle.mls.crypto.Secret;
import org.bouncycastle.mls.protocol.Group;

/**
 * The MLS side of a DAVE session (RFC 9420 on BouncyCastle's bcmls; the behaviour of libdave's
 * {@code mls::Session}): ciphersuite 2 (P-256, AES-128-GCM, SHA-256), basic credentials whose identity is the
 * big-endian u64 user id, group id the big-endian u64 channel (or stream) id, one group context extension
 * {@code external_senders} naming the voice gateway, handshake messages as PublicMessage, welcomes with the ratchet
 * tree inline.
 *
 * <ul>
 *   <li>Before a group exists the member holds a pending one-member group at epoch 0 (created once the external
 *       sender is known), so that it can commit the gateway's Add proposals and become the group's creator.
 *   <li>Proposals ({@code ProcessProposals}) must be PublicMessages of the current epoch from the external sender,
 *       Add (for a recognised user) or Remove; they are queued with their ProposalRef (RFC 9420 §5.2) and every
 *       batch yields a commit (by reference) plus, when it adds members, a Welcome.
 *   <li>A commit announced by the gateway is either the member's own (the cached next state is adopted) or
 *       another member's, processed against the state with the queued proposals.
 * </ul>
 *
 * One piece bcmls lacks: a copy of a group state. libdave re-applies the remaining proposals to a fresh copy on a
 * revoke; here the group's pending proposal list is cleared (bcmls keeps it in a private field, reached by
 * reflection in {@link #clearPendingProposals}) and the remaining queued proposals handled again.
 *
 * <p>Methods throw {@link DaveMlsException} when a message is refused; {@link DaveSession} turns that into the
 * protocol's recovery (opcode 31 and a new key package). Not thread-safe: the session serialises calls.
 */
final class DaveMls {
    static final short CIPHERSUITE = MlsCipherSuite.MLS_128_DHKEMP256_AES128GCM_SHA256_P256;
    private static final String PROPOSAL_REF_LABEL = "MLS 1.0 Proposal Reference";

    /** A refusal of an MLS message or an MLS operation that could not complete. */
    static final class DaveMlsException extends Exception {
        DaveMlsException(String message) {
            super(message);
        }

        DaveMlsException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A queued proposal: its encoded MLSMessage and its ProposalRef. */
    private record Queued(byte[] message, byte[] ref, boolean add) {}

    /** The commit (MLSMessage) and the Welcome (raw, null without Add proposals) for opcode 28. */
    record CommitWelcome(byte[] commit, byte[] welcome) {}

    /**
     * Serialises every use of bcmls in the process. {@code MlsCipherSuite.getSuite} hands out one shared instance
     * per ciphersuite, and bcmls's decoders (KeyPackage, Welcome, GroupInfo, LeafNode ...) look suites up there too;
     * that instance's KDF holds a single HKDF generator over one SHA-256 digest, so two groups used at once from
     * different threads (the voice, watch and publish legs each have their own DAVE session) corrupt each other's
     * digests: wrong exporter secrets, refused commits, or ArrayIndexOutOfBoundsException inside the digest. MLS
     * operations happen only on gateway events, so one lock costs nothing that matters.
     */
    static final Object LOCK = new Object();

    private final MlsCipherSuite suite;
    private final SecureRandom random = new SecureRandom();
    private final long selfUserId;
    private final byte[] groupId;

    private AsymmetricCipherKeyPair signatureKeyPair;
    private byte[] signaturePrivate;
    private AsymmetricCipherKeyPair leafKeyPair;
    private LeafNode selfLeaf;
    private AsymmetricCipherKeyPair joinInitKeyPair;
    private KeyPackage joinKeyPackage;
    private ExternalSender externalSender;
    private byte[] externalSenderBytes;

    private Group pendingGroup;
    private Group current;
    private final List<Queued> queue = new ArrayList<>();
    private byte[] pendingCommit;
    private Group outboundCachedGroup;
    private Map<Long, byte[]> roster = Map.of();

    DaveMls(long selfUserId, long groupId) {
        synchronized (LOCK) {
            try {
                this.suite = MlsCipherSuite.getSuite(CIPHERSUITE);
            } catch (Exception e) {
                throw new IllegalStateException("bcmls lacks ciphersuite 2", e);
            }
            this.selfUserId = selfUserId;
            this.groupId = bigEndian(groupId);
            signatureKeyPair = suite.generateSignatureKeyPair();
            signaturePrivate = suite.serializeSignaturePrivateKey(signatureKeyPair.getPrivate());
            initLeafNode();
        }
    }

    static byte[] bigEndian(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (56 - 8 * i));
        }
        return b;
    }

    static long fromBigEndian(byte[] b) {
        if (b.length != 8) {
            return -1;
        }
        long v = 0;
        for (byte x : b) {
            v = v << 8 | (x & 0xFF);
        }
        return v;
    }

    private void initLeafNode() {
        try {
            leafKeyPair = suite.getHPKE().generatePrivateKey();
            selfLeaf = new LeafNode(suite, suite.getHPKE().serializePublicKey(leafKeyPair.getPublic()),
                    suite.serializeSignaturePublicKey(signatureKeyPair.getPublic()),
                    Credential.forBasic(bigEndian(selfUserId)), new Capabilities(),
                    new LifeTime(), // not_before 0, not_after 2^64 - 1, as DAVE requires
                    new ArrayList<>(), signaturePrivate);
        } catch (Exception e) {
            throw new IllegalStateException("leaf node creation failed", e);
        }
    }

    /** A new KeyPackage (raw, not wrapped in MLSMessage) for opcode 26; key packages are never reused. */
    byte[] keyPackage() {
        synchronized (LOCK) {
            try {
                if (selfLeaf == null) {
                    initLeafNode();
                }
                joinInitKeyPair = suite.getHPKE().generatePrivateKey();
                joinKeyPackage = new KeyPackage(suite, suite.getHPKE().serializePublicKey(joinInitKeyPair.getPublic()),
                        selfLeaf, new ArrayList<>(), signaturePrivate);
                return MLSOutputStream.encode(joinKeyPackage);
            } catch (Exception e) {
                throw new IllegalStateException("key package creation failed", e);
            }
        }
    }

    /** Opcode 25: the gateway's ExternalSender; creates the pending one-member group. */
    void setExternalSender(byte[] marshalled) throws DaveMlsException {
        synchronized (LOCK) {
            if (current != null) {
                throw new DaveMlsException("external sender set after the group was joined");
            }
            try {
                MLSInputStream in = new MLSInputStream(marshalled);
                ExternalSender sender = (ExternalSender) in.read(ExternalSender.class);
                if (!Arrays.equals(MLSOutputStream.encode(sender), marshalled)) {
                    throw new DaveMlsException("external sender has trailing bytes");
                }
                externalSender = sender;
                externalSenderBytes = marshalled.clone();
            } catch (IOException | RuntimeException e) {
                throw new DaveMlsException("malformed external sender", e);
            }
            createPendingGroup();
        }
    }

    private void createPendingGroup() throws DaveMlsException {
        if (selfLeaf == null) {
            initLeafNode();
        }
        try {
            List<Extension> extensions = new ArrayList<>();
            extensions.add(Extension.externalSender(List.of(externalSender)));
            pendingGroup = new Group(groupId, suite, leafKeyPair, signaturePrivate,
                    selfLeaf.copy(selfLeaf.getEncryptionKey()), extensions);
        } catch (Exception e) {
            throw new DaveMlsException("pending group creation failed", e);
        }
    }

    boolean hasGroup() {
        return current != null;
    }

    long epoch() {
        synchronized (LOCK) {
            return current != null ? current.getEpoch() : -1;
        }
    }

    /**
     * Opcode 27 body after the sequence number: {@code [u8 0 append | 1 revoke]} then {@code MLSMessage
     * proposal_messages<V>} or {@code ProposalRef proposal_refs<V>}. Returns the commit and welcome to send.
     *
     * @param recognizedUsers users an Add may name (voice gateway opcodes 11/13), or null to accept any
     */
    CommitWelcome processProposals(byte[] body, Set<Long> recognizedUsers) throws DaveMlsException {
        synchronized (LOCK) {
            Group base = pendingGroup != null ? pendingGroup : current;
            if (base == null) {
                throw new DaveMlsException("proposals before any group state");
            }
            if (body.length < 1 || (body[0] & 0xFF) > 1) {
                throw new DaveMlsException("proposals: operation type must be 0 (append) or 1 (revoke)");
            }
            boolean revoke = body[0] == 1;
            try {
                byte[] vector = vector(body, 1);
                if (revoke) {
                    MLSInputStream in = new MLSInputStream(vector);
                    List<byte[]> refs = new ArrayList<>();
                    int consumed = 0;
                    while (consumed < vector.length) {
                        byte[] ref = in.readOpaque();
                        refs.add(ref);
                        consumed += varintSize(ref.length) + ref.length;
                    }
                    for (byte[] ref : refs) {
                        if (!queue.removeIf(q -> Arrays.equals(q.ref(), ref))) {
                            throw new DaveMlsException("revoke of an unknown proposal");
                        }
                    }
                    clearPendingProposals(base);
                    for (Queued q : queue) {
                        base.handle(q.message(), null);
                    }
                } else {
                    int at = 0;
                    while (at < vector.length) {
                        MLSInputStream in = new MLSInputStream(Arrays.copyOfRange(vector, at, vector.length));
                        MLSMessage message = (MLSMessage) in.read(MLSMessage.class);
                        byte[] encoded = MLSOutputStream.encode(message);
                        if (!Arrays.equals(encoded, 0, encoded.length, vector, at, Math.min(vector.length, at + encoded.length))) {
                            throw new DaveMlsException("proposal does not re-encode to its bytes");
                        }
                        at += encoded.length;
                        boolean add = validateProposal(message, base, recognizedUsers);
                        if (base.handle(encoded, null) != null) {
                            throw new DaveMlsException("a commit among the proposals");
                        }
                        // the AuthenticatedContent of an external sender's PublicMessage is the MLSMessage minus its
                        // version field (no membership tag): RFC 9420 §6, §5.2
                        byte[] ref = suite.refHash(Arrays.copyOfRange(encoded, 2, encoded.length), PROPOSAL_REF_LABEL);
                        queue.add(new Queued(encoded, ref, add));
                    }
                }
                byte[] leafSecret = new byte[suite.getKDF().getHashLength()];
                random.nextBytes(leafSecret);
                Group.GroupWithMessage next = base.commit(new Secret(leafSecret),
                        new Group.CommitOptions(new ArrayList<>(), true, false, null),
                        new Group.MessageOptions(false, new byte[0], 0),
                        new Group.CommitParameters(Group.NORMAL_COMMIT_PARAMS));
                Welcome welcome = next.message.welcome;
                next.message.welcome = null;
                byte[] commit = MLSOutputStream.encode(next.message);
                boolean adds = queue.stream().anyMatch(Queued::add);
                pendingCommit = commit;
                outboundCachedGroup = next.group;
                return new CommitWelcome(commit, adds && welcome != null ? MLSOutputStream.encode(welcome) : null);
            } catch (DaveMlsException e) {
                throw e;
            } catch (Exception e) {
                throw new DaveMlsException("proposals refused: " + e.getMessage(), e);
            }
        }
    }

    /** libdave {@code ValidateProposalMessage}; returns whether it is an Add. */
    private boolean validateProposal(MLSMessage message, Group base, Set<Long> recognizedUsers)
            throws DaveMlsException, IOException {
        if (message.wireFormat != WireFormat.mls_public_message) {
            throw new DaveMlsException("proposal must be a PublicMessage");
        }
        FramedContent content = framedContent(message);
        if (content.getEpoch() != base.getEpoch()) {
            throw new DaveMlsException("proposal for epoch " + content.getEpoch() + ", group at " + base.getEpoch());
        }
        if (content.getContentType() != ContentType.PROPOSAL) {
            throw new DaveMlsException("proposals message holds a non-proposal");
        }
        if (content.getSender().getSenderType() != SenderType.EXTERNAL) {
            throw new DaveMlsException("proposal must come from the external sender");
        }
        Proposal proposal = content.getProposal();
        if (proposal.getProposalType() == ProposalType.ADD) {
            long user = fromBigEndian(proposal.getLeafNode().getCredential().getIdentity());
            if (recognizedUsers != null && !recognizedUsers.contains(user)) {
                throw new DaveMlsException("add proposal for unrecognised user " + Long.toUnsignedString(user));
            }
            return true;
        }
        if (proposal.getProposalType() != ProposalType.REMOVE) {
            throw new DaveMlsException("proposal must be add or remove");
        }
        return false;
    }

    private static FramedContent framedContent(MLSMessage message) throws DaveMlsException {
        try {
            Field content = message.publicMessage.getClass().getDeclaredField("content");
            content.setAccessible(true);
            return (FramedContent) content.get(message.publicMessage);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new DaveMlsException("cannot read the PublicMessage content", e);
        }
    }

    /**
     * Opcode 29 commit (an MLSMessage). Returns the roster change: users added (with their signature key) and
     * removed (with an empty key).
     */
    Map<Long, byte[]> processCommit(byte[] commitBytes) throws DaveMlsException {
        synchronized (LOCK) {
            Group base = pendingGroup != null ? pendingGroup : current;
            if (base == null || (queue.isEmpty() && pendingCommit == null)) {
                throw new DaveMlsException("commit without proposals in this epoch");
            }
            try {
                MLSMessage message = (MLSMessage) MLSInputStream.decode(commitBytes, MLSMessage.class);
                if (message.wireFormat != WireFormat.mls_public_message) {
                    throw new DaveMlsException("commit must be a PublicMessage");
                }
                FramedContent content = framedContent(message);
                if (!Arrays.equals(content.getGroupID(), groupId)) {
                    throw new DaveMlsException("commit for another group");
                }
                if (content.getEpoch() != base.getEpoch()) {
                    throw new DaveMlsException("commit for epoch " + content.getEpoch() + ", group at " + base.getEpoch());
                }
                if (content.getContentType() != ContentType.COMMIT) {
                    throw new DaveMlsException("not a commit");
                }
                if (content.getSender().getSenderType() != SenderType.MEMBER) {
                    throw new DaveMlsException("commit must come from a member");
                }
                for (ProposalOrRef p : content.getCommit().getProposals()) {
                    if (p.getType() != ProposalOrRefType.REFERENCE) {
                        throw new DaveMlsException("commit carries a proposal by value");
                    }
                }
                Group next;
                if (pendingCommit != null && Arrays.equals(pendingCommit, commitBytes)) {
                    next = outboundCachedGroup;
                } else {
                    next = base.handle(commitBytes, null);
                }
                if (next == null) {
                    throw new DaveMlsException("commit produced no new state");
                }
                return replaceState(next);
            } catch (DaveMlsException e) {
                throw e;
            } catch (Exception e) {
                throw new DaveMlsException("commit refused: " + e.getMessage(), e);
            }
        }
    }

    /** Opcode 30 Welcome (raw). Returns the roster (everyone is new). */
    Map<Long, byte[]> processWelcome(byte[] welcomeBytes, Set<Long> recognizedUsers) throws DaveMlsException {
        synchronized (LOCK) {
            if (joinKeyPackage == null || externalSender == null) {
                throw new DaveMlsException("welcome before a key package and external sender");
            }
            if (current != null) {
                throw new DaveMlsException("welcome after the group was joined");
            }
            try {
                Welcome welcome = (Welcome) MLSInputStream.decode(welcomeBytes, Welcome.class);
                Group joined = new Group(suite.getHPKE().serializePrivateKey(joinInitKeyPair.getPrivate()), leafKeyPair,
                        signaturePrivate, joinKeyPackage, welcome, null, new HashMap<>(), new HashMap<>());
                verifyExternalSenders(joined);
                return replaceState(joined);
            } catch (DaveMlsException e) {
                throw e;
            } catch (Exception e) {
                throw new DaveMlsException("welcome refused: " + e.getMessage(), e);
            }
        }
    }

    private void verifyExternalSenders(Group group) throws DaveMlsException, IOException {
        for (Extension e : group.getExtensions()) {
            if (e.extensionType == ExtensionType.EXTERNAL_SENDERS) {
                List<ExternalSender> senders = e.getSenders();
                if (senders.size() != 1 || !Arrays.equals(MLSOutputStream.encode(senders.get(0)), externalSenderBytes)) {
                    throw new DaveMlsException("welcome names another external sender");
                }
                return;
            }
        }
        throw new DaveMlsException("welcome group lacks the external_senders extension");
    }

    private Map<Long, byte[]> replaceState(Group next) throws DaveMlsException {
        Map<Long, byte[]> newRoster = new TreeMap<>();
        TreeKEMPublicKey tree = next.getTree();
        for (int i = 0; i < tree.getSize().leafCount(); i++) {
            LeafNode leaf = tree.getLeafNode(new LeafIndex(i));
            if (leaf == null) {
                continue;
            }
            long user = fromBigEndian(leaf.getCredential().getIdentity());
            if (newRoster.put(user, leaf.getSignatureKey()) != null) {
                throw new DaveMlsException("duplicate identity in roster");
            }
        }
        Map<Long, byte[]> change = new HashMap<>();
        for (Map.Entry<Long, byte[]> e : newRoster.entrySet()) {
            byte[] old = roster.get(e.getKey());
            if (old == null || !Arrays.equals(old, e.getValue())) {
                change.put(e.getKey(), e.getValue());
            }
        }
        for (Long user : roster.keySet()) {
            if (!newRoster.containsKey(user)) {
                change.put(user, new byte[0]);
            }
        }
        roster = newRoster;
        current = next;
        clearPendingState();
        return change;
    }

    private void clearPendingState() {
        pendingGroup = null;
        pendingCommit = null;
        outboundCachedGroup = null;
        joinInitKeyPair = null;
        joinKeyPackage = null;
        leafKeyPair = null;
        selfLeaf = null;
        queue.clear();
    }

    /** Members (user id → signature public key) of the current epoch. */
    Map<Long, byte[]> roster() {
        return roster;
    }

    byte[] signaturePublicKey() {
        synchronized (LOCK) {
            return suite.serializeSignaturePublicKey(signatureKeyPair.getPublic());
        }
    }

    /** {@code MLS-Exporter("Discord Secure Frames v0", LE u64 user id, 16)}: the base of the user's key ratchet. */
    byte[] exportBaseSecret(long userId) throws DaveMlsException {
        synchronized (LOCK) {
            if (current == null) {
                throw new DaveMlsException("no group");
            }
            try {
                return current.getKeySchedule().MLSExporter(KeyRatchet.EXPORTER_LABEL, KeyRatchet.exporterContext(userId),
                        KeyRatchet.BASE_SECRET_LENGTH);
            } catch (IOException e) {
                throw new DaveMlsException("exporter failed", e);
            }
        }
    }

    byte[] epochAuthenticator() {
        synchronized (LOCK) {
            return current != null ? current.getEpochAuthenticator() : new byte[0];
        }
    }

    private static void clearPendingProposals(Group group) throws DaveMlsException {
        try {
            Field f = Group.class.getDeclaredField("pendingProposals");
            f.setAccessible(true);
            ((List<?>) f.get(group)).clear();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new DaveMlsException("cannot reset bcmls pending proposals", e);
        }
    }

    /** The contents of an {@code opaque<V>} vector starting at {@code offset} (RFC 9420 §2.1.2 length). */
    static byte[] vector(byte[] b, int offset) throws DaveMlsException {
        if (offset >= b.length) {
            throw new DaveMlsException("missing vector");
        }
        int first = b[offset] & 0xFF;
        int prefix = 1 << (first >>> 6);
        if (prefix > 4 || offset + prefix > b.length) {
            throw new DaveMlsException("bad vector length");
        }
        long length = first & 0x3F;
        for (int i = 1; i < prefix; i++) {
            length = length << 8 | (b[offset + i] & 0xFF);
        }
        if (length != b.length - offset - prefix) {
            throw new DaveMlsException("vector length " + length + " does not match " + (b.length - offset - prefix));
        }
        return Arrays.copyOfRange(b, offset + prefix, b.length);
    }

    static int varintSize(int v) {
        return v < 0x40 ? 1 : v < 0x4000 ? 2 : 4;
    }
}
