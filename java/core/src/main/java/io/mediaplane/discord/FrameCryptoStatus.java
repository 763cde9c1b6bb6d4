package io.mediaplane.discord;

/**
 * Why a frame could not be sealed or opened. Carried as a negative {@code int} result by
 * {@link FrameCrypto} so the hot path allocates nothing: {@link #result()} and {@link #ofResult(int)}
 * convert.
 */
public enum FrameCryptoStatus {
    /** Not a failure: the call wrote a frame (its result is the length, ≥ 0). */
    OK,
    /** The output segment cannot hold the result. */
    OUTPUT_TOO_SMALL,
    /** The frame does not carry the E2EE trailer or its trailer is malformed. */
    MALFORMED,
    /** No key for this sender yet (no group, or the sender is unknown). */
    NO_KEY,
    /** The authentication tag did not verify. */
    AUTHENTICATION_FAILED,
    /** The nonce was seen before or is outside the accepted window. */
    REPLAYED,
    /** The key generation is too far from the current one. */
    GENERATION_OUT_OF_RANGE,
    /** The codec has no frame-encryption rule. */
    UNSUPPORTED_CODEC;

    private static final FrameCryptoStatus[] VALUES = values();

    /** The negative result value that stands for this status; {@link #OK} has none. */
    public int result() {
        if (this == OK) {
            throw new IllegalStateException("OK is carried as a length, not a status");
        }
        return -ordinal();
    }

    /** The status a result stands for: {@link #OK} for a length (≥ 0). */
    public static FrameCryptoStatus ofResult(int result) {
        if (result >= 0) {
            return OK;
        }
        int index = -result;
        if (index >= VALUES.length) {
            throw new IllegalArgumentException("not a frame crypto result: " + result);
        }
        return VALUES[index];
    }
}
