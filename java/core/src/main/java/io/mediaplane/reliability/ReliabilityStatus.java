package io.mediaplane.reliability;

/**
 * What a reliability component did with one packet or request (DESIGN: hot-path errors are values). Everything but
 * {@link #OK} is counted in {@link ReliabilityCounters}.
 */
public enum ReliabilityStatus {
    OK("accepted"),
    DUPLICATE("sequence number already held or already delivered (RFC 3550 A.1)"),
    TOO_OLD("older than the packets already delivered: arrived after its gap was given up"),
    NOT_RTX("payload type or SSRC is not a negotiated RTX stream (RFC 4588 §8.6)"),
    RTX_NO_OSN("RTX payload shorter than the 2-byte original sequence number (RFC 4588 §4); padding-only probe"),
    NOT_IN_HISTORY("NACKed packet not (or no longer) in the retransmission history"),
    RESEND_TOO_SOON("NACKed packet was already resent less than one round trip ago"),
    TOO_LARGE("packet larger than a pool slot (with the 2-byte OSN for RTX)"),
    POOL_EXHAUSTED("no free packet buffer"),
    GIVEN_UP("lost packet no longer requested: retry or age limit reached, or pushed out of the window"),
    COALESCED("keyframe request suppressed: one is outstanding and younger than the minimum interval");

    private final String meaning;

    ReliabilityStatus(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    public boolean ok() {
        return this == OK;
    }
}
