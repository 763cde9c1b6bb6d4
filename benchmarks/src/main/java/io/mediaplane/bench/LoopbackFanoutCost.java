package io.mediaplane.bench;

import io.mediaplane.net.DatagramBatch;
import io.mediaplane.net.PeerAddress;
import io.mediaplane.net.UdpSocket;
import io.mediaplane.net.UdpSocketOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * What one fanned-out datagram costs the sending thread on loopback, where sendmmsg(2) also runs the receiver's
 * UDP input and wakes a receiver sleeping on the socket: the same 1200-byte datagrams to N sockets, sent in
 * sendmmsg batches of 64, (a) with a thread per socket waiting in poll(2) — as {@code WebRtcLoadBenchmark}'s
 * viewers do, one {@code MediaPort} each — and (b) with nobody waiting (the sockets are drained afterwards, off the
 * clock). The sender's own CPU time per datagram is printed for both, alternating, several rounds.
 *
 * <pre>java -cp ... io.mediaplane.bench.LoopbackFanoutCost [sockets] [rounds]</pre>
 */
public final class LoopbackFanoutCost {
    private LoopbackFanoutCost() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 250;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        InetSocketAddress lo = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        UdpSocketOptions big = UdpSocketOptions.DEFAULTS.withReceiveBufferSize(4 << 20).withSendBufferSize(4 << 20);
        List<UdpSocket> receivers = new ArrayList<>();
        try (UdpSocket sender = UdpSocket.open(lo, big)) {
            for (int i = 0; i < n; i++) {
                receivers.add(UdpSocket.open(lo, big));
            }
            DatagramBatch batch = DatagramBatch.allocateHeap(64, 1200);
            PeerAddress[] to = new PeerAddress[n];
            for (int i = 0; i < n; i++) {
                to[i] = PeerAddress.of(receivers.get(i).localAddress());
            }
            for (int r = 0; r < rounds; r++) {
                System.out.printf("%d sockets, a thread waiting on each: %.2f µs of sender CPU per datagram%n", n,
                        withWaitingThreads(sender, receivers, batch, to) / 1000);
                System.out.printf("%d sockets, nobody waiting:          %.2f µs of sender CPU per datagram%n", n,
                        withoutWaiters(sender, receivers, batch, to) / 1000);
            }
        } finally {
            receivers.forEach(UdpSocket::close);
        }
    }

    /** Packets per measurement: 300 fan-outs, about one second of a 2.5 Mbit/s publisher. */
    private static final int PACKETS = 300;

    private static double withWaitingThreads(UdpSocket sender, List<UdpSocket> receivers, DatagramBatch batch,
                                             PeerAddress[] to) throws InterruptedException {
        LongAdder got = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        for (UdpSocket s : receivers) {
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                DatagramBatch in = DatagramBatch.allocateHeap(32, 2048);
                while (!stop.get()) {
                    int k = s.receiveBatch(in, Duration.ofMillis(50));
                    if (k > 0) {
                        got.add(k);
                    }
                }
            }));
        }
        Thread.sleep(200); // every receiver is in poll(2)
        double ns = send(sender, batch, to);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        return ns;
    }

    private static double withoutWaiters(UdpSocket sender, List<UdpSocket> receivers, DatagramBatch batch,
                                         PeerAddress[] to) {
        double ns = send(sender, batch, to);
        DatagramBatch in = DatagramBatch.allocateHeap(64, 2048);
        for (UdpSocket s : receivers) {
            while (s.receiveBatch(in) > 0) {
                // drain, off the clock
            }
        }
        return ns;
    }

    /** Sends {@link #PACKETS} fan-outs, paced 3 ms apart as a publisher's packets come; sender CPU ns per datagram. */
    private static double send(UdpSocket sender, DatagramBatch batch, PeerAddress[] to) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long cpu = 0;
        long datagrams = 0;
        for (int p = 0; p < PACKETS; p++) {
            long c0 = mx.getCurrentThreadCpuTime();
            for (int first = 0; first < to.length; first += batch.slotCount()) {
                int k = Math.min(batch.slotCount(), to.length - first);
                for (int i = 0; i < k; i++) {
                    batch.setLength(i, 1200);
                    batch.setAddress(i, to[first + i]);
                }
                int sent = 0;
                while (sent < k) {
                    int r = sender.sendBatch(batch, sent, k - sent);
                    if (r <= 0) {
                        sender.awaitWritable(Duration.ofMillis(10));
                        continue;
                    }
                    sent += r;
                }
                datagrams += k;
            }
            cpu += mx.getCurrentThreadCpuTime() - c0;
            LockSupport.parkNanos(3_000_000); // the receivers go back to sleep between packets
        }
        return (double) cpu / datagrams;
    }
}
