package io.mediaplane.discord;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.crypto.DiscordTransportCipher;
import io.mediaplane.net.DatagramBatch;
import io.mediaplane.net.UdpSocket;
import io.mediaplane.net.UdpStatus;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One leg's UDP path to the voice server: IP discovery, the transport cipher, a receive thread and the send side
 * (sealing and sending under one lock, since a cipher seals on one thread at a time and a socket sends from one).
 * Keepalives are {@code [u32 LE counter][4 zero bytes]} as @discordjs/voice sends them every 5 s; the server echoes
 * them, and a run of unanswered ones means the path is gone.
 */
final class MediaTransport implements AutoCloseable {
    static final int KEEPALIVE_LENGTH = 8;
    private static final int SLOT = 2048;

    /** Receives each datagram on the receive thread; the bytes are valid during the call. */
    interface DatagramHandler {
        void onDatagram(MemorySegment s, long offset, int length);

        /** After every receive wait, datagrams or not: timers of the receive path run here. */
        default void onIdle() {
        }
    }

    private final UdpSocket socket;
    private final InetSocketAddress remote;
    private final Object sendLock = new Object();
    private final MemorySegment sendScratch = MemorySegment.ofArray(new byte[512]);
    private final AtomicInteger unansweredKeepalives = new AtomicInteger();
    private volatile DiscordTransportCipher cipher;
    private volatile Thread receiver;
    private volatile boolean closed;
    private int keepaliveCounter;

    private MediaTransport(UdpSocket socket, InetSocketAddress remote) {
        this.socket = socket;
        this.remote = remote;
    }

    static MediaTransport open(InetSocketAddress remote) throws IOException {
        UdpSocket socket = UdpSocket.open(new InetSocketAddress(remote.getAddress().getAddress().length == 16
                ? java.net.InetAddress.getByName("::") : java.net.InetAddress.getByName("0.0.0.0"), 0));
        try {
            socket.connect(remote);
            return new MediaTransport(socket, remote);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    InetSocketAddress remote() {
        return remote;
    }

    /**
     * Sends IP discovery requests (one per second) until a response for {@code ssrc} arrives or {@code timeout}
     * passes; returns null on timeout. Runs before the receive thread starts.
     */
    IpDiscovery.Result discover(int ssrc, Duration timeout) {
        DatagramBatch batch = DatagramBatch.allocateHeap(4, SLOT);
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextSend = 0;
        while (!closed) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return null;
            }
            if (now - nextSend >= 0) {
                synchronized (sendLock) {
                    IpDiscovery.writeRequest(sendScratch, 0, ssrc);
                    socket.sendSegmented(sendScratch, 0, IpDiscovery.LENGTH, IpDiscovery.LENGTH, null);
                }
                nextSend = now + 1_000_000_000L;
            }
            long waitNanos = Math.min(nextSend - now, deadline - now);
            int n = socket.receiveBatch(batch, Duration.ofNanos(Math.max(1_000_000, waitNanos)));
            for (int i = 0; i < n; i++) {
                IpDiscovery.Result r = IpDiscovery.parseResponse(batch.slab(), batch.offset(i), batch.length(i), ssrc);
                if (r != null) {
                    return r;
                }
            }
            if (n < 0 && UdpStatus.of(n) == UdpStatus.CLOSED) {
                return null;
            }
        }
        return null;
    }

    /** Installs the transport key (Session Description) and starts the receive thread if not running yet. */
    synchronized void start(DiscordTransportCipher newCipher, String threadName, DatagramHandler handler) {
        DiscordTransportCipher old = this.cipher;
        this.cipher = newCipher;
        if (old != null && old != newCipher) {
            old.close();
        }
        if (receiver == null) {
            Thread t = Thread.ofPlatform().daemon().name(threadName).unstarted(() -> receiveLoop(handler));
            receiver = t;
            t.start();
        }
    }

    DiscordTransportCipher cipher() {
        return cipher;
    }

    private void receiveLoop(DatagramHandler handler) {
        DatagramBatch batch = DatagramBatch.allocateHeap(16, SLOT);
        while (!closed) {
            batch.resetSlots();
            int n = socket.receiveBatch(batch, Duration.ofMillis(20));
            handler.onIdle();
            if (n < 0) {
                if (UdpStatus.of(n) == UdpStatus.CLOSED) {
                    return;
                }
                continue;
            }
            for (int i = 0; i < n; i++) {
                int len = batch.length(i);
                long off = batch.offset(i);
                if (len == KEEPALIVE_LENGTH) {
                    unansweredKeepalives.set(0);
                }
                try {
                    handler.onDatagram(batch.slab(), off, len);
                } catch (RuntimeException e) {
                    // a bug in a stage must not kill the leg's receive path; the stage counts its own drops
                    System.getLogger(MediaTransport.class.getName()).log(System.Logger.Level.WARNING,
                            "datagram handler failed", e);
                }
            }
        }
    }

    /**
     * Sends a keepalive; returns how many in a row are now unanswered (the one just sent included).
     */
    int sendKeepalive() {
        synchronized (sendLock) {
            int c = keepaliveCounter++;
            sendScratch.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(
                    java.nio.ByteOrder.LITTLE_ENDIAN), 0, c);
            Bytes.put32(sendScratch, 4, 0);
            socket.sendSegmented(sendScratch, 0, KEEPALIVE_LENGTH, KEEPALIVE_LENGTH, null);
        }
        return unansweredKeepalives.incrementAndGet();
    }

    /**
     * Seals the RTP packet at {@code s[offset..offset+length)} in place (the segment needs 20 bytes of tailroom)
     * and sends it. Returns the datagram length, or a negative value when sealing or sending failed.
     */
    int sealAndSendRtp(MemorySegment s, long offset, int length, int capacity) {
        DiscordTransportCipher c = cipher;
        if (c == null || closed) {
            return -1;
        }
        synchronized (sendLock) {
            int n = c.sealRtp(s, offset, length, capacity);
            if (n < 0) {
                return n;
            }
            int r = socket.sendSegmented(s, offset, n, n, null);
            return r == 1 ? n : -1;
        }
    }

    /** Seals and sends one RTCP packet written by {@code writer} into a scratch buffer. */
    int sealAndSendRtcp(RtcpWriter writer) {
        DiscordTransportCipher c = cipher;
        if (c == null || closed) {
            return -1;
        }
        synchronized (sendLock) {
            int len = writer.write(sendScratch, 0);
            int n = c.sealRtcp(sendScratch, 0, len, (int) sendScratch.byteSize());
            if (n < 0) {
                return n;
            }
            int r = socket.sendSegmented(sendScratch, 0, n, n, null);
            return r == 1 ? n : -1;
        }
    }

    /** Writes one RTCP packet at {@code offset} and returns its length. */
    @FunctionalInterface
    interface RtcpWriter {
        int write(MemorySegment s, long offset);
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
        Thread t = receiver;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        DiscordTransportCipher c = cipher;
        if (c != null) {
            synchronized (sendLock) {
                c.close();
            }
        }
    }
}
