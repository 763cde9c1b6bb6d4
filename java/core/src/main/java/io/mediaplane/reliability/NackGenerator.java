package io.mediaplane.reliability;

import io.mediaplane.rtp.RtcpNack;
import io.mediaplane.rtp.SequenceUnwrapper;
import java.lang.foreign.MemorySegment;

/**
 * Receive side of generic NACK (RFC 4585 §6.2.1): watches the sequence numbers of one media stream, remembers the
 * missing ones, and says which to request now.
 *
 * <p>A missing packet is requested when its gap is noticed (after {@code firstRequestDelayNanos}, a grace period
 * for mere reordering), then again each time a round trip has passed without it arriving (the RTT, at least
 * {@code minResendIntervalNanos}: asking sooner only duplicates a retransmission already on its way), until it
 * arrives, {@code maxRetries} requests were sent, or it has been missing for {@code maxAgeNanos} (by then the
 * reorder buffer has given up on it). A packet that falls out of the window of {@code window} sequence numbers is
 * given up too. Each give-up raises {@link #takeKeyframeNeeded()}: the decoder will see a gap it cannot bridge.
 *
 * <p>Not thread-safe; allocation-free per packet. State is a ring indexed by extended sequence number (O(1) per
 * arrival) plus the missing numbers in order, so {@link #collect} costs what is missing, not the window.
 */
public final class NackGenerator {
    public static final int DEFAULT_WINDOW = 1024;
    public static final int DEFAULT_MAX_RETRIES = 10;
    public static final long DEFAULT_MAX_AGE_NANOS = 1_000_000_000L;
    public static final long DEFAULT_RTT_NANOS = 100_000_000L;
    public static final long DEFAULT_MIN_RESEND_INTERVAL_NANOS = 5_000_000L;
    /** Sequence numbers one {@link #writeNack} reports at most; more wait for the next one. */
    public static final int MAX_PER_NACK = 256;
    private static final long NONE = Long.MIN_VALUE;

    private final int mask;
    private final long[] missingSeq; // extended sequence number missing in this slot, or NONE
    private final long[] missingSince;
    private final long[] lastRequest;
    private final int[] retries;
    /** Extended sequence numbers added as missing, oldest first; stale ones (arrived, given up) are dropped lazily. */
    private final long[] order;
    private int orderSize;
    private final SequenceUnwrapper unwrapper = new SequenceUnwrapper();
    private final ReliabilityCounters counters = new ReliabilityCounters();
    private final int[] scratch = new int[MAX_PER_NACK];
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private long maxAgeNanos = DEFAULT_MAX_AGE_NANOS;
    private long rttNanos = DEFAULT_RTT_NANOS;
    private long minResendIntervalNanos = DEFAULT_MIN_RESEND_INTERVAL_NANOS;
    private long firstRequestDelayNanos;
    private long highest = NONE;
    private int missing;
    private long requested;
    private long recovered;
    private boolean keyframeNeeded;

    public NackGenerator() {
        this(DEFAULT_WINDOW);
    }

    /** @param window how far behind the newest packet a missing one is still tracked, rounded up to a power of two */
    public NackGenerator(int window) {
        if (window < 16 || window > 1 << 15) {
            throw new IllegalArgumentException("window must be in [16, 32768]: " + window);
        }
        int size = Integer.highestOneBit(window - 1) << 1;
        mask = size - 1;
        missingSeq = new long[size];
        missingSince = new long[size];
        lastRequest = new long[size];
        retries = new int[size];
        order = new long[size];
        java.util.Arrays.fill(missingSeq, NONE);
    }

    public NackGenerator maxRetries(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("at least one request per packet: " + n);
        }
        maxRetries = n;
        return this;
    }

    public NackGenerator maxAgeNanos(long nanos) {
        maxAgeNanos = positive(nanos);
        return this;
    }

    /** The current round-trip estimate (e.g. from RTCP or the transport); spaces repeated requests. */
    public NackGenerator rttNanos(long nanos) {
        rttNanos = positive(nanos);
        return this;
    }

    public NackGenerator minResendIntervalNanos(long nanos) {
        minResendIntervalNanos = positive(nanos);
        return this;
    }

    /** How long a gap may be reordering before it is first requested (default 0: at once). */
    public NackGenerator firstRequestDelayNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("negative delay");
        }
        firstRequestDelayNanos = nanos;
        return this;
    }

    private static long positive(long v) {
        if (v <= 0) {
            throw new IllegalArgumentException("must be positive: " + v);
        }
        return v;
    }

    /**
     * Records the arrival of {@code seq} (an original or an unwrapped retransmission). Returns OK, or
     * {@link ReliabilityStatus#DUPLICATE} for a number already seen or given up (not counted: the reorder buffer
     * counts duplicates).
     */
    public ReliabilityStatus onPacket(int seq, long nowNanos) {
        long ext = unwrapper.unwrap(seq);
        if (highest == NONE) {
            highest = ext;
            return ReliabilityStatus.OK;
        }
        if (ext > highest) {
            long from = Math.max(highest + 1, ext - mask - 1);
            if (from > highest + 1) {
                giveUp(from - highest - 1); // the burst is longer than the window: never tracked
            }
            for (long s = from; s < ext; s++) {
                addMissing(s, nowNanos);
            }
            highest = ext;
            return ReliabilityStatus.OK;
        }
        int i = (int) ext & mask;
        if (missingSeq[i] == ext) {
            missingSeq[i] = NONE;
            missing--;
            recovered++;
            return ReliabilityStatus.OK;
        }
        return ReliabilityStatus.DUPLICATE;
    }

    private void addMissing(long s, long nowNanos) {
        int i = (int) s & mask;
        if (missingSeq[i] != NONE) {
            missingSeq[i] = NONE; // still missing one window later: it is out of the window now
            missing--;
            giveUp(1);
        }
        missingSeq[i] = s;
        missingSince[i] = nowNanos;
        lastRequest[i] = NONE;
        retries[i] = 0;
        missing++;
        if (orderSize == order.length) {
            compact();
        }
        order[orderSize++] = s; // at most one live entry per slot, so after compacting there is room
    }

    /** Drops entries of the order list that are no longer missing. */
    private void compact() {
        int w = 0;
        for (int r = 0; r < orderSize; r++) {
            long s = order[r];
            if (missingSeq[(int) s & mask] == s) {
                order[w++] = s;
            }
        }
        orderSize = w;
    }

    private void giveUp(long n) {
        counters.count(ReliabilityStatus.GIVEN_UP, n);
        keyframeNeeded = true;
    }

    /**
     * Puts into {@code out} the 16-bit sequence numbers to request now, oldest first, and counts them as requested;
     * returns how many (at most {@code out.length}). Gives up packets past their retry or age limit on the way.
     */
    public int collect(long nowNanos, int[] out) {
        if (missing == 0) {
            orderSize = 0;
            return 0;
        }
        long interval = Math.max(rttNanos, minResendIntervalNanos);
        int n = 0;
        int w = 0;
        for (int r = 0; r < orderSize; r++) {
            long s = order[r];
            int i = (int) s & mask;
            if (missingSeq[i] != s) {
                continue; // arrived, or given up
            }
            if (retries[i] >= maxRetries || nowNanos - missingSince[i] >= maxAgeNanos) {
                missingSeq[i] = NONE;
                missing--;
                giveUp(1);
                continue;
            }
            order[w++] = s;
            if (n == out.length) {
                continue;
            }
            long last = lastRequest[i];
            boolean due = last == NONE ? nowNanos - missingSince[i] >= firstRequestDelayNanos
                    : nowNanos - last >= interval;
            if (due) {
                lastRequest[i] = nowNanos;
                retries[i]++;
                out[n++] = (int) s & 0xFFFF;
            }
        }
        orderSize = w;
        requested += n;
        return n;
    }

    /**
     * Writes a generic NACK (RFC 4585 §6.2.1) for what {@link #collect} gives now; returns its length, or 0 when
     * nothing is due (nothing written).
     */
    public int writeNack(long nowNanos, MemorySegment s, long off, int senderSsrc, int mediaSsrc) {
        int n = collect(nowNanos, scratch);
        return n == 0 ? 0 : RtcpNack.write(s, off, senderSsrc, mediaSsrc, scratch, n);
    }

    /**
     * Whether a retransmission of {@code seq} is wanted (RFC 4588 §4): it is missing and still requested, or newer
     * than anything received (a resend can overtake the packet after the one it repairs). A copy of a packet already
     * received (a bandwidth probe, a second answer to one request) or of one given up is not.
     */
    public boolean wants(int seq) {
        if (highest == NONE) {
            return true;
        }
        long ext = highest + (short) ((seq - (int) highest) & 0xFFFF); // the number nearest the newest
        return ext > highest || missingSeq[(int) ext & mask] == ext;
    }

    /** Whether a lost packet was given up since the last call (then a keyframe request is in order); clears it. */
    public boolean takeKeyframeNeeded() {
        boolean k = keyframeNeeded;
        keyframeNeeded = false;
        return k;
    }

    /** Sequence numbers currently missing and still requested. */
    public int missing() {
        return missing;
    }

    /** Requests sent (one per sequence number per NACK). */
    public long requested() {
        return requested;
    }

    /** Missing packets that arrived later (retransmitted or reordered). */
    public long recovered() {
        return recovered;
    }

    /** {@link ReliabilityStatus#GIVEN_UP}, counted per sequence number. */
    public ReliabilityCounters counters() {
        return counters;
    }

    /** Forgets everything (e.g. on an SSRC change). */
    public void reset() {
        java.util.Arrays.fill(missingSeq, NONE);
        unwrapper.reset();
        highest = NONE;
        missing = 0;
        orderSize = 0;
    }
}
