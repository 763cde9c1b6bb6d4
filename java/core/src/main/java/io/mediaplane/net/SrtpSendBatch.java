package io.mediaplane.net;

import io.mediaplane.ffi.Errno;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Datagrams for many transports of one {@link MediaPort}, each sealed in place with its own transport's SRTP
 * context, then sent together through {@link MediaPort#sendBatch} (sendmmsg(2): one system call for up to
 * {@link #slotCount()} datagrams instead of one per datagram). Made for fan-out: one publisher packet is written
 * into a slot per viewer — the slot is that viewer's own buffer for this packet, never the shared packet — sealed
 * there and sent with the others.
 *
 * <p>Use: write the clear RTP at {@link #nextOffset()} of {@link #slab()} (at most {@link #slotCapacity()} bytes,
 * room for the tag included), then {@link #add}; after the last one, {@link #flush()}. {@code nextOffset} flushes by
 * itself when every slot is taken.
 *
 * <p>Sealing goes through the transport's lock, as {@link PeerTransport#sealAndSend} does, so RTCP and
 * retransmissions sealed on other threads with the same context stay safe. The datagrams go out in the order they
 * were added, so each transport's packets keep their order.
 *
 * <p>A datagram the kernel refuses (e.g. a bad destination) is counted as {@link SendStatus#SOCKET_ERROR} on its
 * transport and skipped; the ones after it are still sent. When the socket's send buffer is full the batch waits
 * for room at most {@link #FULL_WAIT} once per flush, then drops what is left (counted per transport and in
 * {@link #count(SendStatus)}): a full send buffer is shared by every transport of the port.
 *
 * <p>Not thread-safe: a batch belongs to one thread (the publisher's, i.e. the port's receive thread).
 */
public final class SrtpSendBatch {
    /** Longest wait for send-buffer room in one {@link #flush()} (the fan-out must not stall the receive thread). */
    static final Duration FULL_WAIT = Duration.ofMillis(2);

    private final MediaPort port;
    private final DatagramBatch batch;
    private final PeerTransport[] owners;
    private final int slotCapacity;
    private int pending;
    private final AtomicLongArray counts = new AtomicLongArray(SendStatus.values().length);
    private long systemCalls;
    private long fullWaits;

    /**
     * A batch of {@code slots} slots of {@code slotCapacity} bytes on a heap slab (JCE seals fastest on heap
     * arrays, DESIGN).
     */
    public SrtpSendBatch(MediaPort port, int slots, int slotCapacity) {
        this.port = Objects.requireNonNull(port, "port");
        if (slotCapacity < 1) {
            throw new IllegalArgumentException("slot capacity " + slotCapacity);
        }
        this.batch = DatagramBatch.allocateHeap(slots, slotCapacity);
        this.owners = new PeerTransport[slots];
        this.slotCapacity = slotCapacity;
    }

    /** The slab every slot lives in. */
    public MemorySegment slab() {
        return batch.slab();
    }

    public int slotCount() {
        return batch.slotCount();
    }

    /** Bytes a slot holds, the SRTP tag included. */
    public int slotCapacity() {
        return slotCapacity;
    }

    /** Datagrams sealed and waiting for {@link #flush()}. */
    public int pending() {
        return pending;
    }

    /** Where in {@link #slab()} the next datagram is written; sends the pending ones first when all slots are taken. */
    public int nextOffset() {
        if (pending == owners.length) {
            flush();
        }
        return batch.offset(pending);
    }

    /**
     * Seals the {@code length} clear bytes written at {@link #nextOffset()} with {@code t}'s SRTP context (SRTCP
     * when {@code rtcp}) and queues them to {@code t}'s remote address.
     *
     * @return {@link SendStatus#SENT} when queued (it is handed to the kernel by the next {@link #flush()}),
     *         {@link SendStatus#NOT_CONNECTED} or {@link SendStatus#SEAL_REFUSED} (counted on {@code t}; the slot
     *         is reused)
     * @throws IllegalArgumentException when {@code t} belongs to another port
     */
    public SendStatus add(PeerTransport t, int length, boolean rtcp) {
        if (t.port() != port) {
            throw new IllegalArgumentException(t + " is not a transport of " + port);
        }
        if (pending == owners.length) {
            throw new IllegalStateException("no free slot: call nextOffset() before writing a datagram");
        }
        int offset = batch.offset(pending);
        PeerAddress to = t.remoteAddress();
        int sealed = t.seal(batch.slab(), offset, length, slotCapacity, rtcp);
        SendStatus refused = sealed == PeerTransport.SEAL_NOT_CONNECTED ? SendStatus.NOT_CONNECTED
                : sealed < 0 ? SendStatus.SEAL_REFUSED : to == null ? SendStatus.NOT_CONNECTED : null;
        if (refused != null) {
            t.countSend(refused);
            counts.getAndIncrement(refused.ordinal());
            return refused;
        }
        batch.setLength(pending, sealed);
        batch.setAddress(pending, to);
        owners[pending] = t;
        pending++;
        return SendStatus.SENT;
    }

    /**
     * Hands every pending datagram to the kernel (one sendmmsg(2) per {@link #slotCount()} on the native backend).
     *
     * @return how many the kernel accepted
     */
    public int flush() {
        int n = pending;
        int first = 0;
        int accepted = 0;
        boolean waited = false;
        while (first < n) {
            int r = port.sendBatch(batch, first, n - first);
            systemCalls++;
            if (r > 0) {
                for (int i = first; i < first + r; i++) {
                    done(i, SendStatus.SENT);
                }
                first += r;
                accepted += r;
            } else if (r == -Errno.EAGAIN && !waited) {
                waited = true;
                fullWaits++;
                port.awaitWritable(FULL_WAIT);
            } else if (r == -Errno.EAGAIN || UdpStatus.of(r) == UdpStatus.CLOSED) {
                for (int i = first; i < n; i++) {
                    done(i, SendStatus.SOCKET_ERROR); // the port's buffer stayed full, or it closed: the rest is lost
                }
                first = n;
            } else {
                done(first, SendStatus.SOCKET_ERROR); // this datagram only (its destination); the next ones still go
                first++;
            }
        }
        pending = 0;
        return accepted;
    }

    private void done(int i, SendStatus s) {
        owners[i].countSend(s);
        owners[i] = null;
        counts.getAndIncrement(s.ordinal());
    }

    /** Datagrams of this batch that ended with {@code status} (SENT: accepted by the kernel). */
    public long count(SendStatus status) {
        return counts.get(status.ordinal());
    }

    /** Send system calls made (sendmmsg on the native backend). */
    public long systemCalls() {
        return systemCalls;
    }

    /** Flushes that found the send buffer full and waited for room. */
    public long fullWaits() {
        return fullWaits;
    }

    @Override
    public String toString() {
        return "SrtpSendBatch[" + pending + "/" + owners.length + " pending, " + count(SendStatus.SENT) + " sent]";
    }
}
