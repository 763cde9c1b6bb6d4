package io.mediaplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ICE-lite (RFC 8445 §2.5, §7.3) and consent freshness (RFC 7675) on a real loopback port, with a fake clock. */
class IceLiteTest {
    private static final IceCredentials THEIRS = new IceCredentials("Peer", "peerpasswordpeerpassword");
    private static final DtlsFingerprint ANY_FINGERPRINT = DtlsCertificate.process().fingerprint();

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private MediaPort port;
    private PeerTransport transport;
    private IceCredentials ours;
    private StunPeer peer;

    @BeforeEach
    void open() throws Exception {
        port = MediaPort.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                MediaPortOptions.defaults().withClock(now::get));
        ours = IceCredentials.random();
        transport = port.register(new TransportConfig(ours, THEIRS, DtlsRole.SERVER, ANY_FINGERPRINT,
                TransportConfig.DEFAULT_SRTP_PROFILES), new NoMedia());
        peer = new StunPeer(port.localAddress());
    }

    @AfterEach
    void close() {
        peer.close();
        port.close();
    }

    private String username() {
        return ours.ufrag() + ":" + THEIRS.ufrag();
    }

    @Test
    void answersChromiumShapedBindingRequest() throws Exception {
        StunMessage r = peer.exchange(peer.request(username(), ours.pwd(), true, false));
        assertThat(r).isNotNull();
        assertThat(r.type()).isEqualTo(Stun.BINDING_SUCCESS);
        assertThat(r.xorMappedAddress()).isEqualTo(peer.address());
        assertThat(r.verifyIntegrity(ours.pwd().getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(r.verifyFingerprint()).isTrue();
        assertThat(transport.state()).isEqualTo(TransportState.CONNECTING);
        assertThat(transport.remoteAddress()).isEqualTo(peer.address());
        assertThat(transport.nominated()).isTrue();
        assertThat(port.addressMappingCount()).isEqualTo(1);
        assertThat(transport.counters().get(PortEvent.STUN_ANSWERED)).isEqualTo(1);
    }

    @Test
    void wrongPasswordGets401AndNoMapping() throws Exception {
        StunMessage r = peer.exchange(peer.request(username(), "wrongpasswordwrongpassword", true, false));
        assertThat(r.type()).isEqualTo(Stun.BINDING_ERROR);
        assertThat(r.errorCode()).isEqualTo(401);
        assertThat(r.hasIntegrity()).isFalse(); // we cannot sign for someone who does not know the key
        assertThat(transport.counters().get(PortEvent.STUN_BAD_INTEGRITY)).isEqualTo(1);
        assertThat(transport.remoteAddress()).isNull();
        assertThat(port.addressMappingCount()).isZero();
    }

    @Test
    void wrongRemoteUfragGets401() throws Exception {
        StunMessage r = peer.exchange(peer.request(ours.ufrag() + ":Other", ours.pwd(), true, false));
        assertThat(r.errorCode()).isEqualTo(401);
        assertThat(r.verifyIntegrity(ours.pwd().getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(transport.counters().get(PortEvent.STUN_BAD_USERNAME)).isEqualTo(1);
        assertThat(port.addressMappingCount()).isZero();
    }

    @Test
    void missingIntegrityGets400() throws Exception {
        StunMessage r = peer.exchange(peer.request(username(), null, false, false));
        assertThat(r.errorCode()).isEqualTo(400);
        assertThat(transport.state()).isEqualTo(TransportState.NEW);
    }

    @Test
    void controlledPeerGets487RoleConflict() throws Exception {
        StunMessage r = peer.exchange(peer.request(username(), ours.pwd(), false, true));
        assertThat(r.errorCode()).isEqualTo(487);
        assertThat(port.counters().get(PortEvent.STUN_ROLE_CONFLICT)).isEqualTo(1);
    }

    @Test
    void unknownUfragIsDroppedSilently() throws Exception {
        peer.send(peer.request("Nope:" + THEIRS.ufrag(), ours.pwd(), true, false));
        // then a good one: the port handles datagrams in order, so its answer proves the first was seen
        StunMessage r = peer.exchange(peer.request(username(), ours.pwd(), false, false));
        assertThat(r.type()).isEqualTo(Stun.BINDING_SUCCESS);
        assertThat(port.counters().get(PortEvent.STUN_NO_SESSION)).isEqualTo(1);
    }

    @Test
    void useCandidateNominatesAndMovesTheSelectedAddress() throws Exception {
        assertThat(peer.exchange(peer.request(username(), ours.pwd(), false, false)).type())
                .isEqualTo(Stun.BINDING_SUCCESS);
        assertThat(transport.remoteAddress()).isEqualTo(peer.address());
        assertThat(transport.nominated()).isFalse();
        try (StunPeer second = new StunPeer(port.localAddress())) {
            assertThat(second.exchange(second.request(username(), ours.pwd(), false, false)).type())
                    .isEqualTo(Stun.BINDING_SUCCESS);
            assertThat(transport.remoteAddress()).as("first validated pair stays until a nomination")
                    .isEqualTo(peer.address());
            assertThat(second.exchange(second.request(username(), ours.pwd(), true, false)).type())
                    .isEqualTo(Stun.BINDING_SUCCESS);
            assertThat(transport.remoteAddress()).isEqualTo(second.address());
            assertThat(transport.nominated()).isTrue();
            assertThat(transport.validatedAddresses()).containsExactlyInAnyOrder(peer.address(), second.address());
            assertThat(port.addressMappingCount()).isEqualTo(2);
        }
    }

    @Test
    void consentExpiresAfterThirtySilentSeconds() throws Exception {
        assertThat(peer.exchange(peer.request(username(), ours.pwd(), true, false))).isNotNull();
        now.addAndGet(TimeUnit.SECONDS.toNanos(29));
        assertThat(port.checkConsent()).isZero();
        // a consent check (RFC 7675 §5.1) refreshes it
        assertThat(peer.exchange(peer.request(username(), ours.pwd(), false, false))).isNotNull();
        now.addAndGet(TimeUnit.SECONDS.toNanos(29));
        assertThat(port.checkConsent()).isZero();
        assertThat(transport.state()).isEqualTo(TransportState.CONNECTING);
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        port.checkConsent(); // the receive thread may get there first: it checks every 500 ms of the clock too
        assertThat(transport.whenClosed().get(5, TimeUnit.SECONDS)).isEqualTo(TransportEndReason.CONSENT_EXPIRED);
        assertThat(transport.state()).isEqualTo(TransportState.CLOSED);
        assertThat(port.transportCount()).isZero();
        assertThat(port.addressMappingCount()).isZero();
        assertThat(port.endedTransports(TransportEndReason.CONSENT_EXPIRED)).isEqualTo(1);
        // the peer is no longer known: its next check is dropped as for an unknown ufrag
        peer.socket.setSoTimeout(300);
        assertThat(peer.exchange(peer.request(username(), ours.pwd(), false, false))).isNull();
    }

    @Test
    void iceRestartSwitchesCredentials() throws Exception {
        assertThat(peer.exchange(peer.request(username(), ours.pwd(), true, false)).type())
                .isEqualTo(Stun.BINDING_SUCCESS);
        IceCredentials newOurs = IceCredentials.random();
        IceCredentials newTheirs = new IceCredentials("Peer2", null);
        transport.restartIce(newOurs, newTheirs);
        peer.socket.setSoTimeout(300);
        assertThat(peer.exchange(peer.request(username(), ours.pwd(), false, false))).as("old ufrag").isNull();
        peer.socket.setSoTimeout(5_000);
        StunMessage r = peer.exchange(peer.request(newOurs.ufrag() + ":Peer2", newOurs.pwd(), true, false));
        assertThat(r.type()).isEqualTo(Stun.BINDING_SUCCESS);
        assertThat(r.verifyIntegrity(newOurs.pwd().getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(port.transportCount()).isEqualTo(1);
        transport.close();
        assertThat(port.transportCount()).isZero();
        assertThat(port.addressMappingCount()).isZero();
    }

    @Test
    void aThrowingListenerDoesNotStopThePort() throws Exception {
        IceCredentials other = IceCredentials.random();
        port.register(new TransportConfig(other, THEIRS, DtlsRole.SERVER, ANY_FINGERPRINT,
                TransportConfig.DEFAULT_SRTP_PROFILES), new NoMedia() {
                    @Override
                    public void onStateChange(PeerTransport t, TransportState s) {
                        throw new IllegalStateException("a session's bug");
                    }
                });
        assertThat(peer.exchange(peer.request(other.ufrag() + ":" + THEIRS.ufrag(), other.pwd(), true, false)).type())
                .isEqualTo(Stun.BINDING_SUCCESS);
        assertThat(peer.exchange(peer.request(username(), ours.pwd(), true, false)).type())
                .isEqualTo(Stun.BINDING_SUCCESS);
    }

    @Test
    void aSessionThatNeverConnectsExpiresToo() {
        now.addAndGet(Duration.ofSeconds(29).toNanos());
        assertThat(port.checkConsent()).isZero();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        port.checkConsent();
        assertThat(transport.whenClosed()).succeedsWithin(Duration.ofSeconds(5))
                .isEqualTo(TransportEndReason.CONSENT_EXPIRED);
    }

    @Test
    void garbageAndFloodsDoNotDisturbALiveSession() throws Exception {
        assertThat(peer.exchange(peer.request(username(), ours.pwd(), true, false))).isNotNull();
        Random random = new Random(7983);
        try (StunPeer attacker = new StunPeer(port.localAddress())) {
            for (int i = 0; i < 2000; i++) {
                byte[] junk = new byte[1 + random.nextInt(300)];
                random.nextBytes(junk);
                if (i % 4 == 0) {
                    junk[0] = (byte) (0x80 | (junk[0] & 0x3F)); // RTP-looking from an unknown address
                } else if (i % 4 == 1) {
                    junk = attacker.request("Nope:" + THEIRS.ufrag(), "x".repeat(22), true, false); // STUN flood
                } else if (i % 4 == 2) {
                    junk = attacker.request(username(), "wrongpasswordwrongpassword", true, false);
                }
                attacker.send(junk);
            }
            // The port answers in arrival order: once a probe's 401 is back, the flood has been dealt with and the
            // session's check below cannot be lost in a socket buffer the flood filled (on a loaded machine the
            // port drains it late). Probes lost that way are resent, as a STUN client does (RFC 8489 §6.2.1).
            StunMessage probe = null;
            for (int attempt = 0; probe == null && attempt < 12; attempt++) {
                probe = attacker.exchange(attacker.request(username(), "wrongpasswordwrongpassword", true, false));
            }
            assertThat(probe).as("an answer to a probe after the flood").isNotNull();
            assertThat(probe.type()).isEqualTo(Stun.BINDING_ERROR);
        }
        StunMessage r = peer.exchange(peer.request(username(), ours.pwd(), false, false));
        assertThat(r).isNotNull();
        assertThat(r.type()).isEqualTo(Stun.BINDING_SUCCESS);
        assertThat(transport.state()).isEqualTo(TransportState.CONNECTING);
        assertThat(transport.remoteAddress()).isEqualTo(peer.address());
        assertThat(port.addressMappingCount()).isEqualTo(1);
        // a flood overflows the socket buffer (the kernel drops some); every datagram that arrived has exactly one
        // outcome, and each kind of junk was seen
        PortCounters c = port.counters();
        long outcomes = c.snapshot().values().stream().mapToLong(Long::longValue).sum();
        assertThat(outcomes).isEqualTo(port.socketCounters().datagramsReceived());
        assertThat(c.get(PortEvent.STUN_ANSWERED)).isEqualTo(2);
        assertThat(c.get(PortEvent.STUN_NO_SESSION)).isPositive();
        assertThat(c.get(PortEvent.STUN_BAD_INTEGRITY)).isPositive();
        assertThat(c.get(PortEvent.UNKNOWN_SENDER)).isPositive();
        assertThat(c.get(PortEvent.UNKNOWN_KIND) + c.get(PortEvent.STUN_MALFORMED)).isPositive();
        assertThat(c.dropped()).isEqualTo(outcomes - 2);
    }

    static class NoMedia implements TransportListener {
        @Override
        public void onRtp(PeerTransport t, MemorySegment p, long o, int l) {}

        @Override
        public void onRtcp(PeerTransport t, MemorySegment p, long o, int l) {}
    }
}
