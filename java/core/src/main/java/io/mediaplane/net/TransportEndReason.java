package io.mediaplane.net;

/** Why a {@link PeerTransport} ended. */
public enum TransportEndReason {
    CLOSED_LOCALLY("closed by the application (close_notify sent)"),
    CONSENT_EXPIRED("no authenticated traffic from the peer within the consent timeout (RFC 7675 §5.1)"),
    PEER_CLOSED("the peer sent a DTLS close_notify or fatal alert"),
    FINGERPRINT_MISMATCH("the peer's certificate does not match the a=fingerprint of its offer (RFC 8122 §5)"),
    NO_SRTP_PROFILE("the DTLS handshake negotiated no SRTP protection profile we support (RFC 5764 §4.1.1)"),
    HANDSHAKE_TIMEOUT("the DTLS handshake did not finish in time"),
    HANDSHAKE_FAILED("the DTLS handshake failed (alert or protocol error)"),
    PORT_CLOSED("the media port closed");

    private final String meaning;

    TransportEndReason(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}
