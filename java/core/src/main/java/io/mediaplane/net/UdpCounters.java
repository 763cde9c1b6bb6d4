package io.mediaplane.net;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What one {@link UdpSocket} moved and refused, for stats (DESIGN: every drop has a counter). Updated once per
 * call, not per datagram, by the sending and receiving threads; lock-free, readable from any thread.
 * {@link UdpStatus#WOULD_BLOCK} on receive is "nothing now" and is not counted; on send it is, because the
 * caller either retries (see {@link UdpSocket#awaitWritable}) or drops.
 */
public final class UdpCounters {
    private static final UdpStatus[] STATUSES = UdpStatus.values();
    private static final int SENT = 0;
    private static final int RECEIVED = 1;
    private static final int TRUNCATED = 2;
    private static final int SEGMENTED_EMULATED = 3;
    private static final int TRAINS = 4;
    private static final int TRAIN_DATAGRAMS = 5;
    private static final int TRAINS_REFUSED = 6;
    private static final int SEND_FAILURES = 7;
    private static final int RECEIVE_FAILURES = SEND_FAILURES + STATUSES.length;

    private final AtomicLongArray counts = new AtomicLongArray(RECEIVE_FAILURES + STATUSES.length);

    void sent(int result) {
        if (result > 0) {
            counts.getAndAdd(SENT, result);
        } else if (result < 0) {
            counts.getAndIncrement(SEND_FAILURES + UdpStatus.of(result).ordinal());
        }
    }

    /** A receive call's result; datagrams {@code 0 .. result-1} of {@code batch} are checked for truncation. */
    void received(DatagramBatch batch, int result) {
        if (result > 0) {
            counts.getAndAdd(RECEIVED, result);
            int truncated = 0;
            for (int i = 0; i < result; i++) {
                if (batch.datagramLengths[i] > batch.lengths[i]) {
                    truncated++;
                }
            }
            if (truncated > 0) {
                counts.getAndAdd(TRUNCATED, truncated);
            }
        } else if (result < 0) {
            UdpStatus s = UdpStatus.of(result);
            if (s != UdpStatus.WOULD_BLOCK) {
                counts.getAndIncrement(RECEIVE_FAILURES + s.ordinal());
            }
        }
    }

    void segmentedEmulated() {
        counts.getAndIncrement(SEGMENTED_EMULATED);
    }

    void countTrains(int trains, int datagrams) {
        if (trains > 0) {
            counts.getAndAdd(TRAINS, trains);
            counts.getAndAdd(TRAIN_DATAGRAMS, datagrams);
        }
    }

    void countTrainRefused() {
        counts.getAndIncrement(TRAINS_REFUSED);
    }

    public long datagramsSent() {
        return counts.get(SENT);
    }

    public long datagramsReceived() {
        return counts.get(RECEIVED);
    }

    /** Datagrams larger than their receive slot: the excess was lost (counted in {@link #datagramsReceived} too). */
    public long datagramsTruncated() {
        return counts.get(TRUNCATED);
    }

    /** Segmented sends done as one datagram per segment because UDP GSO was refused or unavailable. */
    public long segmentedSendsEmulated() {
        return counts.get(SEGMENTED_EMULATED);
    }

    /** UDP GSO sends of two or more datagrams of a batch to one destination ({@link UdpSocket#sendBatch}). */
    public long trainsSent() {
        return counts.get(TRAINS);
    }

    /** Datagrams sent in {@link #trainsSent() trains} (also counted in {@link #datagramsSent}). */
    public long datagramsInTrains() {
        return counts.get(TRAIN_DATAGRAMS);
    }

    /** Times the kernel refused a train, after which the socket sends batches one datagram per message. */
    public long trainsRefused() {
        return counts.get(TRAINS_REFUSED);
    }

    /** Send calls that returned {@code status}. */
    public long sendFailures(UdpStatus status) {
        return status == UdpStatus.OK ? 0 : counts.get(SEND_FAILURES + status.ordinal());
    }

    /** Receive calls that returned {@code status} (never {@link UdpStatus#WOULD_BLOCK}). */
    public long receiveFailures(UdpStatus status) {
        return status == UdpStatus.OK ? 0 : counts.get(RECEIVE_FAILURES + status.ordinal());
    }

    /** Non-zero send failure counts by status. */
    public Map<UdpStatus, Long> sendFailures() {
        return nonZero(SEND_FAILURES);
    }

    /** Non-zero receive failure counts by status. */
    public Map<UdpStatus, Long> receiveFailures() {
        return nonZero(RECEIVE_FAILURES);
    }

    private Map<UdpStatus, Long> nonZero(int base) {
        Map<UdpStatus, Long> out = new EnumMap<>(UdpStatus.class);
        for (UdpStatus s : STATUSES) {
            long v = counts.get(base + s.ordinal());
            if (v != 0) {
                out.put(s, v);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "sent=" + datagramsSent() + " received=" + datagramsReceived() + " truncated=" + datagramsTruncated()
                + " segmentedEmulated=" + segmentedSendsEmulated() + " sendFailures=" + sendFailures()
                + " receiveFailures=" + receiveFailures();
    }
}
