package io.mediaplane.video;

/**
 * The decoders' reset policy: after {@code limit} decode errors in a row the decoder is re-created and a keyframe
 * requested, because a library that keeps failing has lost its reference pictures and only an IDR/keyframe
 * repairs that. A picture, or a unit that legitimately gives none, ends the run.
 */
final class ConsecutiveErrors {
    private final int limit;
    private int count;

    ConsecutiveErrors(int limit) {
        this.limit = limit;
    }

    /** Counts {@code status}; true when this error completes a run of {@code limit} (the count starts again). */
    boolean resetAfter(DecodeStatus status) {
        if (status.isError()) {
            if (++count >= limit) {
                count = 0;
                return true;
            }
        } else if (status == DecodeStatus.PICTURE || status == DecodeStatus.NO_PICTURE) {
            count = 0;
        }
        return false;
    }

    void clear() {
        count = 0;
    }

    int count() {
        return count;
    }
}
