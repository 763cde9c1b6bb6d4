package io.mediaplane.net;

/**
 * Which end of the DTLS handshake we are (RFC 5763 §5, RFC 8842 §5): the SDP {@code a=setup} attribute decides.
 * An offer's {@code actpass} lets the answerer choose; WHIP/WHEP servers answer {@code passive} (we are the
 * DTLS server, the client sends the ClientHello as soon as ICE connects). An {@code active} peer makes us
 * passive (server); a {@code passive} peer makes us active (client).
 */
public enum DtlsRole {
    /** We wait for the ClientHello; SDP {@code a=setup:passive}. */
    SERVER("passive"),
    /** We send the ClientHello once ICE has a peer address; SDP {@code a=setup:active}. */
    CLIENT("active");

    private final String setup;

    DtlsRole(String setup) {
        this.setup = setup;
    }

    /** Our {@code a=setup} value in the answer. */
    public String sdpSetup() {
        return setup;
    }

    /**
     * Our role when answering an offer whose {@code a=setup} is {@code remoteSetup} ({@code actpass},
     * {@code active}, {@code passive}; null or absent counts as {@code actpass}, RFC 4145 §4).
     *
     * @throws IllegalArgumentException for {@code holdconn} or an unknown value
     */
    public static DtlsRole answering(String remoteSetup) {
        if (remoteSetup == null) {
            return SERVER;
        }
        return switch (remoteSetup.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "actpass", "active" -> SERVER;
            case "passive" -> CLIENT;
            default -> throw new IllegalArgumentException("unsupported a=setup value: " + remoteSetup);
        };
    }
}
