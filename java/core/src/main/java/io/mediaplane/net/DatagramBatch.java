package io.mediaplane.net;

import io.mediaplane.ffi.MediaplaneNative;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The reusable descriptor of up to {@link #slotCount()} datagrams in one slab, for
 * {@link UdpSocket#sendBatch} and {@link UdpSocket#receiveBatch} (sendmmsg(2)/recvmmsg(2) underneath).
 *
 * <p><b>Memory model.</b> The datagrams live in a <em>slab</em>: one contiguous {@link MemorySegment}, heap
 * ({@code MemorySegment.ofArray(byte[])}) or native, cut into slots. Slot {@code i} is the bytes
 * {@code [offset(i), offset(i) + slotCapacity(i))}; {@link #ofSlots} lays them out at a fixed stride, optionally
 * leaving headroom and tailroom in each so RTP/SRTP code can grow a packet in place (DESIGN: ≥ 32 bytes). Per slot
 * the batch keeps {@code int} arrays of offsets, capacities, lengths and real datagram lengths, plus one
 * {@value PeerAddress#ENCODED_SIZE}-byte {@linkplain PeerAddress encoded address}. The native backend hands the
 * slab and these arrays to the kernel as they are: no copies, no per-call allocation.
 *
 * <p><b>Ownership.</b> The caller owns the slab and this batch. A socket uses them only during a call and keeps
 * no reference afterwards. A native slab must stay alive (its arena open) while calls use it. Every offset and
 * length is checked against the slab when set, because the C code trusts them.
 *
 * <p><b>Reuse and threads.</b> A batch is sized once and reused for every call; each receive overwrites the
 * lengths and addresses of the slots it fills and sets {@link #count()}. It is not thread-safe: one batch belongs
 * to one thread (typically one receive batch for the receiving thread and one send batch per sending thread).
 *
 * <p>Send: write payloads into {@link #slot(int)}, {@link #setLength}, {@link #setAddress} (or none on a connected
 * socket), {@link #setCount}, then {@code sendBatch(batch)}. Receive: {@code receiveBatch(batch)} returns
 * {@code n}; read {@link #datagram(int)}, {@link #length}, {@link #address} for {@code i < n}. A received batch can
 * be sent back as is (its lengths and sender addresses become the send lengths and destinations: an echo).
 */
public final class DatagramBatch {
    /** Most slots per batch: the kernel's UIO_MAXIOV limit on one sendmmsg(2)/recvmmsg(2). */
    public static final int MAX_SLOTS = MediaplaneNative.BATCH_MAX;

    private static final int ADDRESS = PeerAddress.ENCODED_SIZE;

    private final MemorySegment slab;
    private final int slotCount;
    private final int slotStride;
    private final int headroom;
    private final int tailroom;

    // package-private: the sockets read and fill these directly
    final int[] offsets;
    final int[] capacities;
    final int[] lengths;
    final int[] datagramLengths;
    final byte[] addresses;
    // views of the arrays for critical native calls, made once
    final MemorySegment offsetsSegment;
    final MemorySegment capacitiesSegment;
    final MemorySegment lengthsSegment;
    final MemorySegment datagramLengthsSegment;
    final MemorySegment addressesSegment;
    /** Where a send reports the GSO trains it made and the datagrams in them (a batch belongs to one thread). */
    final int[] trains = new int[2];
    final MemorySegment trainsSegment = MemorySegment.ofArray(trains);

    int count;
    private ByteBuffer nioView;

    private DatagramBatch(MemorySegment slab, int slotCount, int slotStride, int headroom, int tailroom) {
        this.slab = slab;
        this.slotCount = slotCount;
        this.slotStride = slotStride;
        this.headroom = headroom;
        this.tailroom = tailroom;
        this.offsets = new int[slotCount];
        this.capacities = new int[slotCount];
        this.lengths = new int[slotCount];
        this.datagramLengths = new int[slotCount];
        this.addresses = new byte[slotCount * ADDRESS];
        this.offsetsSegment = MemorySegment.ofArray(offsets);
        this.capacitiesSegment = MemorySegment.ofArray(capacities);
        this.lengthsSegment = MemorySegment.ofArray(lengths);
        this.datagramLengthsSegment = MemorySegment.ofArray(datagramLengths);
        this.addressesSegment = MemorySegment.ofArray(addresses);
        resetSlots();
    }

    /** {@code slotCount} slots of {@code slotStride} bytes from the start of {@code slab}, no headroom. */
    public static DatagramBatch ofSlots(MemorySegment slab, int slotCount, int slotStride) {
        return ofSlots(slab, slotCount, slotStride, 0, 0);
    }

    /**
     * {@code slotCount} slots at a fixed stride; in each, datagram bytes start {@code headroom} bytes in and stop
     * {@code tailroom} bytes before the next slot, so slot capacity is {@code slotStride - headroom - tailroom}.
     */
    public static DatagramBatch ofSlots(MemorySegment slab, int slotCount, int slotStride, int headroom,
                                        int tailroom) {
        Objects.requireNonNull(slab, "slab");
        if (slotCount < 1 || slotCount > MAX_SLOTS) {
            throw new IllegalArgumentException("slotCount " + slotCount + " outside 1.." + MAX_SLOTS);
        }
        if (slotStride < 1 || headroom < 0 || tailroom < 0 || (long) headroom + tailroom >= slotStride) {
            throw new IllegalArgumentException("slot stride " + slotStride + " leaves no room after headroom "
                    + headroom + " and tailroom " + tailroom);
        }
        if ((long) slotCount * slotStride > slab.byteSize()) {
            throw new IllegalArgumentException(slotCount + " slots of " + slotStride + " bytes need "
                    + (long) slotCount * slotStride + " bytes; the slab has " + slab.byteSize());
        }
        if (slab.byteSize() > Integer.MAX_VALUE) {
            // offsets cross to C as int32
            throw new IllegalArgumentException("slab larger than 2 GiB: " + slab.byteSize());
        }
        return new DatagramBatch(slab, slotCount, slotStride, headroom, tailroom);
    }

    /** A batch over a new heap slab ({@code byte[]}; fastest for JCE crypto on the same bytes, DESIGN). */
    public static DatagramBatch allocateHeap(int slotCount, int slotStride) {
        checkAllocation(slotCount, slotStride);
        return ofSlots(MemorySegment.ofArray(new byte[slotCount * slotStride]), slotCount, slotStride);
    }

    /** A batch over a new native slab from {@code arena}, 64-byte aligned; it lives as long as the arena. */
    public static DatagramBatch allocateNative(Arena arena, int slotCount, int slotStride) {
        checkAllocation(slotCount, slotStride);
        return ofSlots(arena.allocate((long) slotCount * slotStride, 64), slotCount, slotStride);
    }

    private static void checkAllocation(int slotCount, int slotStride) {
        if (slotCount < 1 || slotCount > MAX_SLOTS || slotStride < 1 || (long) slotCount * slotStride > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cannot allocate " + slotCount + " slots of " + slotStride + " bytes");
        }
    }

    /** Restores the fixed-stride layout of the factory, zero lengths and no addresses; count becomes 0. */
    public void resetSlots() {
        int capacity = slotStride - headroom - tailroom;
        for (int i = 0; i < slotCount; i++) {
            offsets[i] = i * slotStride + headroom;
            capacities[i] = capacity;
        }
        Arrays.fill(lengths, 0);
        Arrays.fill(datagramLengths, 0);
        Arrays.fill(addresses, (byte) 0);
        count = 0;
    }

    public MemorySegment slab() {
        return slab;
    }

    /** How many slots this batch has (the most datagrams one call moves). */
    public int slotCount() {
        return slotCount;
    }

    /** Datagrams in use: set by a receive, or by the caller before {@code sendBatch(batch)}. */
    public int count() {
        return count;
    }

    public void setCount(int count) {
        if (count < 0 || count > slotCount) {
            throw new IndexOutOfBoundsException("count " + count + " outside 0.." + slotCount);
        }
        this.count = count;
    }

    /** Where slot {@code i}'s datagram starts in the slab. */
    public int offset(int i) {
        return offsets[i];
    }

    /** How many bytes slot {@code i} holds: a receive stores at most this much. */
    public int slotCapacity(int i) {
        return capacities[i];
    }

    /** Moves slot {@code i} within the slab (e.g. to send a packet that grew into its headroom); length becomes 0. */
    public void setSlot(int i, int offset, int capacity) {
        Objects.checkIndex(i, slotCount);
        Objects.checkFromIndexSize(offset, capacity, (int) slab.byteSize());
        offsets[i] = offset;
        capacities[i] = capacity;
        lengths[i] = 0;
        datagramLengths[i] = 0;
    }

    /** Bytes of datagram {@code i} in its slot: what was received (after truncation), or what will be sent. */
    public int length(int i) {
        return lengths[i];
    }

    /** Sets how many bytes of slot {@code i} to send. */
    public void setLength(int i, int length) {
        Objects.checkIndex(i, slotCount);
        if (length < 0 || length > capacities[i]) {
            throw new IndexOutOfBoundsException("length " + length + " outside slot " + i + "'s 0.." + capacities[i]);
        }
        lengths[i] = length;
        datagramLengths[i] = length;
    }

    /** The received datagram's real length (recvmmsg(2) MSG_TRUNC); more than {@link #length} if truncated. */
    public int datagramLength(int i) {
        return datagramLengths[i];
    }

    /** Whether received datagram {@code i} was larger than its slot; the bytes past the slot were lost. */
    public boolean isTruncated(int i) {
        return datagramLengths[i] > lengths[i];
    }

    /** Slot {@code i}'s whole capacity, to write a payload into (a new slice view each call). */
    public MemorySegment slot(int i) {
        return slab.asSlice(offsets[i], capacities[i]);
    }

    /** Datagram {@code i}'s bytes (a new slice view each call). */
    public MemorySegment datagram(int i) {
        return slab.asSlice(offsets[i], lengths[i]);
    }

    /** Sets datagram {@code i}'s destination; null means none (the connected peer). Copies 24 bytes. */
    public void setAddress(int i, PeerAddress address) {
        Objects.checkIndex(i, slotCount);
        if (address == null) {
            Arrays.fill(addresses, i * ADDRESS, (i + 1) * ADDRESS, (byte) 0);
        } else {
            address.copyTo(addresses, i * ADDRESS);
        }
    }

    /** Sets every slot's destination (null: none). */
    public void setAllAddresses(PeerAddress address) {
        for (int i = 0; i < slotCount; i++) {
            setAddress(i, address);
        }
    }

    /** Datagram {@code i}'s sender (after a receive) or destination; null when none. Allocates. */
    public PeerAddress address(int i) {
        Objects.checkIndex(i, slotCount);
        return PeerAddress.decode(addresses, i * ADDRESS);
    }

    /** As {@link #address} but as an {@link InetSocketAddress}; null when none. Allocates. */
    public InetSocketAddress socketAddress(int i) {
        Objects.checkIndex(i, slotCount);
        return PeerAddress.decodeSocketAddress(addresses, i * ADDRESS);
    }

    /** Whether datagram {@code i}'s address is {@code address}, without allocating (e.g. to demultiplex peers). */
    public boolean addressEquals(int i, PeerAddress address) {
        Objects.checkIndex(i, slotCount);
        return address.matches(addresses, i * ADDRESS);
    }

    /** Datagram {@code i}'s port, 0 when it has no address. */
    public int port(int i) {
        int a = i * ADDRESS;
        return ((addresses[a + 2] & 0xFF) << 8) | (addresses[a + 3] & 0xFF);
    }

    /** Throws if {@code [first, first + n)} is not within the slots. */
    void checkRange(int first, int n) {
        Objects.checkFromIndexSize(first, n, slotCount);
    }

    /** Receiving writes the slab: refuse a read-only one up front rather than fault in native code. */
    void checkWritable() {
        if (slab.isReadOnly()) {
            throw new IllegalArgumentException("cannot receive into a read-only slab");
        }
    }

    /** A ByteBuffer over the whole slab, made once, for the NIO backend (position/limit are set per datagram). */
    ByteBuffer nioView() {
        ByteBuffer v = nioView;
        if (v == null) {
            v = slab.asByteBuffer();
            nioView = v;
        }
        return v;
    }

    @Override
    public String toString() {
        return "DatagramBatch[" + slotCount + " slots of " + (slotStride - headroom - tailroom) + " bytes (stride "
                + slotStride + "), count " + count + ", " + (slab.isNative() ? "native" : "heap") + " slab]";
    }
}
