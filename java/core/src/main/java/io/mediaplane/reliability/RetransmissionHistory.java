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

    /** Keeps a copy of the RTP packet at {@code [offset, offset + length)}: header, payload and padding. */
    public ReliabilityStatus store(MemorySegment s, long offset, int length, long nowNanos) {
        if (length < RtpHeader.FIXED_LENGTH || length > pool.capacity()) {
            return counters.count(ReliabilityStatus.TOO_LARGE);
        }
        long ext = unwrapper.unwrap(RtpHeader.sequenceNumber(s, offset));
        if (newest == NONE) {
            oldest = ext;
            newest = ext;
        }
        if (ext < newest - mask) {
            return counters.count(ReliabilityStatus.TOO_OLD);
        }
        if (ext > newest) {
            newest = ext;
        }
        evict(nowNanos);
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
        slotSeq[i] = ext;
        storedAt[i] = nowNanos;
        resentAt[i] = NONE;
        if (ext < oldest) {
            oldest = ext;
        }
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
            boolean held = packets[i] != null && slotSeq[i] == oldest;
            boolean aged = held && nowNanos - storedAt[i] >= maxAgeNanos;
            if (oldest >= floor && held && !aged) {
                return;
            }
            if (held) {
                slotSeq[i] = NONE;
                if (aged) {
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
        if (original == null || slotSeq[i] != ext || nowNanos - storedAt[i] >= maxAgeNanos) {
            return counters.count(ReliabilityStatus.NOT_IN_HISTORY);
        }
        if (resentAt[i] != NONE && nowNanos - resentAt[i] < rttNanos) {
            return counters.count(ReliabilityStatus.RESEND_TOO_SOON);
        }
        MemorySegment src = original.segment();
        long from = original.offset();
        int length = original.length();
        PacketBuffer out = pool.acquire();
        if (out == null) {
            return counters.count(ReliabilityStatus.POOL_EXHAUSTED);
        }
        MemorySegment dst = out.segment();
        long to = out.offset();
        if (!rtx) {
            out.length(length);
            MemorySegment.copy(src, from, dst, to, length);
        } else {
            int header = headerLength(src, from, length);
            int padding = RtpHeader.padding(src, from) ? Bytes.u8(src, from + length - 1) : 0;
            int payload = length - header - padding;
            if (header < 0 || payload < 0 || header + OSN_LENGTH + payload > out.writableLength()) {
                out.release();
                return counters.count(ReliabilityStatus.TOO_LARGE);
            }
            out.length(header + OSN_LENGTH + payload);
            MemorySegment.copy(src, from, dst, to, header);
            RtpHeader.setPadding(dst, to, false);
            RtpHeader.setPayloadType(dst, to, rtxPayloadType);
            RtpHeader.setSequenceNumber(dst, to, rtxSequence);
            RtpHeader.setSsrc(dst, to, rtxSsrc);
            Bytes.put16(dst, to + header, seq);
            MemorySegment.copy(src, from + header, dst, to + header + OSN_LENGTH, payload);
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
        stored = 0;
    }
}
