package io.mediaplane.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediaplane.rtp.RtpHeader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fan-out through {@link SrtpSendBatch} over real loopback UDP and real DTLS-SRTP: one server port with a transport
 * per viewer, each viewer on a port of its own opening what it gets with its own context. More viewers than slots,
 * so batches fill and flush on their own.
 */
class SrtpSendBatchTest {
    private static final int VIEWERS = 5;
    private static final int SLOTS = 3;
    private final DtlsCertificate serverCert = DtlsCertificate.generate("server");
    private final DtlsCertificate viewerCert = DtlsCertificate.generate("viewer");
    private MediaPort server;
    private final List<MediaPort> viewerPorts = new ArrayList<>();
    private final List<PeerTransport> toViewers = new ArrayList<>();
    private final List<DtlsSrtpLoopbackTest.Recorder> received = new ArrayList<>();

    @BeforeEach
    void connect() throws Exception {
        InetSocketAddress lo = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = MediaPort.open(lo, MediaPortOptions.defaults().withCertificate(serverCert));
        for (int i = 0; i < VIEWERS; i++) {
            MediaPort port = MediaPort.open(lo, MediaPortOptions.defaults().withCertificate(viewerCert));
            viewerPorts.add(port);
            IceCredentials s = IceCredentials.random();
            IceCredentials c = IceCredentials.random();
            DtlsSrtpLoopbackTest.Recorder r = new DtlsSrtpLoopbackTest.Recorder();
            PeerTransport toViewer = server.register(new TransportConfig(s, c, DtlsRole.SERVER,
                    viewerCert.fingerprint(), TransportConfig.DEFAULT_SRTP_PROFILES), new DtlsSrtpLoopbackTest.Recorder());
            PeerTransport viewer = port.register(new TransportConfig(c, s, DtlsRole.CLIENT, serverCert.fingerprint(),
                    TransportConfig.DEFAULT_SRTP_PROFILES), r);
            toViewer.onBindingRequest(PeerAddress.of(port.localAddress()), true, System.nanoTime());
            viewer.onBindingRequest(PeerAddress.of(server.localAddress()), true, System.nanoTime());
            toViewers.add(toViewer);
            received.add(r);
        }
        for (PeerTransport t : toViewers) {
            assertThat(t.whenConnected().get(20, TimeUnit.SECONDS)).isEqualTo(TransportState.CONNECTED);
        }
    }

    @AfterEach
    void close() {
        server.close();
        viewerPorts.forEach(MediaPort::close);
    }

    /** RTP of ours for viewer {@code v}: its own SSRC, sequence {@code seq}, a payload saying who and which. */
    private static byte[] rtp(int v, int seq) {
        byte[] b = new byte[RtpHeader.FIXED_LENGTH + 100];
        RtpHeader.write(MemorySegment.ofArray(b), 0, false, 96, seq, seq * 3000, 0x1000 + v);
        for (int i = RtpHeader.FIXED_LENGTH; i < b.length; i++) {
            b[i] = (byte) (v * 31 + seq + i);
        }
        return b;
    }

    private static void write(SrtpSendBatch batch, byte[] plain) {
        MemorySegment.copy(plain, 0, batch.slab(), ValueLayout.JAVA_BYTE, batch.nextOffset(), plain.length);
    }

    @Test
    void everyViewerGetsEveryPacketOpenedWithItsOwnContextInOrder() throws Exception {
        SrtpSendBatch batch = new SrtpSendBatch(server, SLOTS, 1600);
        int packets = 40;
        for (int seq = 0; seq < packets; seq++) {
            for (int v = 0; v < VIEWERS; v++) {
                byte[] plain = rtp(v, seq);
                write(batch, plain);
                assertThat(batch.add(toViewers.get(v), plain.length, false)).isEqualTo(SendStatus.SENT);
            }
            batch.flush();
            assertThat(batch.pending()).isZero();
        }
        for (int v = 0; v < VIEWERS; v++) {
            for (int seq = 0; seq < packets; seq++) {
                assertThat(received.get(v).rtp.poll(5, TimeUnit.SECONDS)).as("viewer %d packet %d", v, seq)
                        .isEqualTo(rtp(v, seq));
            }
            assertThat(viewerPorts.get(v).counters().get(PortEvent.SRTP_REFUSED)).isZero();
            assertThat(toViewers.get(v).sendCount(SendStatus.SENT)).isEqualTo(packets);
        }
        assertThat(batch.count(SendStatus.SENT)).isEqualTo((long) packets * VIEWERS);
        assertThat(batch.count(SendStatus.SOCKET_ERROR)).isZero();
        // 5 viewers in 3 slots: a full batch goes out when the fourth is written, the rest at the flush
        assertThat(batch.systemCalls()).isEqualTo(2L * packets);
    }

    @Test
    void aViewerWhoseDatagramsAreRefusedCostsTheOthersNothing() throws Exception {
        // the third viewer's transport now points at port 0, which the kernel refuses to send to (udp(7): EINVAL)
        PeerTransport bad = toViewers.get(2);
        bad.onBindingRequest(PeerAddress.of(InetAddress.getLoopbackAddress(), 0), true, System.nanoTime());
        assertThat(bad.remoteAddress().port()).isZero();
        SrtpSendBatch batch = new SrtpSendBatch(server, SLOTS, 1600);
        int packets = 20;
        for (int seq = 0; seq < packets; seq++) {
            for (int v = 0; v < VIEWERS; v++) {
                byte[] plain = rtp(v, seq);
                write(batch, plain);
                assertThat(batch.add(toViewers.get(v), plain.length, false)).isEqualTo(SendStatus.SENT);
            }
            batch.flush();
        }
        for (int v = 0; v < VIEWERS; v++) {
            if (v == 2) {
                assertThat(bad.sendCount(SendStatus.SOCKET_ERROR)).isEqualTo(packets);
                assertThat(bad.sendCount(SendStatus.SENT)).isZero();
                continue;
            }
            for (int seq = 0; seq < packets; seq++) {
                assertThat(received.get(v).rtp.poll(5, TimeUnit.SECONDS)).as("viewer %d packet %d", v, seq)
                        .isEqualTo(rtp(v, seq));
            }
            assertThat(toViewers.get(v).sendCount(SendStatus.SENT)).isEqualTo(packets);
            assertThat(toViewers.get(v).sendCount(SendStatus.SOCKET_ERROR)).isZero();
        }
        assertThat(received.get(2).rtp).isEmpty();
        assertThat(batch.count(SendStatus.SENT)).isEqualTo((long) packets * (VIEWERS - 1));
        assertThat(batch.count(SendStatus.SOCKET_ERROR)).isEqualTo(packets);
    }

    @Test
    void aClosedTransportIsRefusedAndItsSlotReused() throws Exception {
        PeerTransport gone = toViewers.get(1);
        gone.close();
        SrtpSendBatch batch = new SrtpSendBatch(server, SLOTS, 1600);
        int before = batch.nextOffset();
        byte[] plain = rtp(1, 0);
        write(batch, plain);
        assertThat(batch.add(gone, plain.length, false)).isEqualTo(SendStatus.NOT_CONNECTED);
        assertThat(batch.pending()).isZero();
        assertThat(batch.nextOffset()).isEqualTo(before);
        byte[] other = rtp(0, 0);
        write(batch, other);
        assertThat(batch.add(toViewers.get(0), other.length, false)).isEqualTo(SendStatus.SENT);
        assertThat(batch.flush()).isEqualTo(1);
        assertThat(received.get(0).rtp.poll(5, TimeUnit.SECONDS)).isEqualTo(other);
        assertThat(gone.sendCount(SendStatus.NOT_CONNECTED)).isEqualTo(1);
        assertThat(batch.count(SendStatus.NOT_CONNECTED)).isEqualTo(1);
        // no room for the tag: refused by SRTP, nothing queued
        write(batch, other);
        assertThat(batch.add(toViewers.get(0), 1600, false)).isEqualTo(SendStatus.SEAL_REFUSED);
        assertThat(batch.pending()).isZero();
    }

    @Test
    void rtcpSealedOnAnotherThreadWithTheSameContextsStaysIntact() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger rtcpSent = new AtomicInteger();
        Thread reporter = Thread.ofPlatform().start(() -> {
            byte[] rr = java.util.HexFormat.of().parseHex("81c90007deadbeefcafebabe00000001000000020000000300000004000000050000");
            rr = Arrays.copyOf(rr, 32);
            byte[] buf = new byte[rr.length + 64];
            while (!stop.get() && rtcpSent.get() < 200 * VIEWERS) {
                for (PeerTransport t : toViewers) {
                    System.arraycopy(rr, 0, buf, 0, rr.length);
                    if (t.sealAndSend(MemorySegment.ofArray(buf), 0, rr.length, buf.length, true) == SendStatus.SENT) {
                        rtcpSent.incrementAndGet();
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
        });
        SrtpSendBatch batch = new SrtpSendBatch(server, SLOTS, 1600);
        int packets = 200;
        for (int seq = 0; seq < packets; seq++) {
            for (int v = 0; v < VIEWERS; v++) {
                byte[] plain = rtp(v, seq);
                write(batch, plain);
                batch.add(toViewers.get(v), plain.length, false);
            }
            batch.flush();
            if (seq % 20 == 0) {
                Thread.sleep(1); // let the receivers drain: this checks sealing, not socket buffers
            }
        }
        stop.set(true);
        reporter.join();
        for (int v = 0; v < VIEWERS; v++) {
            for (int seq = 0; seq < packets; seq++) {
                assertThat(received.get(v).rtp.poll(5, TimeUnit.SECONDS)).as("viewer %d packet %d", v, seq)
                        .isEqualTo(rtp(v, seq));
            }
            assertThat(viewerPorts.get(v).counters().get(PortEvent.SRTP_REFUSED)).as("viewer %d", v).isZero();
        }
        long rtcpReceived = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            rtcpReceived = received.stream().mapToLong(r -> r.rtcp.size()).sum();
            if (rtcpReceived == rtcpSent.get()) {
                break;
            }
            Thread.sleep(10);
        }
        assertThat(rtcpReceived).isEqualTo(rtcpSent.get());
    }

    @Test
    void aTransportOfAnotherPortIsMisuse() throws Exception {
        try (MediaPort other = MediaPort.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            SrtpSendBatch batch = new SrtpSendBatch(other, SLOTS, 1600);
            batch.nextOffset();
            assertThatThrownBy(() -> batch.add(toViewers.get(0), 20, false))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
