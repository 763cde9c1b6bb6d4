package io.mediaplane.crypto;

/**
 * What sealing or opening one packet did. {@link PacketCipher}'s segment methods return an {@code int}: the new
 * packet length when it is {@code >= 0}, else {@code -ordinal()} of one of these ({@link #ofResult(int)}), so the
 * hot path allocates nothing and throws nothing (DESIGN: hot-path errors are values).
 */
public enum CipherStatus {
    OK("ok"),
    TOO_SHORT("shorter than its clear header plus tag and nonce"),
    BAD_HEADER("not RTP/RTCP version 2, or the CSRC list or extension preamble runs past the end"),
    AUTH_FAILED("authentication tag does not match (tampered, wrong key, or wrong counter)"),
    REPLAYED("nonce counter already seen or older than the replay window"),
    NO_ROOM("not enough tailroom to append the tag and nonce"),
    NOT_ENCRYPTED("SRTCP packet without the E flag where encryption is required");

    private static final CipherStatus[] VALUES = values();

    private final String meaning;

    CipherStatus(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    public boolean ok() {
        return this == OK;
    }

    /** The negative result code the segment methods return for this status ({@code OK} has none). */
    public int asResult() {
        if (this == OK) {
            throw new IllegalArgumentException("OK is reported as the packet length, not a code");
        }
        return -ordinal();
    }

    /** {@link #OK} for a length ({@code >= 0}), else the status whose code {@code result} is. */
    public static CipherStatus ofResult(int result) {
        return result >= 0 ? OK : VALUES[-result];
    }
}
