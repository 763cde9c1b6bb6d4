package io.mediaplane.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One fan-out send batch on loopback: 64 datagrams of 1,200 bytes (an MTU-size SRTP packet) in runs of
 * {@code runLength} to one receiver each — what a received batch forwarded viewer by viewer leaves in the send
 * batch — sent with {@link UdpSocket#sendBatch}, with UDP GSO trains ({@code trains=true}: a run is one sendmmsg
 * message with UDP_SEGMENT) and without (the baseline: one message per datagram), in the same run. The receivers are
 * drained before each batch, off the clock. On loopback the sender's call also runs the receivers' UDP input, which
 * trains do not save: only the send half of the path is shared by a train.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class UdpTrainBenchmark {
    static final int DATAGRAMS = 64;
    static final int LENGTH = 1200;

    /** Datagrams per receiver in a row: 1 (no train possible), 2, 3 (a viewer's copies of a 2–3 packet batch). */
    @Param({"1", "2", "3"})
    int runLength;

    @Param({"true", "false"})
    boolean trains;

    private UdpSocket sender;
    private final List<UdpSocket> receivers = new ArrayList<>();
    private DatagramBatch batch;
    private DatagramBatch drain;

    @Setup(Level.Trial)
    public void open() throws Exception {
        // read when a native socket opens: the sender makes trains or not, the rest of this fork
        System.setProperty("mediaplane.udp.trains", Boolean.toString(trains));
        InetSocketAddress lo = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        UdpSocketOptions big = UdpSocketOptions.DEFAULTS.withReceiveBufferSize(4 << 20).withSendBufferSize(4 << 20);
        sender = UdpSocket.open(lo, big);
        if (sender.backend() != UdpSocket.Backend.NATIVE) {
            throw new IllegalStateException("libmediaplane's UDP backend is needed: " + sender.backend());
        }
        batch = DatagramBatch.allocateHeap(DATAGRAMS, LENGTH);
        drain = DatagramBatch.allocateHeap(64, 2048);
        for (int i = 0; i < DATAGRAMS; i++) {
            if (i % runLength == 0) {
                receivers.add(UdpSocket.open(lo, big));
            }
            batch.slot(i).fill((byte) i);
            batch.setLength(i, LENGTH);
            batch.setAddress(i, PeerAddress.of(receivers.getLast().localAddress()));
        }
    }

    @Setup(Level.Invocation)
    public void drain() {
        for (UdpSocket r : receivers) {
            while (r.receiveBatch(drain) > 0) {
                // off the clock: the receivers' own work is not what is measured
            }
        }
    }

    /** One batch of 64 datagrams handed to the kernel; returns how many it took. */
    @Benchmark
    public int sendBatch() {
        int sent = 0;
        while (sent < DATAGRAMS) {
            int r = sender.sendBatch(batch, sent, DATAGRAMS - sent);
            if (r <= 0) {
                sender.awaitWritable(Duration.ofMillis(10));
                continue;
            }
            sent += r;
        }
        return sent;
    }

    @TearDown(Level.Trial)
    public void close() {
        long trainsSent = sender.counters().trainsSent();
        if (trains != (trainsSent > 0) && runLength > 1) {
            throw new IllegalStateException("trains=" + trains + " but " + trainsSent + " trains sent");
        }
        sender.close();
        receivers.forEach(UdpSocket::close);
        receivers.clear();
    }
}
