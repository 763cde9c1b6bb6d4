package io.mediaplane.discord.dave;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.codec.Credential;
import org.bouncycastle.mls.codec.ExternalSender;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.codec.Proposal;
import org.bouncycastle.mls.TreeKEM.LeafIndex;
import org.bouncycastle.mls.crypto.MlsCipherSuite;

/**
 * The voice gateway's part of DAVE's MLS, played on bcmls for tests: the external sender's signature key (opcode
 * 25's {@code ExternalSender}), external Add proposals for members' key packages (opcode 27), and the framing of
 * opcodes 27, 28, 29 and 30 (DAVE protocol, "Voice gateway opcodes"; RFC 9420 §12.1.8 external proposals).
 */
public final class GatewayExternalSender {
    private final MlsCipherSuite suite;
    private final AsymmetricCipherKeyPair key;
    private final byte[] externalSender;

    public GatewayExternalSender() throws Exception {
        synchronized (DaveMls.LOCK) { // bcmls's suites are shared and not thread-safe (see DaveMls.LOCK)
            suite = MlsCipherSuite.getSuite(DaveMls.CIPHERSUITE);
            key = suite.generateSignatureKeyPair();
            externalSender = MLSOutputStream.encode(new ExternalSender(
                    suite.serializeSignaturePublicKey(key.getPublic()), Credential.forBasic(new byte[] {0})));
        }
    }

    /** Opcode 25's payload: {@code ExternalSender{SignaturePublicKey; Credential}}. */
    public byte[] externalSenderPackage() {
        return externalSender.clone();
    }


    /** Opcode 27 append body: one external Add proposal per key package, for group {@code groupId} at {@code epoch}. */
    public byte[] proposeAdd(long groupId, long epoch, List<byte[]> keyPackages) throws Exception {
        List<byte[]> messages = new ArrayList<>();
        for (byte[] kp : keyPackages) {
            messages.add(addProposal(groupId, epoch, kp));
        }
        return proposals(0, messages);
    }

    /** One external Add proposal (an MLSMessage) for a member's key package (RFC 9420 §12.1.1, §12.1.8). */
    public byte[] addProposal(long groupId, long epoch, byte[] keyPackage) throws Exception {
        synchronized (DaveMls.LOCK) {
            KeyPackage kp = (KeyPackage) MLSInputStream.decode(keyPackage, KeyPackage.class);
            return externalProposal(groupId, epoch, Proposal.add(kp));
        }
    }

    /**
     * One external Remove proposal (an MLSMessage) for the member at {@code leafIndex} (RFC 9420 §12.1.3): what the
     * gateway sends when a member leaves the call.
     */
    public byte[] removeProposal(long groupId, long epoch, int leafIndex) throws Exception {
        synchronized (DaveMls.LOCK) {
            return externalProposal(groupId, epoch, Proposal.remove(new LeafIndex(leafIndex)));
        }
    }

    private byte[] externalProposal(long groupId, long epoch, Proposal proposal) throws Exception {
        return MLSOutputStream.encode(MLSMessage.externalProposal(suite, DaveMls.bigEndian(groupId), epoch, proposal, 0,
                suite.serializeSignaturePrivateKey(key.getPrivate())));
    }

    /**
     * The ProposalRef of one proposal message (RFC 9420 §5.2: RefHash("MLS 1.0 Proposal Reference",
     * AuthenticatedContent), which for an external sender's PublicMessage is the MLSMessage minus its version).
     */
    public byte[] proposalRef(byte[] proposalMessage) {
        synchronized (DaveMls.LOCK) {
            try {
                return suite.refHash(Arrays.copyOfRange(proposalMessage, 2, proposalMessage.length),
                        "MLS 1.0 Proposal Reference");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Opcode 27 revoke body: the ProposalRefs of proposals sent earlier in this epoch, each as {@code opaque<V>}. */
    public byte[] revoke(List<byte[]> proposalMessages) {
        List<byte[]> refs = new ArrayList<>();
        for (byte[] m : proposalMessages) {
            byte[] ref = proposalRef(m);
            byte[] item = new byte[1 + ref.length]; // a 32-byte SHA-256 ref: one-byte length (RFC 9420 §2.1.2)
            item[0] = (byte) ref.length;
            System.arraycopy(ref, 0, item, 1, ref.length);
            refs.add(item);
        }
        return proposals(1, refs);
    }

    /** Opcode 27 body: {@code [u8 op]} then the items as one MLS vector (RFC 9420 §2.1.2 variable-length size). */
    public static byte[] proposals(int op, List<byte[]> items) {
        int n = items.stream().mapToInt(i -> i.length).sum();
        int header = n < 0x40 ? 1 : n < 0x4000 ? 2 : 4;
        byte[] out = new byte[1 + header + n];
        out[0] = (byte) op;
        int at = 1;
        if (header == 1) {
            out[at++] = (byte) n;
        } else if (header == 2) {
            out[at++] = (byte) (0x40 | n >>> 8);
            out[at++] = (byte) n;
        } else {
            out[at++] = (byte) (0x80 | n >>> 24);
            out[at++] = (byte) (n >>> 16);
            out[at++] = (byte) (n >>> 8);
            out[at++] = (byte) n;
        }
        for (byte[] i : items) {
            System.arraycopy(i, 0, out, at, i.length);
            at += i.length;
        }
        return out;
    }

    /** Opcode 28 body split into {commit, welcome or null}. */
    public static byte[][] splitCommitWelcome(byte[] body) throws Exception {
        MLSMessage commit = (MLSMessage) new MLSInputStream(body).read(MLSMessage.class);
        int n = MLSOutputStream.encode(commit).length;
        byte[] welcome = n < body.length ? Arrays.copyOfRange(body, n, body.length) : null;
        return new byte[][] {Arrays.copyOf(body, n), welcome};
    }

    /** Opcode 29/30 body: {@code [u16 BE transition_id]} then the MLS message. */
    public static byte[] transition(int id, byte[] message) {
        byte[] out = new byte[2 + message.length];
        out[0] = (byte) (id >>> 8);
        out[1] = (byte) id;
        System.arraycopy(message, 0, out, 2, message.length);
        return out;
    }
}
