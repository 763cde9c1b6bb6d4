package io.mediaplane.webrtc;

/** The {@code a=setup} role of RFC 4145 §4 as used by DTLS-SRTP (RFC 5763 §5, RFC 8842 §5). */
public enum DtlsSetup {
    ACTIVE, PASSIVE, ACTPASS, HOLDCONN;

    public String attribute() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static DtlsSetup ofAttribute(String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "active" -> ACTIVE;
            case "passive" -> PASSIVE;
            case "actpass" -> ACTPASS;
            case "holdconn" -> HOLDCONN;
            default -> null;
        };
    }

    /**
     * The answerer's role for this offered one (RFC 8842 §5.3): an {@code actpass} offerer lets us choose and we
     * stay {@code passive} (the DTLS server), which is what an ICE-lite endpoint that never initiates prefers.
     * Null for {@code holdconn} and for an answer-only value.
     */
    public DtlsSetup answerTo() {
        return switch (this) {
            case ACTPASS, ACTIVE -> PASSIVE;
            case PASSIVE -> ACTIVE;
            case HOLDCONN -> null;
        };
    }
}
