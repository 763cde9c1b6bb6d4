package io.mediaplane.buffer;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last {@code packets} packets of one stream, each copied once into a slot of a heap slab and found again by the
 * ticket {@link #put} returned, until a newer packet takes its slot. Made for a forwarder: it keeps each publisher
 * packet once here, and every viewer's retransmission history keeps only the ticket (instead of a copy per
 * viewer: at 500 viewers that copy was 12 % of the forwarding thread, and 400 MB of histories).
 *
 * <p>Tickets are unique across all rings of the process (each ring numbers from a base of its own), so a ticket
 * of another ring, or of a slot overwritten since, is simply not found.
 *
 * <p>Not thread-safe: written and read by one thread (a media port's receive thread).
 */
public final class PacketRing {
    private static final AtomicLong RINGS = new AtomicLong();
    /** Tickets of one ring; far more packets than a stream sends in years. */
    private static final long TICKETS_PER_RING = 1L << 40;

    private final int mask;
    private final int slotSize;
    private final MemorySegment slab;
    private final int[] lengths;
    private final long[] tickets;
    private long next;

    /**
     * @param packets  packets held, rounded up to a power of two
     * @param slotSize the largest packet held
     */
    public PacketRing(int packets, int slotSize) {
        if (packets < 1 || packets > 1 << 16) {
            throw new IllegalArgumentException("packets must be in [1, 65536]: " + packets);
        }
        if (slotSize < 1) {
            throw new IllegalArgumentException("slot size " + slotSize);
        }
        int size = packets == 1 ? 1 : Integer.highestOneBit(packets - 1) << 1;
        this.mask = size - 1;
        this.slotSize = slotSize;
        this.slab = MemorySegment.ofArray(new byte[Math.multiplyExact(size, slotSize)]);
        this.lengths = new int[size];
        this.tickets = new long[size];
        this.next = RINGS.incrementAndGet() * TICKETS_PER_RING;
        java.util.Arrays.fill(tickets, -1);
    }

    /**
     * Copies {@code [offset, offset + length)} of {@code s} into the oldest slot.
     *
     * @return its ticket, or -1 when longer than a slot (not kept)
     */
    public long put(MemorySegment s, long offset, int length) {
        if (length < 0 || length > slotSize) {
            return -1;
        }
        long ticket = next++;
        int i = (int) ticket & mask;
        MemorySegment.copy(s, offset, slab, (long) i * slotSize, length);
        lengths[i] = length;
        tickets[i] = ticket;
        return ticket;
    }

    /** Whether {@code ticket}'s packet is still held. */
    public boolean holds(long ticket) {
        return ticket >= 0 && tickets[(int) ticket & mask] == ticket;
    }

    /** The slab the packets live in ({@link #offset}, {@link #length}). */
    public MemorySegment slab() {
        return slab;
    }

    /** Where {@code ticket}'s packet starts in {@link #slab()}; check {@link #holds} first. */
    public long offset(long ticket) {
        return (long) ((int) ticket & mask) * slotSize;
    }

    /** The length of {@code ticket}'s packet; check {@link #holds} first. */
    public int length(long ticket) {
        return lengths[(int) ticket & mask];
    }

    /** How many packets the ring holds at most. */
    public int capacity() {
        return mask + 1;
    }
}
