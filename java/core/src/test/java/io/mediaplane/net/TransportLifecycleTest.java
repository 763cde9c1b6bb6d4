package io.mediaplane.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a transport holds and frees: port mappings (ufrag and addresses), its DTLS thread, its SRTP context; and
 * what a stuck handshake does (retransmits, then times out and frees the same). Counted before and after.
 */
class TransportLifecycleTest {
    private static final InetSocketAddress LO = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void closingTransportsFreesMappingsThreadsAndSrtp() throws Exception {
        DtlsCertificate serverCert = DtlsCertificate.generate("server");
        DtlsCertificate clientCert = DtlsCertificate.generate("client");
        long directBefore = directMemory();
        List<MediaPort> clientPorts = new ArrayList<>();
        try (MediaPort server = MediaPort.open(LO, MediaPortOptions.defaults().withCertificate(serverCert))) {
            List<PeerTransport> servers = new ArrayList<>();
            List<PeerTransport> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                // each peer on its own port, as browsers are
                MediaPort client = MediaPort.open(LO, MediaPortOptions.defaults().withCertificate(clientCert));
                clientPorts.add(client);
                IceCredentials s = IceCredentials.random();
                IceCredentials c = IceCredentials.random();
                PeerTransport st = server.register(new TransportConfig(s, c, DtlsRole.SERVER, clientCert.fingerprint(),
                        TransportConfig.DEFAULT_SRTP_PROFILES), new IceLiteTest.NoMedia());
                PeerTransport ct = client.register(new TransportConfig(c, s, DtlsRole.CLIENT, serverCert.fingerprint(),
                        TransportConfig.DEFAULT_SRTP_PROFILES), new IceLiteTest.NoMedia());
                st.onBindingRequest(PeerAddress.of(client.localAddress()), true, System.nanoTime());
                ct.onBindingRequest(PeerAddress.of(server.localAddress()), true, System.nanoTime());
                servers.add(st);
                clients.add(ct);
            }
            for (int i = 0; i < 8; i++) {
                assertThat(servers.get(i).whenConnected().get(10, TimeUnit.SECONDS)).isEqualTo(TransportState.CONNECTED);
                assertThat(clients.get(i).whenConnected().get(10, TimeUnit.SECONDS)).isEqualTo(TransportState.CONNECTED);
            }
            int platformThreadsWithPorts = ManagementFactory.getThreadMXBean().getThreadCount();
            assertThat(server.transportCount()).isEqualTo(8);
            assertThat(server.addressMappingCount()).isEqualTo(8);
            assertThat(server.dtlsThreadCount()).isEqualTo(8);

            for (PeerTransport t : servers) {
                t.close(); // what a WHIP DELETE does
                assertThat(t.whenClosed().get(5, TimeUnit.SECONDS)).isEqualTo(TransportEndReason.CLOSED_LOCALLY);
            }
            for (PeerTransport t : clients) {
                // the close_notify each server sent ends its peer
                assertThat(t.whenClosed().get(10, TimeUnit.SECONDS)).isEqualTo(TransportEndReason.PEER_CLOSED);
            }
            assertThat(server.transportCount()).isZero();
            assertThat(server.addressMappingCount()).isZero();
            awaitZero(server::dtlsThreadCount);
            for (MediaPort client : clientPorts) {
                assertThat(client.transportCount()).isZero();
                assertThat(client.addressMappingCount()).isZero();
                awaitZero(client::dtlsThreadCount);
            }
            // SRTP contexts are closed (on the receive thread, between batches)
            for (PeerTransport t : servers) {
                awaitClosed(t);
            }
            // DTLS ran on virtual threads: no platform thread was left behind by a session
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).isLessThanOrEqualTo(platformThreadsWithPorts);
        } finally {
            clientPorts.forEach(MediaPort::close);
        }
        assertThat(Thread.getAllStackTraces().keySet()).as("receive threads joined")
                .noneMatch(t -> t.getName().startsWith("media-port-"));
        assertThat(directMemory()).as("transports keep packets on the heap").isEqualTo(directBefore);
    }

    @Test
    void aSilentServerGetsRetransmittedClientHellosThenTheHandshakeTimesOut() throws Exception {
        try (MediaPort port = MediaPort.open(LO, MediaPortOptions.defaults().withHandshakeTimeout(Duration.ofSeconds(3)));
                DatagramSocket silent = new DatagramSocket(LO)) {
            silent.setSoTimeout(5_000);
            PeerTransport t = port.register(TransportConfig.answering(new IceCredentials("Peer", null), DtlsRole.CLIENT,
                    DtlsCertificate.generate("x").fingerprint()), new IceLiteTest.NoMedia());
            t.onBindingRequest(PeerAddress.of((InetSocketAddress) silent.getLocalSocketAddress()), true, System.nanoTime());
            int clientHellos = 0;
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            while (clientHellos < 2) {
                try {
                    silent.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (p.getLength() > 13 && buf[0] == 22 && buf[13] == 1) { // handshake record, ClientHello
                    clientHellos++;
                }
            }
            assertThat(clientHellos).as("ClientHello sent and retransmitted (RFC 6347 §4.2.4)").isEqualTo(2);
            assertThat(t.whenClosed().get(10, TimeUnit.SECONDS)).isEqualTo(TransportEndReason.HANDSHAKE_TIMEOUT);
            assertThat(port.transportCount()).isZero();
            awaitZero(port::dtlsThreadCount);
        }
    }

    @Test
    void closingThePortEndsItsTransports() throws Exception {
        MediaPort port = MediaPort.open(LO);
        PeerTransport t = port.register(TransportConfig.answering(new IceCredentials("Peer", null), DtlsRole.SERVER,
                DtlsCertificate.process().fingerprint()), new IceLiteTest.NoMedia());
        port.close();
        assertThat(t.whenClosed().get(5, TimeUnit.SECONDS)).isEqualTo(TransportEndReason.PORT_CLOSED);
        assertThatThrownBy(() -> port.register(TransportConfig.answering(new IceCredentials("Peer", null),
                DtlsRole.SERVER, DtlsCertificate.process().fingerprint()), new IceLiteTest.NoMedia()))
                .isInstanceOf(IllegalStateException.class);
    }

    private static void awaitClosed(PeerTransport t) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try {
                t.srtp().sealRtp(MemorySegment.ofArray(new byte[64]), 0, 12, 64);
            } catch (IllegalStateException closed) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("SRTP context of " + t + " still open");
    }

    private static void awaitZero(java.util.function.IntSupplier count) throws InterruptedException {
        for (int i = 0; i < 100 && count.getAsInt() != 0; i++) {
            Thread.sleep(50);
        }
        assertThat(count.getAsInt()).isZero();
    }

    private static long directMemory() {
        long sum = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            sum += b.getMemoryUsed();
        }
        return sum;
    }
}
