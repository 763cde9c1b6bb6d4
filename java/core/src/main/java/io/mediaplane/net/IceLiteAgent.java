package io.mediaplane.net;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The ICE-lite responder (RFC 8445 §2.5, §7.3): turns one received STUN datagram into an answer. A binding
 * request is matched to a transport by the local part of USERNAME, must carry MESSAGE-INTEGRITY under that
 * transport's ice-pwd and USERNAME {@code ourUfrag:theirUfrag}, and then gets a success response with
 * XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT; the transport learns the address (and a nomination
 * with USE-CANDIDATE). Refusals (RFC 8489 §6.3.1, §9.1.3): no MESSAGE-INTEGRITY → 400; wrong integrity or
 * username → 401; an unknown comprehension-required attribute → 420; a peer claiming ICE-CONTROLLED → 487 (a
 * lite agent is always controlled, §6.1.1). Anything else (garbage, responses, unknown ufrags, bad FINGERPRINT)
 * gets no answer, so floods are not reflected. Every outcome is counted.
 *
 * <p>Not thread-safe: one per receive thread.
 */
final class IceLiteAgent {
    /** Largest answer we write: header + XOR-MAPPED-ADDRESS(v6) + ERROR-CODE + MESSAGE-INTEGRITY + FINGERPRINT. */
    static final int MAX_RESPONSE = 160;

    private final Function<String, PeerTransport> byUfrag;
    private final PortCounters portCounters;
    private final StunMessage stun = new StunMessage();
    private final StunWriter writer = new StunWriter();

    IceLiteAgent(Function<String, PeerTransport> byUfrag, PortCounters portCounters) {
        this.byUfrag = byUfrag;
        this.portCounters = portCounters;
    }

    /**
     * Handles the STUN datagram {@code a[off, off+len)} from {@code from}.
     *
     * @param out at least {@link #MAX_RESPONSE} bytes for the answer
     * @return the answer's length in {@code out}, or 0 when nothing is to be sent
     */
    int handle(byte[] a, int off, int len, PeerAddress from, long now, byte[] out) {
        StunStatus st = stun.parse(a, off, len);
        if (!st.ok()) {
            portCounters.count(PortEvent.STUN_MALFORMED);
            return 0;
        }
        if (!stun.isBindingRequest()) {
            // indications are keepalives (RFC 8445 §11) and responses answer requests we never send
            portCounters.count(PortEvent.STUN_UNSUPPORTED);
            return 0;
        }
        if (stun.hasFingerprint() && !stun.verifyFingerprint()) {
            portCounters.count(PortEvent.STUN_BAD_FINGERPRINT); // RFC 8489 §7.3: discarded silently
            return 0;
        }
        String ufrag = stun.usernameLocalPart();
        PeerTransport t = ufrag == null ? null : byUfrag.apply(ufrag);
        if (t == null) {
            portCounters.count(ufrag == null ? PortEvent.STUN_BAD_USERNAME : PortEvent.STUN_NO_SESSION);
            return 0;
        }
        IceCredentials local = t.localCredentials();
        if (!stun.hasIntegrity()) {
            t.count(PortEvent.STUN_BAD_INTEGRITY);
            return error(out, Stun.ERROR_BAD_REQUEST, "Bad Request", null);
        }
        byte[] key = local.pwd().getBytes(StandardCharsets.UTF_8);
        if (!stun.verifyIntegrity(key)) {
            t.count(PortEvent.STUN_BAD_INTEGRITY);
            return error(out, Stun.ERROR_UNAUTHORIZED, "Unauthorized", null);
        }
        if (!stun.usernameIs(local.ufrag(), t.remoteCredentials().ufrag())) {
            t.count(PortEvent.STUN_BAD_USERNAME);
            return error(out, Stun.ERROR_UNAUTHORIZED, "Unauthorized", key);
        }
        if (stun.unknownComprehensionRequired() >= 0) {
            t.count(PortEvent.STUN_MALFORMED);
            return error(out, Stun.ERROR_UNKNOWN_ATTRIBUTE, "Unknown Attribute", key);
        }
        if (stun.has(Stun.ICE_CONTROLLED)) {
            t.count(PortEvent.STUN_ROLE_CONFLICT);
            return error(out, Stun.ERROR_ROLE_CONFLICT, "Role Conflict", key);
        }
        writer.start(out, 0, Stun.BINDING_SUCCESS, a, stun.transactionIdOffset())
                .xorMappedAddress(from).messageIntegrity(key).fingerprint();
        t.count(PortEvent.STUN_ANSWERED);
        t.onBindingRequest(from, stun.useCandidate(), now);
        return writer.length();
    }

    /** An error response (RFC 8489 §6.3.1.1), signed when the request authenticated. */
    private int error(byte[] out, int code, String reason, byte[] key) {
        writer.start(out, 0, Stun.BINDING_ERROR, stun.array(), stun.transactionIdOffset()).errorCode(code, reason);
        if (key != null) {
            writer.messageIntegrity(key);
        }
        return writer.fingerprint().length();
    }
}
