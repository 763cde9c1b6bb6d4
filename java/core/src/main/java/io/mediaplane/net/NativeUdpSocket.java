package io.mediaplane.net;

import io.mediaplane.ffi.Errno;
import io.mediaplane.ffi.MediaplaneNative;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@link UdpSocket} over libmediaplane ({@link MediaplaneNative}): a non-blocking socket whose batches go
 * through sendmmsg(2)/recvmmsg(2), segmented sends through UDP GSO (udp(7) UDP_SEGMENT), timed receives through
 * poll(2).
 *
 * <p><b>Why critical calls with heap slabs are acceptable here.</b> Send, receive and segmented send are FFM
 * calls bound with {@code Linker.Option.critical(true)}, which lets a heap slab ({@code byte[]}) and the batch's
 * {@code int[]} arrays be handed to the kernel in place. A critical call cannot be paused at a safepoint, so it
 * must be short. These are: the socket is non-blocking and every call passes MSG_DONTWAIT, so the kernel copies at
 * most one batch (≤ {@link DatagramBatch#MAX_SLOTS} datagrams, typically 32–64, tens of microseconds on loopback
 * where the sender also runs the receive path) and returns, never waits. The only wait, for readability or
 * writability, is a separate, ordinary (non-critical) poll(2) call, during which the GC runs freely.
 *
 * <p><b>File descriptor lifetime.</b> Each call takes a use of the descriptor and releases it on return;
 * {@link #close()} marks the socket closed, shuts it down (which wakes a thread in poll), and the descriptor is
 * closed by whichever of {@code close()} or the last in-flight call finishes last. So a number is never closed
 * while a call is using it (which could make the call act on an unrelated, reused descriptor), calls after close
 * return {@code -EBADF} without touching the kernel, and closing twice does nothing.
 */
public final class NativeUdpSocket implements UdpSocket {
    private static final int CLOSED = 0x8000_0000;
    private static final int USERS = 0x7FFF_FFFF;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(NativeUdpSocket.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int fd;
    private final boolean ipv6;
    /** mp_udp_segmentation_supported at open: 1 supported, 0 ENOPROTOOPT, else -errno. */
    private final int segmentationProbe;
    private volatile boolean segmentationOffload;
    /**
     * Whether {@link #sendBatch} sends each run of equal-length datagrams to one destination as one UDP GSO train
     * (a fan-out's copies of several packets for one viewer): while the kernel offers UDP_SEGMENT and accepts them.
     */
    private volatile boolean trains;
    private final UdpCounters counters = new UdpCounters();
    /** CLOSED bit | number of calls using {@link #fd}. */
    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    private volatile InetSocketAddress remote;

    private NativeUdpSocket(int fd, boolean ipv6, int segmentationProbe) {
        this.fd = fd;
        this.ipv6 = ipv6;
        this.segmentationProbe = segmentationProbe;
        this.segmentationOffload = segmentationProbe == 1;
        this.trains = segmentationProbe == 1 && !"false".equals(System.getProperty("mediaplane.udp.trains"));
    }

    /**
     * Opens, configures and binds a socket; on any failure the descriptor is closed before throwing.
     *
     * @throws io.mediaplane.ffi.NativeUnavailableException when libmediaplane is not loaded
     */
    public static NativeUdpSocket open(InetSocketAddress bindAddress, UdpSocketOptions options) throws IOException {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(options, "options");
        MediaplaneNative.library().ensureAvailable();
        PeerAddress local = PeerAddress.of(bindAddress);
        boolean ipv6 = bindAddress.getAddress() instanceof Inet6Address;
        int flags = (options.reuseAddress() ? MediaplaneNative.UDP_REUSEADDR : 0)
                | (options.reusePort() ? MediaplaneNative.UDP_REUSEPORT : 0)
                | (options.ipv6Only() ? MediaplaneNative.UDP_V6ONLY : 0);
        int fd = MediaplaneNative.udpOpen(ipv6 ? MediaplaneNative.FAMILY_IPV6 : MediaplaneNative.FAMILY_IPV4, flags);
        if (fd < 0) {
            throw new SocketException("UDP socket: " + Errno.describe(fd));
        }
        boolean ok = false;
        try {
            if (options.receiveBufferSize() > 0) {
                check("SO_RCVBUF " + options.receiveBufferSize(), MediaplaneNative.udpSetBufferSize(fd,
                        MediaplaneNative.BUFFER_RECEIVE, options.receiveBufferSize(), options.forceBufferSizes()));
            }
            if (options.sendBufferSize() > 0) {
                check("SO_SNDBUF " + options.sendBufferSize(), MediaplaneNative.udpSetBufferSize(fd,
                        MediaplaneNative.BUFFER_SEND, options.sendBufferSize(), options.forceBufferSizes()));
            }
            int bound = MediaplaneNative.udpBind(fd, local.encodedSegment);
            if (bound < 0) {
                String what = "bind " + bindAddress + ": " + Errno.describe(bound);
                throw bound == -Errno.EADDRINUSE || bound == -Errno.EADDRNOTAVAIL || bound == -Errno.EACCES
                        ? new BindException(what) : new SocketException(what);
            }
            NativeUdpSocket socket = new NativeUdpSocket(fd, ipv6, MediaplaneNative.udpSegmentationSupported(fd));
            ok = true;
            return socket;
        } finally {
            if (!ok) {
                MediaplaneNative.udpClose(fd);
            }
        }
    }

    private static int check(String what, int result) throws SocketException {
        if (result < 0) {
            throw new SocketException(what + ": " + Errno.describe(result));
        }
        return result;
    }

    /** Takes a use of the descriptor; false once closed. */
    private boolean acquire() {
        for (;;) {
            int s = (int) STATE.getVolatile(this);
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                return true;
            }
        }
    }

    /** Returns a use; the last one out after close() closes the descriptor. */
    private void release() {
        int s = (int) STATE.getAndAdd(this, -1) - 1;
        if (s == CLOSED) {
            MediaplaneNative.udpClose(fd);
        }
    }

    private boolean closing() {
        return ((int) STATE.getVolatile(this) & CLOSED) != 0;
    }

    private void acquireForConfiguration() throws ClosedChannelException {
        if (!acquire()) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public void close() {
        int s;
        do {
            s = (int) STATE.getVolatile(this);
            if ((s & CLOSED) != 0) {
                return;
            }
        } while (!STATE.compareAndSet(this, s, (s + 1) | CLOSED)); // a use of our own keeps fd valid for shutdown
        if ((s & USERS) != 0) {
            // wake threads blocked in poll; for an unconnected socket this reports ENOTCONN but still wakes them
            MediaplaneNative.udpShutdown(fd);
        }
        release();
    }

    @Override
    public boolean isOpen() {
        return !closing();
    }

    @Override
    public Backend backend() {
        return Backend.NATIVE;
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        acquireForConfiguration();
        try {
            byte[] encoded = new byte[PeerAddress.ENCODED_SIZE];
            check("getsockname", MediaplaneNative.udpLocalAddress(fd, MemorySegment.ofArray(encoded)));
            return PeerAddress.decodeSocketAddress(encoded, 0);
        } finally {
            release();
        }
    }

    @Override
    public void connect(InetSocketAddress remoteAddress) throws IOException {
        PeerAddress peer = PeerAddress.of(remoteAddress);
        acquireForConfiguration();
        try {
            check("connect " + remoteAddress, MediaplaneNative.udpConnect(fd, peer.encodedSegment));
            this.remote = remoteAddress;
        } finally {
            release();
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public int sendBatch(DatagramBatch batch, int first, int count) {
        batch.checkRange(first, count);
        if (count == 0) {
            return 0;
        }
        int r;
        if (!acquire()) {
            r = -Errno.EBADF;
        } else {
            try {
                boolean plain = !trains;
                r = 0;
                if (trains) {
                    batch.trains[0] = 0;
                    batch.trains[1] = 0;
                    r = MediaplaneNative.udpSendBatchTrains(fd, batch.slab(), batch.offsetsSegment,
                            batch.lengthsSegment, batch.addressesSegment, first, count, batch.trainsSegment);
                    counters.countTrains(batch.trains[0], batch.trains[1]);
                    // refused: the route's device cannot checksum-offload, or a segment exceeds the path MTU (udp(7))
                    // — or the datagram itself is bad, which the plain send below tells apart
                    plain = r == -Errno.EIO || r == -Errno.EINVAL;
                }
                if (plain) {
                    int refused = r;
                    r = MediaplaneNative.udpSendBatch(fd, batch.slab(), batch.offsetsSegment, batch.lengthsSegment,
                            batch.addressesSegment, first, count);
                    if (refused < 0 && r > 0) {
                        trains = false; // the datagrams go, the trains did not: no more trains on this socket
                        counters.countTrainRefused();
                    }
                }
            } finally {
                release();
            }
        }
        counters.sent(r);
        return r;
    }

    @Override
    public int receiveBatch(DatagramBatch batch) {
        batch.checkWritable();
        int r;
        if (!acquire()) {
            r = -Errno.EBADF;
        } else {
            try {
                r = receiveNow(batch);
            } finally {
                release();
            }
        }
        counters.received(batch, r);
        return r;
    }

    @Override
    public int receiveBatch(DatagramBatch batch, Duration timeout) {
        batch.checkWritable();
        long timeoutNanos = Timeouts.nanos(timeout);
        int r;
        if (!acquire()) {
            r = -Errno.EBADF;
        } else {
            try {
                long deadline = System.nanoTime() + timeoutNanos;
                for (;;) {
                    r = receiveNow(batch);
                    if (r != -Errno.EAGAIN) {
                        break;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    int ready = MediaplaneNative.udpPoll(fd, MediaplaneNative.POLL_IN, Timeouts.pollMillis(left));
                    if (closing()) {
                        r = -Errno.EBADF; // woken by close(): shutdown made the socket readable
                        break;
                    }
                    if (ready < 0) {
                        r = ready;
                        break;
                    }
                }
            } finally {
                release();
            }
        }
        counters.received(batch, r);
        return r;
    }

    private int receiveNow(DatagramBatch b) {
        int n = MediaplaneNative.udpReceiveBatch(fd, b.slab(), b.offsetsSegment, b.capacitiesSegment,
                b.lengthsSegment, b.datagramLengthsSegment, b.addressesSegment, b.slotCount());
        b.count = Math.max(n, 0);
        return n;
    }

    @Override
    public int sendSegmented(MemorySegment slab, long offset, int totalLength, int segmentSize,
                             PeerAddress destination) {
        Objects.checkFromIndexSize(offset, totalLength, slab.byteSize());
        if (totalLength < 1 || segmentSize < 1 || segmentSize > 0xFFFF) {
            throw new IllegalArgumentException("total length " + totalLength + ", segment size " + segmentSize
                    + ": both must be >= 1, segment size <= 65535");
        }
        MemorySegment to = destination == null ? MemorySegment.NULL : destination.encodedSegment;
        int r;
        if (!acquire()) {
            r = -Errno.EBADF;
        } else {
            try {
                r = segmentationOffload ? MediaplaneNative.udpSendSegmented(fd, slab, offset, totalLength,
                        segmentSize, to) : -Errno.ENOPROTOOPT;
                if (r == -Errno.ENOPROTOOPT || r == -Errno.EOPNOTSUPP || r == -Errno.EIO) {
                    // no GSO in this kernel, or none on this route's device (no checksum offload, udp(7))
                    if (r == -Errno.ENOPROTOOPT) {
                        segmentationOffload = false;
                    }
                    counters.segmentedEmulated();
                    r = MediaplaneNative.udpSendSegments(fd, slab, offset, totalLength, segmentSize, to);
                }
            } finally {
                release();
            }
        }
        counters.sent(r);
        return r;
    }

    @Override
    public boolean segmentationOffload() {
        return segmentationOffload;
    }

    /** What probing UDP_SEGMENT returned at open: 1 supported, 0 ENOPROTOOPT, else -errno (for diagnostics). */
    public int segmentationProbeResult() {
        return segmentationProbe;
    }

    @Override
    public int awaitWritable(Duration timeout) {
        long timeoutNanos = Timeouts.nanos(timeout);
        if (!acquire()) {
            return -Errno.EBADF;
        }
        try {
            long deadline = System.nanoTime() + timeoutNanos;
            for (;;) {
                long left = Math.max(0, deadline - System.nanoTime());
                int ready = MediaplaneNative.udpPoll(fd, MediaplaneNative.POLL_OUT, Timeouts.pollMillis(left));
                if (closing()) {
                    return -Errno.EBADF;
                }
                if (ready < 0) {
                    return ready;
                }
                if (ready != 0) {
                    return 1;
                }
                if (deadline - System.nanoTime() <= 0) {
                    return -Errno.EAGAIN;
                }
            }
        } finally {
            release();
        }
    }

    @Override
    public int receiveBufferSize() throws IOException {
        return bufferSize(MediaplaneNative.BUFFER_RECEIVE);
    }

    @Override
    public int setReceiveBufferSize(int bytes, boolean force) throws IOException {
        return setBufferSize(MediaplaneNative.BUFFER_RECEIVE, bytes, force);
    }

    @Override
    public int sendBufferSize() throws IOException {
        return bufferSize(MediaplaneNative.BUFFER_SEND);
    }

    @Override
    public int setSendBufferSize(int bytes, boolean force) throws IOException {
        return setBufferSize(MediaplaneNative.BUFFER_SEND, bytes, force);
    }

    private int bufferSize(int which) throws IOException {
        acquireForConfiguration();
        try {
            return check(which == MediaplaneNative.BUFFER_RECEIVE ? "SO_RCVBUF" : "SO_SNDBUF",
                    MediaplaneNative.udpBufferSize(fd, which));
        } finally {
            release();
        }
    }

    private int setBufferSize(int which, int bytes, boolean force) throws IOException {
        if (bytes < 1) {
            throw new IllegalArgumentException("buffer size must be >= 1: " + bytes);
        }
        acquireForConfiguration();
        try {
            return check((which == MediaplaneNative.BUFFER_RECEIVE ? "SO_RCVBUF " : "SO_SNDBUF ") + bytes,
                    MediaplaneNative.udpSetBufferSize(fd, which, bytes, force));
        } finally {
            release();
        }
    }

    @Override
    public UdpCounters counters() {
        return counters;
    }

    /** The descriptor number, for diagnostics and tests; meaningless once closed. */
    int fd() {
        return fd;
    }

    @Override
    public String toString() {
        return "NativeUdpSocket[fd " + fd + (ipv6 ? ", IPv6" : ", IPv4") + (isOpen() ? "" : ", closed")
                + ", UDP GSO " + (segmentationOffload ? "on" : "off (probe " + (segmentationProbe < 0
                ? Errno.describe(segmentationProbe) : segmentationProbe == 0 ? "ENOPROTOOPT" : "ok") + ")") + "]";
    }
}
