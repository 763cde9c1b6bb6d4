package io.mediaplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.crypto.SrtpContext;
import io.mediaplane.crypto.SrtpKeyingMaterial;
import io.mediaplane.crypto.SrtpProfile;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our DTLS server against our DTLS client over real loopback UDP, each on its own {@link MediaPort} with its own
 * certificate: use_srtp negotiation, fingerprint checks, and SRTP/SRTCP sealed by one side opened by the other.
 * ICE is given by making each transport validate the other port's address as an authenticated binding request
 * would (both sides are lite here, so nobody would send checks).
 */
class DtlsSrtpLoopbackTest {
    private static final HexFormat HEX = HexFormat.of();
    private final DtlsCertificate serverCert = DtlsCertificate.generate("server");
    private final DtlsCertificate clientCert = DtlsCertificate.generate("client");
    private MediaPort serverPort;
    private MediaPort clientPort;

    @BeforeEach
    void open() throws Exception {
        InetSocketAddress lo = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        serverPort = MediaPort.open(lo, MediaPortOptions.defaults().withCertificate(serverCert));
        clientPort = MediaPort.open(lo, MediaPortOptions.defaults().withCertificate(clientCert));
    }

    @AfterEach
    void close() {
        serverPort.close();
        clientPort.close();
    }

    record Pair(PeerTransport server, PeerTransport client, Recorder serverMedia, Recorder clientMedia) {}

    private Pair connect(List<SrtpProfile> serverProfiles, List<SrtpProfile> clientProfiles,
            DtlsFingerprint serverExpects, DtlsFingerprint clientExpects) {
        IceCredentials s = IceCredentials.random();
        IceCredentials c = IceCredentials.random();
        Recorder sm = new Recorder();
        Recorder cm = new Recorder();
        PeerTransport server = serverPort.register(
                new TransportConfig(s, c, DtlsRole.SERVER, serverExpects, serverProfiles), sm);
        PeerTransport client = clientPort.register(
                new TransportConfig(c, s, DtlsRole.CLIENT, clientExpects, clientProfiles), cm);
        server.onBindingRequest(PeerAddress.of(clientPort.localAddress()), true, System.nanoTime());
        client.onBindingRequest(PeerAddress.of(serverPort.localAddress()), true, System.nanoTime());
        return new Pair(server, client, sm, cm);
    }

    @ParameterizedTest
    @EnumSource(value = SrtpProfile.class, names = {"AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80"})
    void handshakeKeysSrtpBothWays(SrtpProfile clientOnly) throws Exception {
        Pair p = connect(TransportConfig.DEFAULT_SRTP_PROFILES, List.of(clientOnly), clientCert.fingerprint(),
                serverCert.fingerprint());
        assertThat(p.server.whenConnected().get(10, TimeUnit.SECONDS)).isEqualTo(TransportState.CONNECTED);
        assertThat(p.client.whenConnected().get(10, TimeUnit.SECONDS)).isEqualTo(TransportState.CONNECTED);
        assertThat(p.server.srtpProfile()).isEqualTo(clientOnly);
        assertThat(p.client.srtpProfile()).isEqualTo(clientOnly);

        byte[] rtp = HEX.parseHex("80601234000003e8deadbeef0102030405060708090a");
        sealAndSend(p.client, rtp, false);
        assertThat(p.serverMedia.rtp.poll(5, TimeUnit.SECONDS)).isEqualTo(rtp);
        // a tampered packet is refused and counted, not delivered
        byte[] buf = java.util.Arrays.copyOf(rtp, rtp.length + 64);
        buf[3] = 0x35; // next sequence number
        MemorySegment seg = MemorySegment.ofArray(buf);
        int n = p.client.srtp().sealRtp(seg, 0, rtp.length, buf.length);
        buf[n - 1] ^= 1;
        assertThat(p.client.send(seg, 0, n)).isEqualTo(1);
        byte[] next = rtp.clone();
        next[3] = 0x36;
        sealAndSend(p.client, next, false);
        assertThat(p.serverMedia.rtp.poll(5, TimeUnit.SECONDS)).isEqualTo(next);
        assertThat(p.server.counters().get(PortEvent.SRTP_REFUSED)).isEqualTo(1);
        sealAndSend(p.server, rtp, false);
        assertThat(p.clientMedia.rtp.poll(5, TimeUnit.SECONDS)).isEqualTo(rtp);
        byte[] rtcp = HEX.parseHex("81c90007deadbeef" + "cafebabe00000001000000020000000300000004000000050000");
        rtcp = java.util.Arrays.copyOf(rtcp, 32);
        sealAndSend(p.server, rtcp, true);
        assertThat(p.clientMedia.rtcp.poll(5, TimeUnit.SECONDS)).isEqualTo(rtcp);
    }

    @Test
    void batchHooksRunAfterTheBatchsPacketsWereHandedOver() throws Exception {
        Pair p = connect(TransportConfig.DEFAULT_SRTP_PROFILES, TransportConfig.DEFAULT_SRTP_PROFILES,
                clientCert.fingerprint(), serverCert.fingerprint());
        assertThat(p.server.whenConnected().get(10, TimeUnit.SECONDS)).isEqualTo(TransportState.CONNECTED);
        assertThat(p.client.whenConnected().get(10, TimeUnit.SECONDS)).isEqualTo(TransportState.CONNECTED);
        LinkedBlockingQueue<String> runs = new LinkedBlockingQueue<>();
        Runnable hook = () -> runs.add(serverPort.dispatchingReceiveBatch() + " " + p.serverMedia.dispatching.size());
        serverPort.afterEachReceiveBatch(hook);
        assertThat(serverPort.dispatchingReceiveBatch()).isFalse(); // not the port's receive thread
        byte[] rtp = HEX.parseHex("80601234000003e8deadbeef0102030405060708090a");
        sealAndSend(p.client, rtp, false);
        assertThat(p.serverMedia.rtp.poll(5, TimeUnit.SECONDS)).isEqualTo(rtp);
        assertThat(p.serverMedia.dispatching).containsExactly(true);
        String run;
        do {
            run = runs.poll(5, TimeUnit.SECONDS);
            assertThat(run).isNotNull();
        } while (!run.equals("false 1")); // after the batch with the packet: no longer dispatching
        serverPort.removeReceiveBatchHook(hook);
        byte[] next = rtp.clone();
        next[3] = 0x35;
        sealAndSend(p.client, next, false);
        assertThat(p.serverMedia.rtp.poll(5, TimeUnit.SECONDS)).isEqualTo(next);
        Thread.sleep(100);
        assertThat(runs).doesNotContain("false 2");
    }

    @Test
    void aControllingClientTakesTheLitePeersCandidateAndHandshakes() throws Exception {
        IceCredentials s = IceCredentials.random();
        IceCredentials c = IceCredentials.random();
        PeerTransport server = serverPort.register(new TransportConfig(s, c, DtlsRole.SERVER, clientCert.fingerprint(),
                TransportConfig.DEFAULT_SRTP_PROFILES), new Recorder());
        Recorder cm = new Recorder();
        PeerTransport client = clientPort.register(new TransportConfig(c, s, DtlsRole.CLIENT, serverCert.fingerprint(),
                TransportConfig.DEFAULT_SRTP_PROFILES), cm);
        // the lite server validated us through our check; it never checks back
        server.onBindingRequest(PeerAddress.of(clientPort.localAddress()), true, System.nanoTime());
        assertThat(client.state()).isEqualTo(TransportState.NEW);
        client.useRemoteCandidate(PeerAddress.of(serverPort.localAddress()));
        assertThat(client.whenConnected().get(10, TimeUnit.SECONDS)).isEqualTo(TransportState.CONNECTED);
        assertThat(client.remoteAddress()).isEqualTo(PeerAddress.of(serverPort.localAddress()));
        assertThat(client.nominated()).isTrue();
        // the server keys SRTP after sending its Finished, which can be after the client has finished (RFC 6347 §4.2.4)
        assertThat(server.whenConnected().get(10, TimeUnit.SECONDS)).isEqualTo(TransportState.CONNECTED);
        byte[] rtp = HEX.parseHex("80601234000003e8deadbeef0102030405060708090a");
        sealAndSend(server, rtp, false);
        assertThat(cm.rtp.poll(5, TimeUnit.SECONDS)).isEqualTo(rtp);
    }

    @Test
    void serverPrefersGcmWhenTheClientOffersBoth() throws Exception {
        Pair p = connect(TransportConfig.DEFAULT_SRTP_PROFILES,
                List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM), clientCert.fingerprint(),
                serverCert.fingerprint());
        assertThat(p.server.whenConnected().get(10, TimeUnit.SECONDS)).isEqualTo(TransportState.CONNECTED);
        assertThat(p.server.srtpProfile()).isEqualTo(SrtpProfile.AEAD_AES_128_GCM);
    }

    @Test
    void serverRefusesAClientCertificateThatIsNotTheOffersFingerprint() throws Exception {
        Pair p = connect(TransportConfig.DEFAULT_SRTP_PROFILES, TransportConfig.DEFAULT_SRTP_PROFILES,
                DtlsCertificate.generate("someone else").fingerprint(), serverCert.fingerprint());
        assertThat(p.server.whenClosed().get(10, TimeUnit.SECONDS)).isEqualTo(TransportEndReason.FINGERPRINT_MISMATCH);
        assertThat(p.server.endDetail()).contains(clientCert.fingerprint().toSdp());
        assertThat(p.client.whenClosed().get(10, TimeUnit.SECONDS)).isEqualTo(TransportEndReason.HANDSHAKE_FAILED);
        assertThat(p.server.srtp()).isNull();
        assertThat(p.client.srtp()).isNull();
    }

    @Test
    void clientRefusesAServerCertificateThatIsNotTheAnswersFingerprint() throws Exception {
        Pair p = connect(TransportConfig.DEFAULT_SRTP_PROFILES, TransportConfig.DEFAULT_SRTP_PROFILES,
                clientCert.fingerprint(), DtlsCertificate.generate("someone else").fingerprint());
        assertThat(p.client.whenClosed().get(10, TimeUnit.SECONDS)).isEqualTo(TransportEndReason.FINGERPRINT_MISMATCH);
        assertThat(p.server.whenClosed().get(10, TimeUnit.SECONDS)).isIn(TransportEndReason.HANDSHAKE_FAILED,
                TransportEndReason.PEER_CLOSED);
    }

    @Test
    void noCommonSrtpProfileIsRefused() throws Exception {
        Pair p = connect(List.of(SrtpProfile.AEAD_AES_128_GCM), List.of(SrtpProfile.AES_CM_128_HMAC_SHA1_80),
                clientCert.fingerprint(), serverCert.fingerprint());
        assertThat(p.server.whenClosed().get(10, TimeUnit.SECONDS)).isEqualTo(TransportEndReason.NO_SRTP_PROFILE);
    }

    @Test
    void closeSendsCloseNotifyAndThePeerEnds() throws Exception {
        Pair p = connect(TransportConfig.DEFAULT_SRTP_PROFILES, TransportConfig.DEFAULT_SRTP_PROFILES,
                clientCert.fingerprint(), serverCert.fingerprint());
        assertThat(p.client.whenConnected().get(10, TimeUnit.SECONDS)).isEqualTo(TransportState.CONNECTED);
        assertThat(p.server.whenConnected().get(10, TimeUnit.SECONDS)).isEqualTo(TransportState.CONNECTED);
        p.client.close();
        assertThat(p.server.whenClosed().get(10, TimeUnit.SECONDS)).isEqualTo(TransportEndReason.PEER_CLOSED);
        assertThat(p.client.endReason()).isEqualTo(TransportEndReason.CLOSED_LOCALLY);
        // the DTLS thread stopped at its first look at the queue after close, or before looking (between two
        // receives); it used to spin in bctls' receive loop until the loop's one-second wait was over: millions of
        // calls, and close() waited for it
        assertThat(p.client.dtlsReceivesAfterClose()).isLessThanOrEqualTo(1);
        byte[] rtp = HEX.parseHex("80601234000003e8deadbeef0102030405060708090a");
        assertThat(p.client.sealAndSend(MemorySegment.ofArray(java.util.Arrays.copyOf(rtp, 64)), 0, rtp.length, 64,
                false)).isEqualTo(SendStatus.NOT_CONNECTED);
        assertThat(p.client.sendCount(SendStatus.NOT_CONNECTED)).isEqualTo(1);
    }

    /**
     * A DTLS client has its keys once our Finished reaches it and sends at once, while we may still be deriving
     * ours: what arrives during the handshake is held and opened when the keys exist. A packet the peer protected
     * before it had keys (GStreamer's dtlssrtpenc uses a random key then) is counted as not ready, not refused.
     */
    @Test
    void srtpArrivingDuringTheHandshakeIsOpenedOnceKeyed() throws Exception {
        IceCredentials s = IceCredentials.random();
        Recorder media = new Recorder();
        PeerTransport server = serverPort.register(new TransportConfig(s, IceCredentials.random(), DtlsRole.SERVER,
                clientCert.fingerprint(), TransportConfig.DEFAULT_SRTP_PROFILES), media);
        server.onBindingRequest(PeerAddress.of(clientPort.localAddress()), true, System.nanoTime());
        assertThat(server.state()).isEqualTo(TransportState.CONNECTING);
        SrtpProfile profile = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        java.util.Random random = new java.util.Random(7);
        byte[][] k = new byte[4][];
        for (int i = 0; i < 4; i++) {
            k[i] = new byte[i % 2 == 0 ? profile.keyLength() : profile.saltLength()];
            random.nextBytes(k[i]);
        }
        SrtpKeyingMaterial material = new SrtpKeyingMaterial(profile, k[0], k[1], k[2], k[3]);
        byte[] placeholderMaster = new byte[profile.masterLength()];
        random.nextBytes(placeholderMaster);
        byte[] rtp = HEX.parseHex("80601234000003e8deadbeef0102030405060708090a");
        byte[] beforeKeys = HEX.parseHex("80601233000003e8deadbeef0102030405060708090a");
        byte[] placeholderSealed;
        byte[] sealed;
        try (SrtpContext placeholder = SrtpContext.create(profile, placeholderMaster);
                SrtpContext client = SrtpContext.forDtls(material, true).build()) {
            placeholderSealed = seal(placeholder, beforeKeys);
            sealed = seal(client, rtp);
        }
        CountDownLatch held = new CountDownLatch(1);
        serverPort.runOnReceiveThread(() -> {
            server.onSrtp(MemorySegment.ofArray(placeholderSealed), 0, placeholderSealed.length, false, System.nanoTime());
            server.onSrtp(MemorySegment.ofArray(sealed), 0, sealed.length, false, System.nanoTime());
            held.countDown();
        });
        assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(media.rtp).isEmpty();

        server.onDtlsConnected(material); // as the DTLS thread does when the handshake ends
        assertThat(media.rtp.poll(5, TimeUnit.SECONDS)).isEqualTo(rtp);
        assertThat(server.counters().get(PortEvent.RTP)).isEqualTo(1);
        assertThat(server.counters().get(PortEvent.SRTP_NOT_READY)).isEqualTo(1);
        assertThat(server.counters().get(PortEvent.SRTP_REFUSED)).isZero();
        server.close();
    }

    private static byte[] seal(SrtpContext c, byte[] plain) {
        byte[] buf = java.util.Arrays.copyOf(plain, plain.length + 16);
        int n = c.sealRtp(MemorySegment.ofArray(buf), 0, plain.length, buf.length);
        assertThat(n).isPositive();
        return java.util.Arrays.copyOf(buf, n);
    }

    static void sealAndSend(PeerTransport t, byte[] plain, boolean rtcp) {
        byte[] buf = java.util.Arrays.copyOf(plain, plain.length + 64);
        assertThat(t.sealAndSend(MemorySegment.ofArray(buf), 0, plain.length, buf.length, rtcp)).isEqualTo(SendStatus.SENT);
        assertThat(buf).as("sealed in the caller's buffer").isNotEqualTo(java.util.Arrays.copyOf(plain, buf.length));
    }

    static final class Recorder implements TransportListener {
        final LinkedBlockingQueue<byte[]> rtp = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<byte[]> rtcp = new LinkedBlockingQueue<>();
        /** Per RTP packet: whether its port said it was dispatching a received batch. */
        final List<Boolean> dispatching = new CopyOnWriteArrayList<>();

        @Override
        public void onRtp(PeerTransport t, MemorySegment p, long o, int l) {
            dispatching.add(t.port().dispatchingReceiveBatch());
            rtp.add(p.asSlice(o, l).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }

        @Override
        public void onRtcp(PeerTransport t, MemorySegment p, long o, int l) {
            rtcp.add(p.asSlice(o, l).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
    }
}
