package io.mediaplane.net;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A non-blocking UDP socket that moves datagrams in batches between the kernel and a slab
 * ({@link DatagramBatch}). Two backends pass the same conformance suite:
 * <ul>
 *   <li>{@link NativeUdpSocket}: libmediaplane through FFM; sendmmsg(2)/recvmmsg(2), UDP GSO (udp(7)
 *       UDP_SEGMENT), poll(2); the slab goes to the kernel without a copy, heap or native.</li>
 *   <li>{@link NioUdpSocket}: {@link java.nio.channels.DatagramChannel}, one datagram per system call; used when
 *       libmediaplane is unavailable or {@code -Dmediaplane.native=false}.</li>
 * </ul>
 * {@link #open} picks native when available; {@code -Dmediaplane.udp.backend=nio|native} overrides.
 *
 * <p><b>Results are values.</b> {@link #sendBatch}, {@link #receiveBatch}, {@link #sendSegmented} and
 * {@link #awaitWritable} return a count {@code >= 0} or {@code -errno} ({@link io.mediaplane.ffi.Errno});
 * {@link UdpStatus#of(int)} turns that into the few outcomes callers act on. {@code -EAGAIN}
 * ({@link UdpStatus#WOULD_BLOCK}) is the normal "nothing now". After {@link #close()} they return {@code -EBADF}
 * ({@link UdpStatus#CLOSED}). Exceptions are only for misuse (bad indexes, read-only slab) and for configuration
 * ({@link #open}, {@link #connect}, buffer sizes, {@link #localAddress}), which throw {@link IOException} —
 * {@link java.nio.channels.ClosedChannelException} once closed.
 *
 * <p><b>Threads.</b> Send calls and receive calls may run at the same time on different threads, each with its
 * own {@link DatagramBatch}; two threads must not receive concurrently on one socket, nor send concurrently
 * (the NIO backend keeps per-direction scratch state). {@link #close()} may be called from any thread, any number
 * of times: it wakes a thread blocked in a timed receive, which then returns {@code -EBADF}; a socket's file
 * descriptor is released exactly once, after the last call using it returns, so it is never reused under a caller.
 *
 * <p><b>Ownership.</b> The caller owns slabs and batches; a socket reads or fills them only during a call.
 */
public sealed interface UdpSocket extends AutoCloseable permits NativeUdpSocket, NioUdpSocket {

    /** Which implementation. */
    enum Backend {
        /** {@link #NATIVE} when libmediaplane loaded, else {@link #NIO}; {@code -Dmediaplane.udp.backend} overrides. */
        AUTO,
        NATIVE,
        NIO
    }

    /**
     * The backend {@link Backend#AUTO} stands for in this process ({@code -Dmediaplane.udp.backend}, else native
     * when libmediaplane loaded), for diagnostics such as {@code mediaplane doctor}. Logs the choice once.
     */
    static Backend defaultBackend() {
        return UdpBackendChoice.resolve(Backend.AUTO);
    }

    /** A socket bound to {@code bindAddress} (port 0: any free port) with {@link UdpSocketOptions#DEFAULTS}. */
    static UdpSocket open(InetSocketAddress bindAddress) throws IOException {
        return open(bindAddress, UdpSocketOptions.DEFAULTS);
    }

    /**
     * A socket of {@code bindAddress}'s family (IPv6 sockets are dual-stack unless {@code ipv6Only}), bound to it.
     *
     * @throws java.net.BindException when the address is in use or not local
     * @throws io.mediaplane.ffi.NativeUnavailableException when NATIVE is asked for and libmediaplane is not loaded
     */
    static UdpSocket open(InetSocketAddress bindAddress, UdpSocketOptions options) throws IOException {
        return switch (UdpBackendChoice.resolve(options.backend())) {
            case NATIVE -> NativeUdpSocket.open(bindAddress, options);
            case NIO -> NioUdpSocket.open(bindAddress, options);
            case AUTO -> throw new IllegalStateException("AUTO resolves to a concrete backend");
        };
    }

    Backend backend();

    /** The bound address; after {@link #connect} on a wildcard socket, the source address routing chose. */
    InetSocketAddress localAddress() throws IOException;

    /**
     * connect(2): sets the default destination (datagrams without an address go there), receives only from that
     * peer, and lets ICMP port unreachable surface as {@link UdpStatus#CONNECTION_REFUSED} (udp(7)). On a
     * connected socket leave batch addresses unset: sending elsewhere is backend-specific (NIO refuses).
     */
    void connect(InetSocketAddress remote) throws IOException;

    /** The address given to {@link #connect}, or null. */
    InetSocketAddress remoteAddress();

    /** Sends datagrams {@code 0 .. batch.count()-1}; see {@link #sendBatch(DatagramBatch, int, int)}. */
    default int sendBatch(DatagramBatch batch) {
        return sendBatch(batch, 0, batch.count());
    }

    /**
     * Sends datagrams {@code first .. first+count-1} of {@code batch} without blocking, each to its address (or the
     * connected peer when it has none).
     *
     * @return how many the kernel accepted, starting at {@code first} (fewer than {@code count} when the send
     *         buffer filled or a datagram was refused: call again from {@code first + result}, whose result then
     *         says why), or {@code -errno} for datagram {@code first} ({@code -EAGAIN}: buffer full, see
     *         {@link #awaitWritable})
     */
    int sendBatch(DatagramBatch batch, int first, int count);

    /**
     * Receives up to {@code batch.slotCount()} queued datagrams into slots {@code 0..} without blocking; sets
     * {@code batch.count()}.
     *
     * @return datagrams received, {@code -EAGAIN} when none is queued, or {@code -errno}
     */
    int receiveBatch(DatagramBatch batch);

    /**
     * As {@link #receiveBatch(DatagramBatch)} but waits up to {@code timeout} for the first datagram (poll(2) on
     * the native backend, a {@link java.nio.channels.Selector} on NIO; the wait is not a critical native call,
     * so it never holds up the GC).
     *
     * @return datagrams received, {@code -EAGAIN} after the timeout, {@code -EBADF} when closed meanwhile
     */
    int receiveBatch(DatagramBatch batch, Duration timeout);

    /**
     * Sends {@code totalLength} bytes at {@code slab[offset..]} as datagrams of {@code segmentSize} bytes (the
     * last one shorter when not a multiple): one sendmsg(2) with UDP_SEGMENT (udp(7), Linux 4.18+) when
     * {@link #segmentationOffload()}, else one datagram per segment. At most 64 KiB in total and, with GSO, the
     * kernel's UDP_MAX_SEGMENTS segments (128 on recent kernels, 64 on older ones; more gives {@code -EINVAL}).
     *
     * @param destination where to, or null for the connected peer
     * @return datagrams sent (with GSO all or none), or {@code -errno}
     */
    int sendSegmented(MemorySegment slab, long offset, int totalLength, int segmentSize, PeerAddress destination);

    /** Whether {@link #sendSegmented} is one UDP GSO system call (native backend, kernel with UDP_SEGMENT). */
    boolean segmentationOffload();

    /**
     * Waits up to {@code timeout} until a send would not block (after {@code -EAGAIN} from a send).
     *
     * @return 1 when writable (or when the socket has a pending error the next send reports), {@code -EAGAIN}
     *         after the timeout, {@code -EBADF} when closed
     */
    int awaitWritable(Duration timeout);

    /** SO_RCVBUF as the kernel reports it (Linux: twice what was set, socket(7)). */
    int receiveBufferSize() throws IOException;

    /**
     * Sets SO_RCVBUF; with {@code force} tries SO_RCVBUFFORCE first (native only; needs CAP_NET_ADMIN).
     *
     * @return the size the kernel reports afterwards
     */
    int setReceiveBufferSize(int bytes, boolean force) throws IOException;

    /** SO_SNDBUF as the kernel reports it. */
    int sendBufferSize() throws IOException;

    /** Sets SO_SNDBUF; {@code force} as in {@link #setReceiveBufferSize}. */
    int setSendBufferSize(int bytes, boolean force) throws IOException;

    /** Datagrams moved and refused by this socket. */
    UdpCounters counters();

    boolean isOpen();

    /** Closes the socket; idempotent, never throws, wakes a thread waiting in a timed receive. */
    @Override
    void close();
}
