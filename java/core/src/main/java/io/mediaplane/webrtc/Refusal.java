package io.mediaplane.webrtc;

/** Why an offer got no answer, with the HTTP status WHIP/WHEP (RFC 9725 §4.2) report it as. */
public enum Refusal {
    /** The text is not a session description (RFC 8866 syntax). */
    MALFORMED(400, "Malformed session description"),
    /** Well-formed, but not a WebRTC offer we can answer: direction, missing ICE/DTLS attributes, too many tracks. */
    UNSUPPORTED_OFFER(422, "Offer not usable"),
    /** Nothing in the offer that we can send or receive: no common codec. */
    NO_ACCEPTABLE_CODEC(406, "No acceptable codec");

    private final int httpStatus;
    private final String title;

    Refusal(int httpStatus, String title) {
        this.httpStatus = httpStatus;
        this.title = title;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** A short title (RFC 9457 §3.1.3). */
    public String title() {
        return title;
    }
}
