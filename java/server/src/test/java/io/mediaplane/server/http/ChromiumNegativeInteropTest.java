package io.mediaplane.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediaplane.net.MediaPort;
import io.mediaplane.net.PortEvent;
import io.mediaplane.net.TransportEndReason;
import io.mediaplane.testing.Chromium;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What must not work, against a live Chromium: an offer whose fingerprint is not the browser's certificate, and
 * garbage on the shared media port (which must be dropped and counted while a session keeps playing); and that
 * DELETE gives back every port mapping and DTLS thread.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChromiumNegativeInteropTest {
    private BrowserRig rig;
    private MediaServer server;
    private Chromium.Page tab;

    @BeforeAll
    void start() throws Exception {
        rig = BrowserRig.start(MediaServer.Config.loopback());
        server = rig.server;
        tab = rig.tab;
    }

    @AfterAll
    void stop() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 300 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    @Test
    void fingerprintMismatchIsRefused() throws Exception {
        String whip = server.baseUri() + "/whip/tampered";
        JsonNode r = tab.eval("publish('bad', '" + whip + "', 'video/VP8', null, true)");
        assertThat(r.path("status").asInt()).isEqualTo(201); // the offer itself is fine; the handshake is not
        await(() -> server.webrtc().sessionsEnded(TransportEndReason.FINGERPRINT_MISMATCH) == 1,
                "the DTLS handshake ends for a fingerprint mismatch");
        await(() -> !server.webrtc().isLive("tampered"), "the session is gone");
        JsonNode state = tab.eval("peers['bad'].pc.connectionState");
        assertThat(state.asText()).isNotEqualTo("connected");
        tab.eval("(peers['bad'].pc.close(), delete peers['bad'], true)");
    }

    @Test
    void garbageOnTheMediaPortIsCountedAndTheLiveSessionPlaysOn() throws Exception {
        String room = "noisy";
        MediaPort port = server.webrtc().port();
        int dtlsBefore = port.dtlsThreadCount();
        int mappingsBefore = port.addressMappingCount();
        JsonNode pub = tab.eval("publish('p', '" + server.baseUri() + "/whip/" + room + "', 'video/VP8')");
        assertThat(pub.path("status").asInt()).isEqualTo(201);
        JsonNode v = tab.eval("view('v', '" + server.baseUri() + "/whep/" + room + "')");
        assertThat(v.path("status").asInt()).isEqualTo(201);
        int before = tab.eval("decoded('v', 10, 30000)").path("framesDecoded").asInt();
        assertThat(before).isGreaterThanOrEqualTo(10);
        assertThat(port.dtlsThreadCount()).isGreaterThan(dtlsBefore);

        long unknownKind = port.counters().get(PortEvent.UNKNOWN_KIND);
        long unknownSender = port.counters().get(PortEvent.UNKNOWN_SENDER);
        long stunDropped = port.counters().get(PortEvent.STUN_MALFORMED) + port.counters().get(PortEvent.STUN_NO_SESSION);
        int n = 100;
        SplittableRandom random = new SplittableRandom(42);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress to = port.localAddress();
            for (int i = 0; i < n; i++) {
                // first byte 192..255: none of STUN, DTLS, TURN, RTP/RTCP (RFC 7983 §7)
                byte[] garbage = new byte[1 + random.nextInt(1200)];
                random.nextBytes(garbage);
                garbage[0] = (byte) (192 + random.nextInt(64));
                s.send(new DatagramPacket(garbage, garbage.length, to));
                // RTP for an unknown SSRC from an address no ICE check validated
                byte[] rtp = new byte[200];
                random.nextBytes(rtp);
                rtp[0] = (byte) 0x80;
                rtp[1] = 96;
                s.send(new DatagramPacket(rtp, rtp.length, to));
                // a STUN binding request naming no session (RFC 8489 §5 header, USERNAME of an unknown ufrag)
                byte[] stun = stunBindingRequest("nobody:" + i, random);
                s.send(new DatagramPacket(stun, stun.length, to));
                // lockstep, so that a loaded machine's socket buffer never drops what we count on
                int sentSoFar = i + 1;
                await(() -> port.counters().get(PortEvent.UNKNOWN_KIND) - unknownKind >= sentSoFar
                        && port.counters().get(PortEvent.UNKNOWN_SENDER) - unknownSender >= sentSoFar
                        && port.counters().get(PortEvent.STUN_MALFORMED)
                                + port.counters().get(PortEvent.STUN_NO_SESSION) - stunDropped >= sentSoFar,
                        "junk datagram " + sentSoFar + " counted as dropped: " + port.counters());
            }
        }
        int after = tab.eval("decoded('v', " + (before + 30) + ", 30000)").path("framesDecoded").asInt();
        assertThat(after).as("frames decoded after the junk").isGreaterThanOrEqualTo(before + 30);

        assertThat(tab.eval("stop('v')").asInt()).isEqualTo(200);
        assertThat(tab.eval("stop('p')").asInt()).isEqualTo(200);
        await(() -> port.dtlsThreadCount() == dtlsBefore, "DTLS threads return to " + dtlsBefore);
        assertThat(port.addressMappingCount()).isEqualTo(mappingsBefore);
        assertThat(port.transportCount()).isZero();
        assertThat(server.webrtc().sessionCount()).isZero();
        assertThat(server.webrtc().room(room)).isEmpty();
    }

    private static byte[] stunBindingRequest(String username, SplittableRandom random) {
        byte[] user = username.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int attr = 4 + (user.length + 3) / 4 * 4;
        byte[] m = new byte[20 + attr];
        m[1] = 0x01; // binding request
        m[2] = (byte) (attr >> 8);
        m[3] = (byte) attr;
        m[4] = 0x21;
        m[5] = 0x12;
        m[6] = (byte) 0xA4;
        m[7] = 0x42;
        for (int i = 8; i < 20; i++) {
            m[i] = (byte) random.nextInt(256);
        }
        m[21] = 0x06; // USERNAME
        m[22] = (byte) (user.length >> 8);
        m[23] = (byte) user.length;
        System.arraycopy(user, 0, m, 24, user.length);
        return m;
    }
}
