package io.mediaplane.reliability;

import io.mediaplane.rtp.RtcpFir;
import io.mediaplane.rtp.RtcpPli;
import java.lang.foreign.MemorySegment;

/**
 * Asks the sender of one video stream for a keyframe: Picture Loss Indication (RFC 4585 §6.3.1) or Full Intra
 * Request (RFC 5104 §4.3.1), coalesced.
 *
 * <p>{@link #request} is a new request (a loss the decoder cannot bridge): unless forced, it is suppressed while
 * one sent less than {@code minIntervalNanos} ago (1 s by default) is still outstanding, since the keyframe it
 * asked for answers this one too. Until a keyframe arrives ({@link #onKeyframe}), {@link #poll} repeats the
 * outstanding request every {@code minIntervalNanos} (PLI and FIR can be lost); this also covers joining a stream,
 * which starts out waiting for its first keyframe. FIR command sequence numbers (§4.3.1.1) increase by one per
 * new request and stay the same on repetitions, so the sender does not make two keyframes for one need.
 */
public final class KeyframeRequester {
    /** Which message to send. */
    public enum Method { PLI, FIR }

    public static final long DEFAULT_MIN_INTERVAL_NANOS = 1_000_000_000L;
    private static final long NEVER = Long.MIN_VALUE;

    private final Method method;
    private final int senderSsrc;
    private final int mediaSsrc;
    private final long minIntervalNanos;
    private final ReliabilityCounters counters = new ReliabilityCounters();
    private boolean awaiting = true;
    private boolean due = true;
    private long lastSent = NEVER;
    private int firSequence;
    private long sent;

    public KeyframeRequester(Method method, int senderSsrc, int mediaSsrc) {
        this(method, senderSsrc, mediaSsrc, DEFAULT_MIN_INTERVAL_NANOS);
    }

    public KeyframeRequester(Method method, int senderSsrc, int mediaSsrc, long minIntervalNanos) {
        if (minIntervalNanos <= 0) {
            throw new IllegalArgumentException("minimum interval must be positive");
        }
        this.method = method;
        this.senderSsrc = senderSsrc;
        this.mediaSsrc = mediaSsrc;
        this.minIntervalNanos = minIntervalNanos;
    }

    /**
     * A new need for a keyframe. Returns OK when a request should be written now ({@link #write}), or
     * {@link ReliabilityStatus#COALESCED} when an outstanding one sent less than the minimum interval ago covers it.
     */
    public ReliabilityStatus request(long nowNanos, boolean force) {
        if (!force && awaiting && lastSent != NEVER && nowNanos - lastSent < minIntervalNanos) {
            return counters.count(ReliabilityStatus.COALESCED);
        }
        if (!due && lastSent != NEVER) {
            firSequence = (firSequence + 1) & 0xFF; // the last command was sent: this is a new one (§4.3.1.1)
        }
        awaiting = true;
        due = true;
        return ReliabilityStatus.OK;
    }

    /**
     * Whether a request should be written now: a new one from {@link #request}, the first while waiting for the
     * stream's first keyframe, or a repetition of the outstanding one after the minimum interval.
     */
    public boolean poll(long nowNanos) {
        if (!awaiting) {
            return false;
        }
        return due || lastSent == NEVER || nowNanos - lastSent >= minIntervalNanos;
    }

    /** Writes the PLI (12 bytes) or FIR (20 bytes) and records it as sent; returns its length. */
    public int write(MemorySegment s, long off, long nowNanos) {
        int n = method == Method.PLI ? RtcpPli.write(s, off, senderSsrc, mediaSsrc)
                : RtcpFir.write(s, off, senderSsrc, mediaSsrc, firSequence);
        lastSent = nowNanos;
        due = false;
        sent++;
        return n;
    }

    /** A keyframe arrived: nothing is outstanding any more. */
    public void onKeyframe() {
        awaiting = false;
        due = false;
    }

    public boolean awaitingKeyframe() {
        return awaiting;
    }

    /** The FIR command sequence number of the outstanding (or last) request. */
    public int firSequence() {
        return firSequence;
    }

    public Method method() {
        return method;
    }

    /** Requests written, repetitions included. */
    public long sent() {
        return sent;
    }

    /** {@link ReliabilityStatus#COALESCED} requests. */
    public ReliabilityCounters counters() {
        return counters;
    }
}
