package io.mediaplane.rtp;

/**
 * Turns 16-bit sequence numbers into monotonic 64-bit indexes ("extended sequence numbers", RFC 3550 §6.4.1,
 * Appendix A.1; also SRTP's packet index, RFC 3711 §3.3.1). Each number is placed at the index closest to the
 * highest seen so far, so late (reordered) packets get the index they were sent with, across wraps.
 * One instance per stream; not thread-safe.
 */
public final class SequenceUnwrapper {
    private long highest = -1;

    /**
     * The extended index of {@code seq}; updates the highest seen when it moves forward. A packet from before
     * the first one seen, across a wrap (e.g. 65530 after a stream started at 5), gets a negative index: it is
     * older than the stream as far as this unwrapper knows, and callers treat it as too old.
     */
    public long unwrap(int seq) {
        seq &= 0xFFFF;
        if (highest < 0) {
            highest = seq;
            return seq;
        }
        long candidate = highest + Sequences.seqDiff(seq, Sequences.seqOf(highest));
        if (candidate > highest) {
            highest = candidate;
        }
        return candidate;
    }

    /** Where {@code seq} would be placed, without recording it. */
    public long peek(int seq) {
        if (highest < 0) {
            return seq & 0xFFFF;
        }
        return highest + Sequences.seqDiff(seq & 0xFFFF, Sequences.seqOf(highest));
    }

    /** The highest extended index seen, or -1 before the first packet. */
    public long highest() {
        return highest;
    }

    /** Completed wraps of the 16-bit space (the "cycles" of RFC 3550 A.1). */
    public long cycles() {
        return highest < 0 ? 0 : highest >>> 16;
    }

    public void reset() {
        highest = -1;
    }
}
