package io.mediaplane.reliability;

import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.codec.PacketSink;
import io.mediaplane.rtp.SequenceUnwrapper;

/**
 * Puts the RTP packets of one stream back in sequence order, bounded by packet count and by time.
 *
 * <p>Packets are held in a ring indexed by extended sequence number (RFC 3550 A.1) and handed to the sink, with
 * their buffers, as soon as every earlier one has been delivered. A missing packet holds the ones after it back
 * until the oldest held packet has waited {@code maxDelayNanos} (time for a retransmission to arrive) or the ring
 * is full; then the gap is given up (counted in {@link #lostPackets()}) and delivery goes on, so the depacketizer
 * sees the gap and drops the unit it belongs to. Duplicates (held or already delivered, as far back as the ring
 * reaches) and packets older than the delivery point are released and counted, never delivered twice.
 * A jump further ahead than the ring delivers what is held and continues from the new number (a sender restart).
 *
 * <p>Ownership: {@link #push} takes the buffer; the sink receives ownership of every buffer delivered; refused
 * buffers are released here. Not thread-safe; allocation-free per packet.
 */
public final class ReorderBuffer implements AutoCloseable {
    public static final int DEFAULT_CAPACITY = 512;
    public static final long DEFAULT_MAX_DELAY_NANOS = 200_000_000L;
    private static final long NONE = Long.MIN_VALUE;

    private final PacketSink sink;
    private final int mask;
    private final long maxDelayNanos;
    private final PacketBuffer[] held;
    /** The extended sequence number each slot last held (delivered or not); NONE if never. */
    private final long[] slotSeq;
    private final long[] arrival;
    private final SequenceUnwrapper unwrapper = new SequenceUnwrapper();
    private final ReliabilityCounters counters = new ReliabilityCounters();
    private long next = NONE; // the next extended sequence number to deliver
    private long highest = NONE;
    private int count;
    private long delivered;
    private long lost;

    public ReorderBuffer(PacketSink sink) {
        this(sink, DEFAULT_CAPACITY, DEFAULT_MAX_DELAY_NANOS);
    }

    /**
     * @param capacity      the most packets held at once, rounded up to a power of two (at least 2)
     * @param maxDelayNanos how long a packet may wait for an earlier missing one
     */
    public ReorderBuffer(PacketSink sink, int capacity, long maxDelayNanos) {
        if (capacity < 2 || capacity > 1 << 15) {
            throw new IllegalArgumentException("capacity must be in [2, 32768]: " + capacity);
        }
        if (maxDelayNanos < 0) {
            throw new IllegalArgumentException("negative delay");
        }
        int size = Integer.highestOneBit(capacity - 1) << 1;
        this.sink = sink;
        this.mask = size - 1;
        this.maxDelayNanos = maxDelayNanos;
        this.held = new PacketBuffer[size];
        this.slotSeq = new long[size];
        this.arrival = new long[size];
        java.util.Arrays.fill(slotSeq, NONE);
    }

    /**
     * Takes {@code packet} (an RTP packet with sequence number {@code seq}), delivers whatever is now in order or
     * has waited long enough, and returns OK, {@link ReliabilityStatus#DUPLICATE} or
     * {@link ReliabilityStatus#TOO_OLD} (the buffer was then released).
     */
    public ReliabilityStatus push(PacketBuffer packet, int seq, long nowNanos) {
        long ext = unwrapper.unwrap(seq);
        if (next == NONE) {
            next = ext;
            highest = ext;
        }
        if (ext < next) {
            packet.release();
            return counters.count(slotSeq[(int) ext & mask] == ext ? ReliabilityStatus.DUPLICATE
                    : ReliabilityStatus.TOO_OLD);
        }
        if (ext - next > mask) {
            if (ext - highest > mask) {
                // further ahead than the ring: a restart of the numbering, or a burst longer than we can wait for
                flushAll();
                lost += ext - next;
                next = ext;
            } else {
                skipTo(ext - mask);
            }
        }
        int i = (int) ext & mask;
        if (slotSeq[i] == ext) {
            packet.release();
            return counters.count(ReliabilityStatus.DUPLICATE);
        }
        held[i] = packet;
        slotSeq[i] = ext;
        arrival[i] = nowNanos;
        count++;
        if (ext > highest) {
            highest = ext;
        }
        drain();
        poll(nowNanos);
        return ReliabilityStatus.OK;
    }

    /**
     * Gives up gaps the held packets have waited out ({@code maxDelayNanos}) and delivers what follows them; call
     * it on a timer too, so the last packets before a pause are not held forever. Returns how many were delivered.
     */
    public int poll(long nowNanos) {
        long before = delivered;
        while (count > 0) {
            long first = firstHeld();
            if (nowNanos - arrival[(int) first & mask] < maxDelayNanos) {
                break;
            }
            lost += first - next;
            next = first;
            drain();
        }
        return (int) (delivered - before);
    }

    /** Delivers everything held, giving up every gap (end of stream). */
    public void flushAll() {
        while (count > 0) {
            long first = firstHeld();
            lost += first - next;
            next = first;
            drain();
        }
    }

    private void skipTo(long target) {
        while (next < target) {
            int i = (int) next & mask;
            if (held[i] != null && slotSeq[i] == next) {
                deliver(i);
            } else {
                lost++;
            }
            next++;
        }
        drain();
    }

    private long firstHeld() {
        long s = next;
        while (held[(int) s & mask] == null || slotSeq[(int) s & mask] != s) {
            s++;
        }
        return s;
    }

    private void drain() {
        while (true) {
            int i = (int) next & mask;
            if (held[i] == null || slotSeq[i] != next) {
                return;
            }
            deliver(i);
            next++;
        }
    }

    private void deliver(int i) {
        PacketBuffer p = held[i];
        held[i] = null;
        count--;
        delivered++;
        sink.accept(p);
    }

    /** Packets held, waiting for an earlier one. */
    public int held() {
        return count;
    }

    public long delivered() {
        return delivered;
    }

    /** Sequence numbers given up: never arrived in time (or at all). */
    public long lostPackets() {
        return lost;
    }

    /** Duplicates and packets too old, per reason. */
    public ReliabilityCounters counters() {
        return counters;
    }

    /** Releases every held buffer without delivering it. */
    @Override
    public void close() {
        for (int i = 0; i < held.length; i++) {
            if (held[i] != null) {
                held[i].release();
                held[i] = null;
            }
        }
        count = 0;
    }
}
