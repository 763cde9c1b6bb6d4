package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * Builds transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1) from arrival times, for
 * a receiver to send back. Reusable: {@link #reset}, add packets in sequence order, {@link #write}; it keeps two
 * preallocated arrays and allocates nothing per use.
 *
 * <p>The reference time is the first received packet's arrival rounded down to 64 ms; every arrival is rounded
 * down to 250 µs and sent as the delta from the previous received one, in one byte when it is 0..255 ticks and
 * in two signed bytes otherwise. Chunks are chosen as libwebrtc does: a run-length chunk for runs of one symbol,
 * else a 14-symbol one-bit vector when no large delta is involved, else 7-symbol two-bit vectors.
 */
public final class RtcpTransportCcWriter {
    /** Pass as an arrival time for a packet that did not arrive. */
    public static final long NOT_RECEIVED = Long.MIN_VALUE;
    /** Packet status count is 16 bits. */
    public static final int MAX_PACKETS = 0xFFFF;

    private static final int ONE_BIT_CAPACITY = 14;
    private static final int TWO_BIT_CAPACITY = 7;

    private final byte[] symbols;
    private final short[] deltas;
    private int senderSsrc;
    private int mediaSsrc;
    private int baseSequence;
    private int feedbackCount;
    private int packets;
    private int received;
    private int largeDeltas;
    private boolean hasReference;
    private long referenceTime;
    /** The last received packet's arrival, in 250 µs ticks since the reference time. */
    private long lastTicks;

    /** A writer for feedback on at most {@code capacity} consecutive sequence numbers. */
    public RtcpTransportCcWriter(int capacity) {
        if (capacity < 1 || capacity > MAX_PACKETS) {
            throw new IllegalArgumentException("capacity must be 1..65535: " + capacity);
        }
        symbols = new byte[capacity];
        deltas = new short[capacity];
    }

    /** Starts a new feedback packet for sequence numbers from {@code baseSequence}. */
    public RtcpTransportCcWriter reset(int senderSsrc, int mediaSsrc, int baseSequence, int feedbackCount) {
        this.senderSsrc = senderSsrc;
        this.mediaSsrc = mediaSsrc;
        this.baseSequence = baseSequence & 0xFFFF;
        this.feedbackCount = feedbackCount & 0xFF;
        packets = 0;
        received = 0;
        largeDeltas = 0;
        hasReference = false;
        lastTicks = 0;
        return this;
    }

    /**
     * Adds the next sequence number ({@code baseSequence + packetCount()}), arrived at {@code arrivalMicros} or
     * {@link #NOT_RECEIVED}. Returns false, adding nothing, when the writer is full or the delta from the previous
     * arrival does not fit 16 signed bits of 250 µs (±8.19 s): then write this feedback and start the next one
     * at this packet.
     */
    public boolean add(long arrivalMicros) {
        if (packets == symbols.length) {
            return false;
        }
        if (arrivalMicros == NOT_RECEIVED) {
            symbols[packets++] = RtcpTransportCc.NOT_RECEIVED;
            return true;
        }
        long reference = hasReference
                ? referenceTime
                : Math.floorDiv(arrivalMicros, RtcpTransportCc.REFERENCE_TIME_MICROS);
        long ticks = Math.floorDiv(arrivalMicros - reference * RtcpTransportCc.REFERENCE_TIME_MICROS,
                RtcpTransportCc.DELTA_TICK_MICROS);
        long delta = ticks - lastTicks;
        if (delta < Short.MIN_VALUE || delta > Short.MAX_VALUE) {
            return false;
        }
        hasReference = true;
        referenceTime = reference;
        lastTicks = ticks;
        boolean small = delta >= 0 && delta <= 0xFF;
        symbols[packets] = (byte) (small ? RtcpTransportCc.RECEIVED_SMALL_DELTA : RtcpTransportCc.RECEIVED_LARGE_DELTA);
        deltas[packets] = (short) delta;
        packets++;
        received++;
        if (!small) {
            largeDeltas++;
        }
        return true;
    }

    /**
     * Adds packet {@code sequence} (at or after the next expected one, modulo 2^16), first marking the ones
     * skipped as not received. Returns false, adding nothing, when that does not fit (see {@link #add}).
     */
    public boolean addReceived(int sequence, long arrivalMicros) {
        int gap = (sequence - baseSequence - packets) & 0xFFFF;
        if (gap >= symbols.length - packets) {
            return false;
        }
        int before = packets;
        for (int i = 0; i < gap; i++) {
            symbols[packets++] = RtcpTransportCc.NOT_RECEIVED;
        }
        if (!add(arrivalMicros)) {
            packets = before;
            return false;
        }
        return true;
    }

    /** Sequence numbers added so far: the packet status count. */
    public int packetCount() {
        return packets;
    }

    public int receivedCount() {
        return received;
    }

    /** The size {@link #write} needs, padding included. */
    public int length() {
        int body = RtcpTransportCc.FIXED_LENGTH + 2 * encodeChunks(null, 0) + received + largeDeltas;
        return (body + 3) & ~3;
    }

    /**
     * Writes the feedback at {@code off}, zero-padded to 32 bits (§3.1); returns the bytes written. Needs at
     * least one packet added.
     */
    public int write(MemorySegment s, long off) {
        if (packets == 0) {
            throw new IllegalStateException("feedback needs at least one packet status (§3.1)");
        }
        int length = length();
        RtcpFeedback.writeCommon(s, off, RtcpPacketType.RTPFB, RtcpFeedback.FMT_TRANSPORT_CC, senderSsrc, mediaSsrc,
                length);
        Bytes.put16(s, off + 12, baseSequence);
        Bytes.put16(s, off + 14, packets);
        Bytes.put24(s, off + 16, (int) referenceTime & 0xFF_FFFF);
        Bytes.put8(s, off + 19, feedbackCount);
        long pos = off + RtcpTransportCc.FIXED_LENGTH;
        pos += 2L * encodeChunks(s, pos);
        for (int i = 0; i < packets; i++) {
            if (symbols[i] == RtcpTransportCc.RECEIVED_SMALL_DELTA) {
                Bytes.put8(s, pos++, deltas[i]);
            } else if (symbols[i] == RtcpTransportCc.RECEIVED_LARGE_DELTA) {
                Bytes.put16(s, pos, deltas[i]);
                pos += 2;
            }
        }
        // at most 3 bytes of padding, written one by one: a slice to fill would be an object per feedback
        // whenever the compiler does not inline this far (seen as ~40 B per feedback on the receive path)
        for (long end = off + length; pos < end; pos++) {
            Bytes.put8(s, pos, 0);
        }
        return length;
    }

    /**
     * Encodes the symbols into chunks (libwebrtc's greedy "last chunk"): keep adding symbols to a pending chunk
     * while it could still be a two-bit vector (≤ 7), a one-bit vector (≤ 14, no large delta) or a run (one
     * symbol, ≤ 8191); when the next one fits none, emit the pending chunk as a run if uniform, as a one-bit
     * vector if full, else as a two-bit vector of its first 7 and keep the rest pending. Writes at {@code pos}
     * unless {@code s} is null; returns the number of chunks.
     */
    private int encodeChunks(MemorySegment s, long pos) {
        int chunks = 0;
        int start = 0;
        int size = 0;
        boolean allSame = true;
        boolean hasLarge = false;
        for (int i = 0; i < packets; i++) {
            int sym = symbols[i];
            boolean canAdd = size < TWO_BIT_CAPACITY
                    || (size < ONE_BIT_CAPACITY && !hasLarge && sym != RtcpTransportCc.RECEIVED_LARGE_DELTA)
                    || (size < RtcpTransportCc.MAX_RUN_LENGTH && allSame && symbols[start] == sym);
            if (!canAdd) {
                if (allSame) {
                    putChunk(s, pos, chunks++, runLength(symbols[start], size));
                    start = i;
                    size = 0;
                } else if (size == ONE_BIT_CAPACITY) {
                    putChunk(s, pos, chunks++, oneBitVector(start, size));
                    start = i;
                    size = 0;
                } else {
                    putChunk(s, pos, chunks++, twoBitVector(start, TWO_BIT_CAPACITY));
                    start += TWO_BIT_CAPACITY;
                    size -= TWO_BIT_CAPACITY;
                }
                allSame = true;
                hasLarge = false;
                for (int j = start; j < start + size; j++) {
                    allSame &= symbols[j] == symbols[start];
                    hasLarge |= symbols[j] == RtcpTransportCc.RECEIVED_LARGE_DELTA;
                }
            }
            if (size > 0) {
                allSame &= symbols[start] == sym;
            }
            hasLarge |= sym == RtcpTransportCc.RECEIVED_LARGE_DELTA;
            size++;
        }
        if (size > 0) {
            int last;
            if (allSame) {
                last = runLength(symbols[start], size);
            } else if (size <= TWO_BIT_CAPACITY) {
                last = twoBitVector(start, size);
            } else {
                last = oneBitVector(start, size);
            }
            putChunk(s, pos, chunks++, last);
        }
        return chunks;
    }

    private static void putChunk(MemorySegment s, long pos, int index, int chunk) {
        if (s != null) {
            Bytes.put16(s, pos + 2L * index, chunk);
        }
    }

    /** §3.1.3: {@code 0 SS LLLLLLLLLLLLL}. */
    private static int runLength(int symbol, int run) {
        return symbol << 13 | run;
    }

    /** §3.1.4 with S=0: 14 one-bit symbols, the first in the most significant position; unused ones are 0. */
    private int oneBitVector(int start, int size) {
        int c = 0x8000;
        for (int i = 0; i < size; i++) {
            c |= (symbols[start + i] & 1) << (13 - i);
        }
        return c;
    }

    /** §3.1.4 with S=1: 7 two-bit symbols. */
    private int twoBitVector(int start, int size) {
        int c = 0xC000;
        for (int i = 0; i < size; i++) {
            c |= symbols[start + i] << (12 - 2 * i);
        }
        return c;
    }
}
