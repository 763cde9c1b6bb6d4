package io.mediaplane.net;

import io.mediaplane.ffi.Errno;
import io.mediaplane.rtp.PacketKind;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One UDP port shared by every WebRTC session (ICE-lite servers need only one, RFC 8445 §2.5): a receive
 * thread reads datagrams in batches, classifies each by its first byte (RFC 7983 §7: STUN, DTLS, RTP/RTCP) and
 * hands it to the {@link PeerTransport} it belongs to. STUN binding requests are matched by the local ufrag in
 * USERNAME, authenticated with that transport's password and answered here; every other datagram is matched by
 * its source address, which only an authenticated binding request maps. Unknown senders, garbage and STUN
 * for unknown ufrags are dropped and counted ({@link #counters()}) without touching any session.
 *
 * <p>Consent freshness (RFC 7675) is checked by the receive thread every {@value #CONSENT_CHECK_MILLIS} ms
 * (and by {@link #checkConsent()} for tests with a fake clock).
 */
public final class MediaPort implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MediaPort.class.getName());
    static final int CONSENT_CHECK_MILLIS = 500;
    /** Receive slot size: larger than any datagram a 1500-byte MTU path delivers. */
    private static final int SLOT = 2048;
    private static final int SEND_SLOT = 2048;

    private final UdpSocket socket;
    private final MediaPortOptions options;
    private final InetSocketAddress localAddress;
    private final PortCounters counters = new PortCounters();
    private final ConcurrentHashMap<String, PeerTransport> byUfrag = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<PeerAddress, PeerTransport> byAddress = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Runnable> receiveThreadTasks = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.CopyOnWriteArrayList<Runnable> batchEndHooks =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    /** True on the receive thread while it hands a received batch's datagrams to their transports. */
    private boolean dispatching;
    private final AtomicInteger dtlsThreads = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLongArray ended =
            new java.util.concurrent.atomic.AtomicLongArray(TransportEndReason.values().length);
    private final ReentrantLock sendLock = new ReentrantLock();
    private final DatagramBatch sendBatch = DatagramBatch.allocateHeap(1, SEND_SLOT);
    private final byte[] sendArray = (byte[]) sendBatch.slab().heapBase().orElseThrow();
    private final Thread receiver;
    private volatile boolean open = true;

    // receive-thread state
    private final DatagramBatch receiveBatch;
    private final byte[] receiveArray;
    private final IceLiteAgent ice = new IceLiteAgent(byUfrag::get, counters);
    private final byte[] stunOut = new byte[IceLiteAgent.MAX_RESPONSE];
    private PeerAddress lastAddress;
    private PeerTransport lastTransport;
    private long lastConsentCheck;

    private MediaPort(UdpSocket socket, MediaPortOptions options) throws IOException {
        this.socket = socket;
        this.options = options;
        this.localAddress = socket.localAddress();
        this.receiveBatch = DatagramBatch.allocateHeap(options.receiveBatch(), SLOT);
        this.receiveArray = (byte[]) receiveBatch.slab().heapBase().orElseThrow();
        this.lastConsentCheck = options.clock().nanos();
        this.receiver = Thread.ofPlatform().daemon().name("media-port-" + localAddress.getPort()).unstarted(this::receiveLoop);
        int asked = options.socket().receiveBufferSize();
        int got = socket.receiveBufferSize() / 2; // Linux reports twice what it grants (socket(7))
        if (asked > 0 && got < asked) {
            LOG.log(System.Logger.Level.WARNING, "media port " + localAddress.getPort() + ": receive buffer "
                    + got + " bytes, asked for " + asked + " (capped by net.core.rmem_max; raise it, or run with "
                    + "CAP_NET_ADMIN): a busy forwarding thread loses publisher packets sooner");
        }
    }

    /** A port bound to {@code bind} (port 0: any free port) with {@link MediaPortOptions#defaults()}. */
    public static MediaPort open(InetSocketAddress bind) throws IOException {
        return open(bind, MediaPortOptions.defaults());
    }

    public static MediaPort open(InetSocketAddress bind, MediaPortOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        UdpSocket s = UdpSocket.open(bind, options.socket());
        MediaPort p;
        try {
            p = new MediaPort(s, options);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        p.receiver.start();
        return p;
    }

    /**
     * A new transport for one peer, found by {@code config.local().ufrag()} from now on.
     *
     * @throws IllegalArgumentException when that ufrag is already registered
     * @throws IllegalStateException    when the port is closed
     */
    public PeerTransport register(TransportConfig config, TransportListener listener) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(listener, "listener");
        if (!open) {
            throw new IllegalStateException("media port closed");
        }
        PeerTransport t = new PeerTransport(this, config, listener, options.clock().nanos());
        if (byUfrag.putIfAbsent(config.local().ufrag(), t) != null) {
            throw new IllegalArgumentException("ufrag already registered: " + config.local().ufrag());
        }
        return t;
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public MediaPortOptions options() {
        return options;
    }

    /** Datagrams handled and dropped on this port, by outcome, across all transports. */
    public PortCounters counters() {
        return counters;
    }

    /** The underlying socket's counters (datagrams moved, errors). */
    public UdpCounters socketCounters() {
        return socket.counters();
    }

    /** Registered transports (ufrag mappings). */
    public int transportCount() {
        return byUfrag.size();
    }

    /** Remote addresses mapped to transports. */
    public int addressMappingCount() {
        return byAddress.size();
    }

    /** DTLS threads alive (one per transport in handshake or connected). */
    public int dtlsThreadCount() {
        return dtlsThreads.get();
    }

    /** How many transports of this port ended for {@code reason}. */
    public long endedTransports(TransportEndReason reason) {
        return ended.get(reason.ordinal());
    }

    /** The transports now registered. */
    public List<PeerTransport> transports() {
        return List.copyOf(byUfrag.values());
    }

    /**
     * Sends one datagram to {@code to} from this port; callable from any thread (sends are serialised).
     *
     * @return 1, or {@code -errno} ({@link UdpStatus#of})
     */
    public int send(PeerAddress to, MemorySegment packet, long offset, int length) {
        if (length > SEND_SLOT) {
            return -Errno.EMSGSIZE;
        }
        sendLock.lock();
        try {
            MemorySegment.copy(packet, ValueLayout.JAVA_BYTE, offset, sendArray, 0, length);
            return sendLocked(to, length);
        } finally {
            sendLock.unlock();
        }
    }

    int send(PeerAddress to, byte[] a, int off, int length) {
        if (length > SEND_SLOT) {
            return -Errno.EMSGSIZE;
        }
        sendLock.lock();
        try {
            System.arraycopy(a, off, sendArray, 0, length);
            return sendLocked(to, length);
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Sends datagrams {@code first .. first+count-1} of {@code batch} (each with its address) in one
     * sendmmsg(2) where the backend has it; serialised with every other send on this port. For forwarding many
     * sealed packets at once; see {@link UdpSocket#sendBatch(DatagramBatch, int, int)} for the result.
     */
    public int sendBatch(DatagramBatch batch, int first, int count) {
        sendLock.lock();
        try {
            return socket.sendBatch(batch, first, count);
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Waits up to {@code timeout} until a send would not block, after {@code -EAGAIN} from one (the socket's send
     * buffer is shared by every transport of the port).
     *
     * @return as {@link UdpSocket#awaitWritable}
     */
    public int awaitWritable(Duration timeout) {
        return socket.awaitWritable(timeout);
    }

    private int sendLocked(PeerAddress to, int length) {
        sendBatch.setLength(0, length);
        sendBatch.setAddress(0, to);
        sendBatch.setCount(1);
        return socket.sendBatch(sendBatch, 0, 1);
    }

    /** Runs consent freshness now (the receive thread does this every {@value #CONSENT_CHECK_MILLIS} ms). */
    public int checkConsent() {
        long now = options.clock().nanos();
        int expired = 0;
        for (PeerTransport t : byUfrag.values()) {
            if (t.checkConsent(now, options.consentTimeout())) {
                expired++;
            }
        }
        return expired;
    }

    /** Closes every transport (close_notify to connected peers), stops the receive thread, closes the socket. */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        for (PeerTransport t : byUfrag.values()) {
            t.end(TransportEndReason.PORT_CLOSED, null);
        }
        socket.close();
        if (Thread.currentThread() != receiver) {
            try {
                receiver.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        runReceiveThreadTasks();
    }

    public boolean isOpen() {
        return open;
    }

    // ---------------------------------------------------------------- for transports

    void mapAddress(PeerAddress a, PeerTransport t) {
        PeerTransport old = byAddress.put(a, t);
        if (old != null && old != t) {
            // the address moved to another session (a peer reusing its port): the newest authenticated one wins
            LOG.log(System.Logger.Level.DEBUG, () -> a + " moved from " + old + " to " + t);
        }
    }

    void renameUfrag(PeerTransport t, String oldUfrag, String newUfrag) {
        if (oldUfrag.equals(newUfrag)) {
            return;
        }
        if (byUfrag.putIfAbsent(newUfrag, t) != null) {
            throw new IllegalArgumentException("ufrag already registered: " + newUfrag);
        }
        byUfrag.remove(oldUfrag, t);
    }

    void unregister(PeerTransport t, String ufrag, List<PeerAddress> addresses, TransportEndReason reason) {
        ended.getAndIncrement(reason.ordinal());
        byUfrag.remove(ufrag, t);
        for (PeerAddress a : addresses) {
            byAddress.remove(a, t);
        }
        // other ufrags (after restarts) pointing at t
        byUfrag.values().removeIf(x -> x == t);
        byAddress.values().removeIf(x -> x == t);
    }

    void runOnReceiveThread(Runnable task) {
        if (!open || Thread.currentThread() == receiver) {
            task.run();
        } else {
            receiveThreadTasks.add(task);
            if (!receiver.isAlive()) {
                runReceiveThreadTasks();
            }
        }
    }

    boolean onReceiveThread() {
        return Thread.currentThread() == receiver;
    }

    /**
     * Whether the caller is the receive thread handing a received batch's datagrams to their transports: then the
     * hooks of {@link #afterEachReceiveBatch} run before the batch's slab is reused, so views into it stay valid
     * until they have run.
     */
    public boolean dispatchingReceiveBatch() {
        return dispatching && Thread.currentThread() == receiver;
    }

    /**
     * Runs {@code hook} on the receive thread after every received batch's datagrams were handed to their
     * transports (and before the next receive). Until {@link #removeReceiveBatchHook}.
     */
    public void afterEachReceiveBatch(Runnable hook) {
        batchEndHooks.add(Objects.requireNonNull(hook, "hook"));
    }

    public void removeReceiveBatchHook(Runnable hook) {
        batchEndHooks.remove(hook);
    }

    AtomicInteger dtlsThreadCounter() {
        return dtlsThreads;
    }

    // ---------------------------------------------------------------- receive thread

    private void receiveLoop() {
        Duration wait = Duration.ofMillis(CONSENT_CHECK_MILLIS / 2);
        try {
            while (open) {
                int n = socket.receiveBatch(receiveBatch, wait);
                if (UdpStatus.of(n) == UdpStatus.CLOSED) {
                    break;
                }
                long now = options.clock().nanos();
                dispatching = true;
                for (int i = 0; i < n; i++) {
                    try {
                        handle(i, now);
                    } catch (RuntimeException e) {
                        // one bad datagram or session must not take every session on the port down with it
                        counters.count(PortEvent.HANDLER_FAILED);
                        LOG.log(System.Logger.Level.ERROR, "media port: handling a datagram failed", e);
                    }
                }
                dispatching = false;
                for (Runnable hook : batchEndHooks) {
                    try {
                        hook.run();
                    } catch (RuntimeException e) {
                        counters.count(PortEvent.HANDLER_FAILED);
                        LOG.log(System.Logger.Level.ERROR, "media port: a receive-batch hook failed", e);
                    }
                }
                runReceiveThreadTasks();
                if (now - lastConsentCheck >= CONSENT_CHECK_MILLIS * 1_000_000L) {
                    lastConsentCheck = now;
                    checkConsent();
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "media port receive thread failed", e);
            throw e;
        } finally {
            runReceiveThreadTasks();
        }
    }

    private void runReceiveThreadTasks() {
        Runnable r;
        while ((r = receiveThreadTasks.poll()) != null) {
            r.run();
        }
    }

    private void handle(int i, long now) {
        if (receiveBatch.isTruncated(i)) {
            counters.count(PortEvent.TRUNCATED);
            return;
        }
        int off = receiveBatch.offset(i);
        int len = receiveBatch.length(i);
        MemorySegment slab = receiveBatch.slab();
        PacketKind kind = PacketKind.of(slab, off, len);
        switch (kind) {
            case STUN -> {
                PeerAddress from = receiveBatch.address(i);
                int n = ice.handle(receiveArray, off, len, from, now, stunOut);
                if (n > 0) {
                    send(from, stunOut, 0, n);
                }
            }
            case DTLS, RTP, RTCP -> {
                PeerTransport t = bySource(i);
                if (t == null) {
                    counters.count(PortEvent.UNKNOWN_SENDER);
                    return;
                }
                switch (kind) {
                    case DTLS -> t.onDtls(receiveArray, off, len);
                    default -> t.onSrtp(slab, off, len, kind == PacketKind.RTCP, now);
                }
            }
            default -> counters.count(PortEvent.UNKNOWN_KIND);
        }
    }

    /** The transport mapped to datagram {@code i}'s source; the last hit is cached (media comes in runs). */
    private PeerTransport bySource(int i) {
        PeerAddress last = lastAddress;
        if (last != null && receiveBatch.addressEquals(i, last) && lastTransport.state() != TransportState.CLOSED) {
            return lastTransport;
        }
        PeerAddress a = receiveBatch.address(i);
        if (a == null) {
            return null;
        }
        PeerTransport t = byAddress.get(a);
        if (t != null) {
            lastAddress = a;
            lastTransport = t;
        }
        return t;
    }

    @Override
    public String toString() {
        return "MediaPort[" + localAddress + ", " + byUfrag.size() + " transports]";
    }
}
