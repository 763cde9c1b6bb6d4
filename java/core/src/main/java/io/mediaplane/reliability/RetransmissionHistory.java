package io.mediaplane.reliability;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.codec.PacketSink;
import io.mediaplane.rtp.RtcpNack;
import io.mediaplane.rtp.RtpHeader;
import io.mediaplane.rtp.SequenceUnwrapper;
import java.lang.foreign.MemorySegment;
import java.util.function.IntConsumer;

/**
 * Send side of NACK/RTX: keeps a copy of each RTP packet sent on one stream (before encryption) for
 * {@code maxAgeNanos} (2 s by default, what a video receiver may still ask for), at most {@code maxPackets} of them,
 * in buffers from a {@link PacketPool}; and answers generic NACKs (RFC 4585 §6.2.1) by resending them.
 *
 * <p>With RTX negotiated ({@link #rtx}) a retransmission goes out as RFC 4588 §4 describes: the original header
 * (timestamp, marker, CSRCs, extensions) with the RTX payload type, SSRC and the RTX stream's own sequence
 * number, then the original sequence number (OSN), then the original payload without padding. Without RTX the
 * stored packet is sent again unchanged (RFC 4588 §1 discusses why that confuses loss statistics; it is what
 * peers without RTX accept).
 *
 * <p>A sender that keeps its packets elsewhere anyway (a forwarder holds each publisher packet once for all its
 * viewers) stores a {@linkplain #storeReference reference} instead of a copy, and the history asks its
 * {@link Regenerator} to write the packet again when a NACK asks for it.
 *
 * <p>A packet is resent at most once per round trip ({@link #rttNanos}): a second NACK within one RTT is for a
 * copy already on its way. Memory is bounded by the pool: the history holds at most {@code maxPackets} buffers,
 * and every retransmission takes one more until the sink releases it. Not thread-safe; allocation-free.
 */
public final class RetransmissionHistory implements AutoCloseable {
    public static final long DEFAULT_MAX_AGE_NANOS = 2_000_000_000L;
    /** About 2 s of 8 Mbit/s video in 1200-byte packets. */
    public static final int DEFAULT_MAX_PACKETS = 2048;
    private static final int OSN_LENGTH = 2;
    private static final long NONE = Long.MIN_VALUE;

    private final PacketPool pool;
    private final int mask;
    private final long maxAgeNanos;
    private final PacketBuffer[] packets;
    private final long[] slotSeq;
    /** Per slot: what {@link #regenerator} rebuilds the packet from, or {@link #NONE} when the slot holds a copy. */
    private final long[] references;
    private Regenerator regenerator;
    private final long[] storedAt;
    private final long[] resentAt;
    private final SequenceUnwrapper unwrapper = new SequenceUnwrapper();
    private final ReliabilityCounters counters = new ReliabilityCounters();
    private long oldest = NONE;
    private long newest = NONE;
    private int stored;
    private long rttNanos = NackGenerator.DEFAULT_RTT_NANOS;
    private boolean rtx;
    private int rtxPayloadType;
    private int rtxSsrc;
    private int rtxSequence;
    private long resent;
    // state of the NACK being answered, for the allocation-free visitor
    private long nackNow;
    private PacketSink nackSink;
    private int nackResent;
    private final IntConsumer nackVisitor = seq -> {
        if (resend(seq, nackNow, nackSink).ok()) {
            nackResent++;
        }
    };

    public RetransmissionHistory(PacketPool pool) {
        this(pool, DEFAULT_MAX_PACKETS, DEFAULT_MAX_AGE_NANOS);
    }

    /**
     * @param pool        where copies and retransmissions come from; give it room for {@code maxPackets} plus the
     *                    retransmissions in flight
     * @param maxPackets  the most packets kept, rounded up to a power of two
     * @param maxAgeNanos how long a packet is kept
     */
    public RetransmissionHistory(PacketPool pool, int maxPackets, long maxAgeNanos) {
        if (maxPackets < 1 || maxPackets > 1 << 15) {
            throw new IllegalArgumentException("maxPackets must be in [1, 32768]: " + maxPackets);
        }
        if (maxAgeNanos <= 0) {
            throw new IllegalArgumentException("maxAge must be positive");
        }
        int size = maxPackets == 1 ? 1 : Integer.highestOneBit(maxPackets - 1) << 1;
        this.pool = pool;
        this.mask = size - 1;
        this.maxAgeNanos = maxAgeNanos;
        this.packets = new PacketBuffer[size];
        this.slotSeq = new long[size];
        this.references = new long[size];
        java.util.Arrays.fill(references, NONE);
        this.storedAt = new long[size];
        this.resentAt = new long[size];
    }

    /**
     * Resends over RTX (RFC 4588): {@code payloadType} is the negotiated RTX payload type (one per original payload
     * type in SDP; a history serves one original payload type), {@code ssrc} the RTX stream's SSRC
     * ({@code a=ssrc-group:FID}), {@code initialSequence} its first sequence number (random, RFC 3550 §5.1).
     */
    public RetransmissionHistory rtx(int payloadType, int ssrc, int initialSequence) {
        if ((payloadType & ~0x7F) != 0) {
            throw new IllegalArgumentException("payload type is 7 bits: " + payloadType);
        }
        rtx = true;
        rtxPayloadType = payloadType;
        rtxSsrc = ssrc;
        rtxSequence = initialSequence & 0xFFFF;
        return this;
    }

    /** Writes a packet stored by {@link #storeReference} again, exactly as it was sent (in the clear). */
    @FunctionalInterface
    public interface Regenerator {
        /**
         * @param reference      what {@link #storeReference} was given
         * @param sequenceNumber the packet's sequence number
         * @return the packet's length written at {@code [offset, offset + capacity)} of {@code dst}, or -1 when its
         *         source no longer holds it (it is then not resent)
         */
        int write(long reference, int sequenceNumber, MemorySegment dst, long offset, int capacity);
    }

    /** Where packets stored by reference come from; needed before the first {@link #storeReference}. */
    public RetransmissionHistory regenerator(Regenerator r) {
        regenerator = java.util.Objects.requireNonNull(r, "regenerator");
        return this;
    }

    /**
     * Keeps only {@code reference} for the packet with sequence number {@code sequenceNumber}, no copy: a NACK for
     * it has the {@linkplain #regenerator regenerator} write it again. {@code reference} must not be
     * {@link Long#MIN_VALUE}.
     */
    public ReliabilityStatus storeReference(int sequenceNumber, long reference, long nowNanos) {
        if (regenerator == null || reference == NONE) {
            throw new IllegalStateException("storeReference needs a regenerator and a reference other than MIN_VALUE");
        }
        long ext = admit(sequenceNumber, nowNanos);
        if (ext == NONE) {
            return counters.count(ReliabilityStatus.TOO_OLD);
        }
        int i = (int) ext & mask;
        if (packets[i] != null) {
            packets[i].release(); // a copy kept for an older packet in this slot
            packets[i] = null;
            stored--;
        }
        references[i] = reference;
        slotSeq[i] = ext;
        storedAt[i] = nowNanos;
        resentAt[i] = NONE;
        return ReliabilityStatus.OK;
    }

    /** The current round-trip estimate ({@link SenderReporter#rttNanos()}): a packet is resent once per RTT. */
    public RetransmissionHistory rttNanos(long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("RTT must be positive");
        }
        rttNanos = nanos;
        return this;
    }

    /** Keeps a copy of the RTP packet {@code buffer} just sent (still in the clear). */
    public ReliabilityStatus store(PacketBuffer buffer, long nowNanos) {
        return store(buffer.segment(), buffer.offset(), buffer.length(), nowNanos);
    }

    /**
     * Keeps {@code buffer} itself, without a copy: for senders whose cipher writes its output into another buffer,
     * so the clear packet is free after sending. Takes ownership: the buffer is released here when the packet
     * leaves the history, or at once when refused.
     */
    public ReliabilityStatus retain(PacketBuffer buffer, long nowNanos) {
        MemorySegment s = buffer.segment();
        long offset = buffer.offset();
        if (buffer.length() < RtpHeader.FIXED_LENGTH) {
            buffer.release();
            return counters.count(ReliabilityStatus.TOO_LARGE);
        }
        long ext = admit(RtpHeader.sequenceNumber(s, offset), nowNanos);
        if (ext == NONE) {
            buffer.release();
            return counters.count(ReliabilityStatus.TOO_OLD);
        }
        int i = (int) ext & mask;
        PacketBuffer old = packets[i];
        if (old != null) {
            old.release();
        } else {
            stored++;
        }
        packets[i] = buffer;
        references[i] = NONE;
        slotSeq[i] = ext;
        storedAt[i] = nowNanos;
        resentAt[i] = NONE;
        return ReliabilityStatus.OK;
    }

    /** Places a sequence number: its extended form after evicting what it pushes out, or NONE when too old. */
    private long admit(int seq, long nowNanos) {
        long ext = unwrapper.unwrap(seq);
        if (newest == NONE) {
            oldest = ext;
            newest = ext;
        }
        if (ext < newest - mask) {
            return NONE;
        }
        if (ext > newest) {
            newest = ext;
        }
        evict(nowNanos);
        if (ext < oldest) {
            oldest = ext;
        }
        return ext;
    }

    /** Keeps a copy of the RTP packet at {@code [offset, offset + length)}: header, payload and padding. */
    public ReliabilityStatus store(MemorySegment s, long offset, int length, long nowNanos) {
        if (length < RtpHeader.FIXED_LENGTH || length > pool.capacity()) {
            return counters.count(ReliabilityStatus.TOO_LARGE);
        }
        long ext = admit(RtpHeader.sequenceNumber(s, offset), nowNanos);
        if (ext == NONE) {
            return counters.count(ReliabilityStatus.TOO_OLD);
        }
        int i = (int) ext & mask;
        PacketBuffer copy = packets[i];
        if (copy == null) {
            copy = pool.acquire();
            if (copy == null) {
                slotSeq[i] = NONE;
                return counters.count(ReliabilityStatus.POOL_EXHAUSTED);
            }
            packets[i] = copy;
            stored++;
        }
        copy.length(0);
        copy.length(length);
        MemorySegment.copy(s, offset, copy.segment(), copy.offset(), length);
        references[i] = NONE;
        slotSeq[i] = ext;
        storedAt[i] = nowNanos;
        resentAt[i] = NONE;
        return ReliabilityStatus.OK;
    }

    /**
     * Forgets packets pushed out of the ring by newer ones (their slot's buffer is kept for the newer packet, so a
     * steady stream does not touch the pool) and returns to the pool the buffers of packets older than
     * {@code maxAgeNanos} (so an idle stream gives its memory back).
     */
    private void evict(long nowNanos) {
        long floor = newest - mask;
        while (oldest < newest) {
            int i = (int) oldest & mask;
            boolean held = slotSeq[i] == oldest && (packets[i] != null || references[i] != NONE);
            boolean aged = held && nowNanos - storedAt[i] >= maxAgeNanos;
            if (oldest >= floor && held && !aged) {
                return;
            }
            if (held) {
                slotSeq[i] = NONE;
                references[i] = NONE;
                if (aged && packets[i] != null) {
                    packets[i].release();
                    packets[i] = null;
                    stored--;
                }
            }
            oldest++;
        }
    }

    /**
     * Answers a generic NACK: resends every packet it reports lost that is still held and was not resent within
     * the last RTT, giving each retransmission (a buffer of ours, now the sink's to release) to {@code sink}.
     * Returns how many were resent; the others are counted by reason.
     */
    public int onNack(RtcpNack nack, long nowNanos, PacketSink sink) {
        nackNow = nowNanos;
        nackSink = sink;
        nackResent = 0;
        nack.forEachLost(nackVisitor);
        nackSink = null;
        return nackResent;
    }

    /** Resends the packet with sequence number {@code seq} to {@code sink}, over RTX if negotiated. */
    public ReliabilityStatus resend(int seq, long nowNanos, PacketSink sink) {
        if (newest == NONE) {
            return counters.count(ReliabilityStatus.NOT_IN_HISTORY);
        }
        long ext = unwrapper.peek(seq);
        int i = (int) ext & mask;
        PacketBuffer original = packets[i];
        long reference = references[i];
        if ((original == null && reference == NONE) || slotSeq[i] != ext
                || nowNanos - storedAt[i] >= maxAgeNanos) {
            return counters.count(ReliabilityStatus.NOT_IN_HISTORY);
        }
        if (resentAt[i] != NONE && nowNanos - resentAt[i] < rttNanos) {
            return counters.count(ReliabilityStatus.RESEND_TOO_SOON);
        }
        PacketBuffer out = pool.acquire();
        if (out == null) {
            return counters.count(ReliabilityStatus.POOL_EXHAUSTED);
        }
        MemorySegment dst = out.segment();
        long to = out.offset();
        int capacity = out.writableLength();
        int length;
        if (reference != NONE) {
            length = regenerator.write(reference, seq, dst, to, capacity);
            if (length < RtpHeader.FIXED_LENGTH || length > capacity) {
                out.release();
                return counters.count(ReliabilityStatus.NOT_IN_HISTORY);
            }
        } else {
            length = original.length();
            MemorySegment.copy(original.segment(), original.offset(), dst, to, length);
        }
        if (!rtx) {
            out.length(length);
        } else {
            // RFC 4588 §4: in place, the payload moves up to make room for the original sequence number
            int header = headerLength(dst, to, length);
            int padding = RtpHeader.padding(dst, to) ? Bytes.u8(dst, to + length - 1) : 0;
            int payload = length - header - padding;
            if (header < 0 || payload < 0 || header + OSN_LENGTH + payload > capacity) {
                out.release();
                return counters.count(ReliabilityStatus.TOO_LARGE);
            }
            MemorySegment.copy(dst, to + header, dst, to + header + OSN_LENGTH, payload); // overlapping: a memmove
            Bytes.put16(dst, to + header, seq);
            RtpHeader.setPadding(dst, to, false);
            RtpHeader.setPayloadType(dst, to, rtxPayloadType);
            RtpHeader.setSequenceNumber(dst, to, rtxSequence);
            RtpHeader.setSsrc(dst, to, rtxSsrc);
            out.length(header + OSN_LENGTH + payload);
            rtxSequence = (rtxSequence + 1) & 0xFFFF;
        }
        resentAt[i] = nowNanos;
        resent++;
        sink.accept(out);
        return ReliabilityStatus.OK;
    }

    /** Fixed header, CSRCs and extension block (RFC 3550 §5.1, §5.3.1) of a packet we sent; -1 if inconsistent. */
    private static int headerLength(MemorySegment s, long off, int length) {
        int header = RtpHeader.FIXED_LENGTH + 4 * RtpHeader.csrcCount(s, off);
        if (RtpHeader.extension(s, off)) {
            if (header + RtpHeader.EXTENSION_PREAMBLE_LENGTH > length) {
                return -1;
            }
            header += RtpHeader.EXTENSION_PREAMBLE_LENGTH + 4 * Bytes.u16(s, off + header + 2);
        }
        return header <= length ? header : -1;
    }

    /** The sequence number the next RTX packet will carry. */
    public int nextRtxSequence() {
        return rtxSequence;
    }

    /** Pool buffers held now (one per packet kept, plus slots awaiting reuse). */
    public int buffersHeld() {
        return stored;
    }

    /** Retransmissions sent. */
    public long resent() {
        return resent;
    }

    public ReliabilityCounters counters() {
        return counters;
    }

    /** Returns every held buffer to the pool. */
    @Override
    public void close() {
        for (int i = 0; i < packets.length; i++) {
            if (packets[i] != null) {
                packets[i].release();
                packets[i] = null;
            }
        }
        java.util.Arrays.fill(slotSeq, NONE);
        java.util.Arrays.fill(references, NONE);
        stored = 0;
    }
}
