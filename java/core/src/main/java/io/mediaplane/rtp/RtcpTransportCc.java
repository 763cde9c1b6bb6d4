package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * Transport-wide congestion control feedback, RTPFB FMT 15 (draft-holmer-rmcat-transport-wide-cc-extensions-01
 * §3.1): for {@code packet status count} transport sequence numbers from {@code base sequence number}, whether
 * each arrived and, if so, its arrival time as a delta from the previous one.
 *
 * <pre>
 * |      base sequence number     |      packet status count      |
 * |                 reference time                | fb pkt. count |
 * |          packet chunk         |         packet chunk          |
 * .                                                               .
 * |         packet chunk          |  recv delta   |  recv delta   |
 * .                                                               .
 * |           recv delta          |  recv delta   | zero padding  |
 * </pre>
 *
 * Chunks (§3.1.3, §3.1.4) are run-length ({@code 0 SS LLLLLLLLLLLLL}) or status vectors of 14 one-bit
 * ({@code 1 0 ...}) or 7 two-bit ({@code 1 1 ...}) symbols; symbols: 0 not received, 1 received with a 1-byte
 * delta (0..63.75 ms), 2 received with a signed 2-byte delta; 3 is reserved and refused. Deltas count 250 µs;
 * the first is relative to the reference time (signed 24 bits of 64 ms, §3.1.5).
 *
 * <p>{@link #wrap} walks every chunk and sizes the deltas once; the packet cursor ({@link #nextPacket}) and
 * {@link #forEachPacket} then iterate (sequence, status, delta) without allocating.
 */
public final class RtcpTransportCc extends RtcpFeedback {
    public static final int FIXED_LENGTH = RtcpFeedback.FIXED_LENGTH + 8;
    public static final int NOT_RECEIVED = 0;
    public static final int RECEIVED_SMALL_DELTA = 1;
    public static final int RECEIVED_LARGE_DELTA = 2;
    /** The unit of receive deltas, in microseconds (§3.1.5). */
    public static final int DELTA_TICK_MICROS = 250;
    /** The unit of the reference time, in microseconds (§3.1). */
    public static final int REFERENCE_TIME_MICROS = 64_000;
    public static final int MAX_RUN_LENGTH = 0x1FFF;

    /** Receives one packet of the feedback: see {@link #forEachPacket}. */
    @FunctionalInterface
    public interface PacketVisitor {
        /**
         * @param sequence the transport-wide sequence number
         * @param status {@link #NOT_RECEIVED}, {@link #RECEIVED_SMALL_DELTA} or {@link #RECEIVED_LARGE_DELTA}
         * @param deltaTicks the receive delta in 250 µs ticks (0 when not received)
         */
        void visit(int sequence, int status, int deltaTicks);
    }

    private long deltasOffset;
    private int receivedCount;
    // packet cursor
    private int emitted;
    private long chunkCursor;
    private int chunk;
    private int chunkCapacity;
    private int chunkIndex;
    private long deltaCursor;
    private int status;
    private int deltaTicks;
    private long arrivalTicks;

    @Override
    public PacketStatus wrap(MemorySegment seg, long off, int available) {
        PacketStatus s = wrapFeedback(seg, off, available, RtcpPacketType.RTPFB, FMT_TRANSPORT_CC, FIXED_LENGTH);
        if (!s.ok()) {
            return s;
        }
        int statusCount = packetStatusCount();
        if (statusCount == 0) {
            return fail(PacketStatus.BAD_COUNT);
        }
        long end = off + contentLength;
        long pos = off + FIXED_LENGTH;
        int symbols = 0;
        int small = 0;
        int large = 0;
        while (symbols < statusCount) {
            if (end - pos < 2) {
                return fail(PacketStatus.BAD_COUNT);
            }
            int c = Bytes.u16(seg, pos);
            pos += 2;
            int n = Math.min(capacity(c), statusCount - symbols);
            for (int i = 0; i < n; i++) {
                int sym = symbol(c, i);
                if (sym == RECEIVED_SMALL_DELTA) {
                    small++;
                } else if (sym == RECEIVED_LARGE_DELTA) {
                    large++;
                } else if (sym != NOT_RECEIVED) {
                    return fail(PacketStatus.BAD_FORMAT);
                }
                if ((c & 0x8000) == 0) {
                    // a run repeats one symbol: count the rest at once
                    if (sym == RECEIVED_SMALL_DELTA) {
                        small += n - 1;
                    } else if (sym == RECEIVED_LARGE_DELTA) {
                        large += n - 1;
                    }
                    break;
                }
            }
            symbols += n;
        }
        if (end - pos < small + 2L * large) {
            return fail(PacketStatus.BAD_COUNT);
        }
        deltasOffset = pos;
        receivedCount = small + large;
        rewindPackets();
        return PacketStatus.OK;
    }

    /** How many symbols chunk {@code c} holds (§3.1.3, §3.1.4). */
    private static int capacity(int c) {
        if ((c & 0x8000) == 0) {
            return c & MAX_RUN_LENGTH;
        }
        return (c & 0x4000) == 0 ? 14 : 7;
    }

    /** Symbol {@code i} of chunk {@code c}. */
    private static int symbol(int c, int i) {
        if ((c & 0x8000) == 0) {
            return (c >>> 13) & 3;
        }
        if ((c & 0x4000) == 0) {
            return (c >>> (13 - i)) & 1;
        }
        return (c >>> (12 - 2 * i)) & 3;
    }

    public int baseSequence() {
        return Bytes.u16(segment, offset + 12);
    }

    public int packetStatusCount() {
        return Bytes.u16(segment, offset + 14);
    }

    /** The reference time in units of 64 ms, as a signed 24-bit value. */
    public int referenceTime() {
        return Bytes.u24(segment, offset + 16) << 8 >> 8;
    }

    /** Counts feedback packets sent, modulo 256, so the media sender can tell one was lost. */
    public int feedbackPacketCount() {
        return Bytes.u8(segment, offset + 19);
    }

    /** How many of the packets arrived (have a receive delta). */
    public int receivedCount() {
        return receivedCount;
    }

    /** Where the receive deltas start (right after the last chunk). */
    public long deltasOffset() {
        return deltasOffset;
    }

    /** Restarts the packet cursor before {@link #baseSequence}. */
    public void rewindPackets() {
        emitted = 0;
        chunkCursor = offset + FIXED_LENGTH;
        chunkCapacity = 0;
        chunkIndex = 0;
        deltaCursor = deltasOffset;
        arrivalTicks = 0;
        status = NOT_RECEIVED;
        deltaTicks = 0;
    }

    /** Moves the cursor to the next of the {@link #packetStatusCount} packets; false after the last. */
    public boolean nextPacket() {
        if (emitted == packetStatusCount()) {
            return false;
        }
        while (chunkIndex == chunkCapacity) {
            chunk = Bytes.u16(segment, chunkCursor);
            chunkCursor += 2;
            chunkCapacity = capacity(chunk);
            chunkIndex = 0;
        }
        status = symbol(chunk, chunkIndex++);
        emitted++;
        if (status == RECEIVED_SMALL_DELTA) {
            deltaTicks = Bytes.u8(segment, deltaCursor);
            deltaCursor += 1;
        } else if (status == RECEIVED_LARGE_DELTA) {
            deltaTicks = (short) Bytes.u16(segment, deltaCursor);
            deltaCursor += 2;
        } else {
            deltaTicks = 0;
        }
        arrivalTicks += deltaTicks;
        return true;
    }

    /** The current packet's transport-wide sequence number. */
    public int packetSequence() {
        return (baseSequence() + emitted - 1) & 0xFFFF;
    }

    /** {@link #NOT_RECEIVED}, {@link #RECEIVED_SMALL_DELTA} or {@link #RECEIVED_LARGE_DELTA}. */
    public int packetStatus() {
        return status;
    }

    public boolean packetReceived() {
        return status != NOT_RECEIVED;
    }

    /** The current packet's receive delta in 250 µs ticks; 0 if it was not received. */
    public int packetDeltaTicks() {
        return deltaTicks;
    }

    /**
     * The current packet's arrival time in µs on the feedback sender's clock: reference time plus every delta so
     * far (§3.1.5). Meaningful for received packets.
     */
    public long packetArrivalMicros() {
        return (long) referenceTime() * REFERENCE_TIME_MICROS + arrivalTicks * DELTA_TICK_MICROS;
    }

    /** Calls {@code visitor} for every packet, in sequence order; rewinds the cursor first and leaves it at the end. */
    public void forEachPacket(PacketVisitor visitor) {
        rewindPackets();
        while (nextPacket()) {
            visitor.visit(packetSequence(), status, deltaTicks);
        }
    }
}
