package io.mediaplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP relay in front of a WebRTC media port that loses a seeded fraction of one RTP stream, the loss source that
 * loopback lacks. Clients send to {@link #address()}; each client address gets a socket of its own towards the
 * server (as a NAT would give it a mapping of its own), so the server's replies to that socket go back to that client.
 * Everything is forwarded except, client to server only, a seeded fraction of the RTP packets (RFC 7983: first byte
 * 128–191; RFC 5761: not RTCP, second byte 192–223) of the one stream {@link #loseFrom} names. Of that stream
 * only first transmissions are lost (a sequence number newer than every one seen before, RFC 3550 A.1), so a
 * retransmission on the media stream itself (generic NACK without RTX) gets through, and padding-only packets (P
 * bit) are never lost: a sender keeps no history of them, nothing could repair them. STUN, DTLS, RTCP and every other
 * stream (RTX among them, RFC 4588) always pass. SRTP leaves the RTP header in the clear, so the relay needs no keys.
 *
 * <p>It counts what it lost by sequence number, and which of those it later saw again on the media stream.
 * Closing it stops its thread and closes every socket.
 */
public final class LossyUdpRelay implements AutoCloseable {
    private static final int MAX_DATAGRAM = 2048;

    private final DatagramChannel front;
    private final InetSocketAddress server;
    private final Selector selector;
    private final Thread thread;
    private final Map<SocketAddress, DatagramChannel> upstream = new ConcurrentHashMap<>();
    private final SplittableRandom random;
    private final double lossFraction;
    private volatile long lossSsrc = -1;
    /** Newest extended sequence number seen on the lossy stream, or -1; relay thread only. */
    private long highest = -1;
    private final ConcurrentSkipListSet<Integer> lost = new ConcurrentSkipListSet<>();
    private final ConcurrentSkipListSet<Integer> resentOnMediaStream = new ConcurrentSkipListSet<>();
    private final AtomicLong streamPackets = new AtomicLong();
    private final AtomicLong repeatedNotLost = new AtomicLong();
    private final AtomicLong paddingPackets = new AtomicLong();
    private final Map<Long, AtomicLong> rtpPackets = new ConcurrentHashMap<>();
    private final AtomicLong packetsToClients = new AtomicLong();

    private LossyUdpRelay(DatagramChannel front, InetSocketAddress server, Selector selector, long seed,
                          double lossFraction) {
        this.front = front;
        this.server = server;
        this.selector = selector;
        this.random = new SplittableRandom(seed);
        this.lossFraction = lossFraction;
        this.thread = Thread.ofPlatform().name("lossy-udp-relay").daemon().unstarted(this::run);
    }

    /**
     * Listens on {@code listen} (port 0: any free one) and relays to {@code server}, losing {@code lossFraction} of
     * the stream named later by {@link #loseFrom}, drawn from a generator seeded with {@code seed}.
     */
    public static LossyUdpRelay start(InetSocketAddress listen, InetSocketAddress server, long seed,
                                      double lossFraction) throws IOException {
        if (lossFraction < 0 || lossFraction >= 1) {
            throw new IllegalArgumentException("loss fraction in [0, 1): " + lossFraction);
        }
        Selector selector = Selector.open();
        DatagramChannel front = null;
        try {
            front = DatagramChannel.open(StandardProtocolFamily.INET).bind(listen);
            front.configureBlocking(false);
            front.register(selector, SelectionKey.OP_READ);
            LossyUdpRelay relay = new LossyUdpRelay(front, server, selector, seed, lossFraction);
            relay.thread.start();
            return relay;
        } catch (IOException | RuntimeException e) {
            if (front != null) {
                front.close();
            }
            selector.close();
            throw e;
        }
    }

    /** Where clients send. */
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) front.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** From now on, loses the given fraction of the first transmissions of RTP stream {@code ssrc} to the server. */
    public void loseFrom(long ssrc) {
        lossSsrc = ssrc & 0xFFFF_FFFFL;
    }

    /** Sequence numbers of the lossy stream that were lost, in numeric order. */
    public java.util.SortedSet<Integer> lost() {
        return java.util.Collections.unmodifiableSortedSet(lost);
    }

    /** Lost sequence numbers that later passed the relay again on the media stream itself (RFC 4585 resend). */
    public java.util.SortedSet<Integer> resentOnMediaStream() {
        return java.util.Collections.unmodifiableSortedSet(resentOnMediaStream);
    }

    /** RTP packets of the lossy stream that reached the relay (lost ones included). */
    public long streamPackets() {
        return streamPackets.get();
    }

    /** Packets of the lossy stream that came again (or late) though they were not lost here. */
    public long repeatedNotLost() {
        return repeatedNotLost.get();
    }

    /** Packets of the lossy stream with the padding bit (RFC 3550 §5.1), first transmissions only; never lost. */
    public long paddingPackets() {
        return paddingPackets.get();
    }

    /** RTP packets of stream {@code ssrc} from clients to the server so far (lost ones included). */
    public long rtpPackets(long ssrc) {
        AtomicLong n = rtpPackets.get(ssrc & 0xFFFF_FFFFL);
        return n == null ? 0 : n.get();
    }

    public long packetsToClients() {
        return packetsToClients.get();
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        try {
            while (front.isOpen()) {
                selector.select(200);
                var keys = selector.selectedKeys();
                for (SelectionKey k : keys) {
                    DatagramChannel ch = (DatagramChannel) k.channel();
                    if (ch == front) {
                        fromClients(buf);
                    } else {
                        toClient(ch, (SocketAddress) k.attachment(), buf);
                    }
                }
                keys.clear();
            }
        } catch (ClosedSelectorException | IOException e) {
            // closed: the relay stops
        }
    }

    private void fromClients(ByteBuffer buf) throws IOException {
        for (;;) {
            buf.clear();
            SocketAddress client = front.receive(buf);
            if (client == null) {
                return;
            }
            buf.flip();
            if (lose(buf)) {
                continue;
            }
            DatagramChannel up = upstream.get(client);
            if (up == null) {
                up = DatagramChannel.open(StandardProtocolFamily.INET)
                        .bind(new InetSocketAddress(server.getAddress(), 0));
                up.configureBlocking(false);
                up.register(selector, SelectionKey.OP_READ, client);
                upstream.put(client, up);
            }
            up.send(buf, server);
        }
    }

    private void toClient(DatagramChannel up, SocketAddress client, ByteBuffer buf) throws IOException {
        for (;;) {
            buf.clear();
            if (up.receive(buf) == null) {
                return;
            }
            buf.flip();
            front.send(buf, client);
            packetsToClients.incrementAndGet();
        }
    }

    /** Whether to lose this datagram (only first transmissions of the lossy RTP stream, at the seeded rate). */
    private boolean lose(ByteBuffer d) {
        int n = d.remaining();
        int b0 = n > 0 ? d.get(0) & 0xFF : 0;
        int b1 = n > 1 ? d.get(1) & 0xFF : 0;
        boolean rtp = n >= 12 && b0 >= 128 && b0 <= 191 && !(b1 >= 192 && b1 <= 223);
        long ssrc = rtp ? d.getInt(8) & 0xFFFF_FFFFL : -1;
        if (rtp) {
            rtpPackets.computeIfAbsent(ssrc, k -> new AtomicLong()).incrementAndGet();
        }
        if (!rtp || ssrc != lossSsrc) {
            return false;
        }
        streamPackets.incrementAndGet();
        int seq = d.getShort(2) & 0xFFFF;
        long ext = extend(seq);
        if (ext <= highest) {
            if (lost.contains(seq)) {
                resentOnMediaStream.add(seq);
            } else {
                repeatedNotLost.incrementAndGet();
            }
            return false; // a retransmission or a reordered packet
        }
        highest = ext;
        boolean padding = (b0 & 0x20) != 0;
        if (padding) {
            paddingPackets.incrementAndGet();
        }
        if (!padding && random.nextDouble() < lossFraction) {
            lost.add(seq);
            return true;
        }
        return false;
    }

    /** The 16-bit {@code seq} extended next to {@link #highest} (RFC 3550 A.1 style, wrap-around aware). */
    private long extend(int seq) {
        if (highest < 0) {
            return seq;
        }
        long base = highest & ~0xFFFFL;
        long c = base | seq;
        if (c - highest > 0x8000) {
            c -= 0x10000;
        } else if (highest - c > 0x8000) {
            c += 0x10000;
        }
        return c;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        front.close();
        selector.wakeup();
        thread.join(TimeUnit.SECONDS.toMillis(5));
        for (DatagramChannel up : upstream.values()) {
            up.close();
        }
        selector.close();
    }
}
