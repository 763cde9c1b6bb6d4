package io.mediaplane.codec;

import io.mediaplane.rtp.Sequences;

/**
 * Sequence-number continuity of one RTP stream as a depacketizer sees it (RFC 3550 A.1): each packet is the
 * first, in order, late (less than {@link #MAX_MISORDER} behind: the caller drops it), or after a
 * discontinuity. Packets missing ahead are counted as lost at once and reported with the next delivered unit
 * ({@link #takeLoss()}); a packet far behind means the sender restarted its numbering, a gap of unknown size.
 */
final class SequenceContinuity {
    /** Further back than this is a sender restart, not a late packet (RFC 3550 A.1's MAX_MISORDER). */
    static final int MAX_MISORDER = 100;

    enum Step { FIRST, IN_ORDER, LATE, DISCONTINUITY }

    private final PayloadCounters counters;
    private int expected = -1;
    private int pendingLoss;

    SequenceContinuity(PayloadCounters counters) {
        this.counters = counters;
    }

    /** Classifies {@code seq} and, unless it is late, makes the packet after it the expected one. */
    Step next(int seq) {
        seq &= 0xFFFF;
        Step step = expected < 0 ? Step.FIRST : Step.IN_ORDER;
        if (expected >= 0 && seq != expected) {
            int d = Sequences.seqDiff(seq, expected);
            if (d < 0 && d > -MAX_MISORDER) {
                return Step.LATE;
            }
            if (d > 0) {
                pendingLoss += d;
                counters.lost(d);
            }
            step = Step.DISCONTINUITY;
        }
        expected = (seq + 1) & 0xFFFF;
        return step;
    }

    /** Packets lost since the last delivered unit; resets the count. */
    int takeLoss() {
        int lost = pendingLoss;
        pendingLoss = 0;
        return lost;
    }

    void reset() {
        expected = -1;
        pendingLoss = 0;
    }
}
