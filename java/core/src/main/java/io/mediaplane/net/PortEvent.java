package io.mediaplane.net;

/**
 * What the {@link MediaPort} did with one received datagram: delivered, answered, or dropped and why
 * (DESIGN: every drop has a counter). Counted per port and, once the session is known, per transport.
 */
public enum PortEvent {
    STUN_ANSWERED(false, "binding request authenticated and answered (RFC 8445 §7.3)"),
    DTLS_RECORD(false, "DTLS datagram handed to the session's DTLS endpoint"),
    RTP(false, "SRTP packet opened and delivered"),
    RTCP(false, "SRTCP packet opened and delivered"),
    TRUNCATED(true, "datagram larger than the receive slot"),
    UNKNOWN_KIND(true, "first byte is none of STUN, DTLS, RTP/RTCP (RFC 7983 §7)"),
    UNKNOWN_SENDER(true, "DTLS/RTP/RTCP from an address no session has validated by ICE"),
    STUN_MALFORMED(true, "not a well-formed STUN message (RFC 8489 §6, §14)"),
    STUN_UNSUPPORTED(true, "STUN message other than a binding request or indication"),
    STUN_NO_SESSION(true, "binding request whose USERNAME names no registered ufrag"),
    STUN_BAD_USERNAME(true, "USERNAME missing or not ourUfrag:theirUfrag (answered 400/401)"),
    STUN_BAD_INTEGRITY(true, "MESSAGE-INTEGRITY missing or wrong (answered 400/401)"),
    STUN_BAD_FINGERPRINT(true, "FINGERPRINT present but wrong (RFC 8489 §14.7: silently discarded)"),
    STUN_ROLE_CONFLICT(true, "peer claims ICE-CONTROLLED against our lite agent (answered 487)"),
    DTLS_QUEUE_FULL(true, "DTLS datagram arrived faster than the handshake consumes them"),
    DTLS_LATE(true, "DTLS datagram for a session whose DTLS endpoint has finished"),
    SRTP_NOT_READY(true, "RTP/RTCP before DTLS-SRTP keys exist"),
    SRTP_REFUSED(true, "SRTP/SRTCP did not open: authentication, replay or header (CipherStatus)"),
    HANDLER_FAILED(true, "handling the datagram threw: a bug, logged; the port goes on");

    private final boolean dropped;
    private final String meaning;

    PortEvent(boolean dropped, String meaning) {
        this.dropped = dropped;
        this.meaning = meaning;
    }

    /** Whether this outcome drops the datagram. */
    public boolean dropped() {
        return dropped;
    }

    public String meaning() {
        return meaning;
    }
}
