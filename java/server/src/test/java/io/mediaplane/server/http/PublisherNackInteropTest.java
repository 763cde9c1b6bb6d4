package io.mediaplane.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediaplane.net.MediaPortOptions;
import io.mediaplane.testing.Chromium;
import io.mediaplane.testing.LossyUdpRelay;
import io.mediaplane.webrtc.NegotiatedMedia;
import io.mediaplane.webrtc.PublisherSession;
import io.mediaplane.webrtc.Room;
import io.mediaplane.webrtc.WebRtcService;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Loss between a real publisher and us is repaired by our generic NACKs (RFC 4585 §6.2.1) and the publisher's RTX
 * (RFC 4588): headless Chromium publishes its fake camera over WHIP through a {@link LossyUdpRelay} that loses a
 * seeded 5 % of the first transmissions of its video SSRC (never the RTX stream, STUN, DTLS or RTCP); a Chromium
 * WHEP viewer watches the room directly. Our answer advertises the relay's address (127.0.0.2, on the media port's
 * number) as the only candidate; the viewer's page points its copy of the answer at the media port itself.
 *
 * <p>The figures asserted all come from the peers and the server, never from the clock: the relay's list of lost
 * sequence numbers and its packet counts per SSRC; our counters (NACK packets, numbers requested, missing packets
 * that came after all, RTX packets that repaired one, numbers given up, RFC 3550 cumulative loss); Chromium's
 * {@code outbound-rtp} ({@code nackCount}: NACKs it received; {@code retransmittedPacketsSent}) and the viewer's
 * {@code inbound-rtp} ({@code framesDecoded}, {@code packetsLost}, {@code pliCount}).
 *
 * <p>Chromium also resends some lost packets nobody NACKed: 3–9 of 20 in our runs, on our transport-cc feedback (none
 * once the transport-wide sequence number is removed from its offer). So not every lost packet becomes a gap
 * we NACK, and the bounds that tell NACK from no NACK are the loss left at the server and at the viewer. The
 * negative control publishes the same way with {@code a=rtcp-fb:* nack} removed from Chromium's offer: the relay
 * loses as much, we send no NACK, Chromium resends only those few (over RTX, which we do not unwrap without NACK),
 * and all of the loss reaches the server and the viewer, where the positive test allows at most 10 %.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PublisherNackInteropTest {
    private static final String KEY = "nack-key-51c9";
    private static final long SEED = 0x5eed_4ac6L;
    private static final double LOSS = 0.05;
    /** The relay loses this many first transmissions, then stops losing; then the figures are read. */
    private static final int LOSSES = 20;
    /** The relay's address: another loopback address, so it can listen on the media port's number. */
    private static final String RELAY_HOST = "127.0.0.2";

    private BrowserRig rig;

    @BeforeAll
    void start() throws Exception {
        WebRtcService.Config webrtc = new WebRtcService.Config(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), List.of(InetAddress.getByName(RELAY_HOST)),
                1000, 500, MediaPortOptions.defaults(), null);
        rig = BrowserRig.start(MediaServer.Config.loopback().withWebRtc(webrtc)
                .withAuth(BearerAuth.open().withGlobalPublishKey(KEY)));
    }

    @AfterAll
    void stop() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    /** What one lossy publication showed. */
    private record Figures(int lost, long videoPackets, long rtxPackets, int resentOnMediaStream, long padding,
                           long nacksSent, long nackRequests, long recovered, long rtxRepaired, long rtxDropped,
                           long givenUp, long lostAtServer, long keyframeRequestsSent, JsonNode publisher,
                           JsonNode viewer, String answer) {
        @Override
        public String toString() {
            return String.format("relay: lost %d of %d video packets (%d lost ones came again on the video SSRC; "
                    + "%d padding-only), passed %d RTX packets; server: %d NACKs asking for %d numbers, %d recovered "
                    + "(%d by RTX; %d RTX packets not needed), %d given up, %d lost (RFC 3550), %d keyframe requests; "
                    + "publisher %s; viewer %s", lost, videoPackets, resentOnMediaStream, padding, rtxPackets,
                    nacksSent, nackRequests, recovered, rtxRepaired, rtxDropped, givenUp, lostAtServer,
                    keyframeRequestsSent, publisher, viewer);
        }
    }

    private Figures publishThroughLossyRelay(String room, String codec, long seed, boolean nack) throws Exception {
        Chromium.Page tab = rig.tab;
        InetSocketAddress media = rig.server.webrtc().port().localAddress();
        try (LossyUdpRelay relay = LossyUdpRelay.start(new InetSocketAddress(RELAY_HOST, media.getPort()), media,
                seed, LOSS)) {
            tab.eval(nack ? "window.offerFilter = null"
                    : "window.offerFilter = sdp => sdp.replace(/a=rtcp-fb:\\d+ nack\\r\\n/g, '')");
            JsonNode pub = tab.eval("publish('" + room + "', '" + rig.server.baseUri() + "/whip/" + room + "', '"
                    + codec + "', '" + KEY + "')");
            tab.eval("window.offerFilter = null");
            assertThat(pub.path("status").asInt()).as("WHIP POST: %s", pub).isEqualTo(201);
            Room r = rig.server.webrtc().room(room).orElseThrow();
            PublisherSession p = r.publisher();
            assertThat(p.video().nack()).isEqualTo(nack);
            assertThat(p.video().remoteSsrc()).as("the offer names the video SSRC").isNotNegative();
            relay.loseFrom(p.video().remoteSsrc());

            // the viewer reaches the media port directly, not through the relay
            tab.eval("window.answerFilter = sdp => sdp.split('" + RELAY_HOST + "').join('127.0.0.1')");
            JsonNode v = tab.eval("view('" + room + "-v', '" + rig.server.baseUri() + "/whep/" + room + "')");
            tab.eval("window.answerFilter = null");
            assertThat(v.path("status").asInt()).as("WHEP POST: %s", v).isEqualTo(201);

            for (int i = 0; i < 300 && relay.lost().size() < LOSSES; i++) {
                Thread.sleep(100);
            }
            relay.loseFrom(-1);
            // what was lost last is repaired (or given up, after at most a second) before the figures are read
            for (int i = 0; i < 15 && p.videoPacketsLost() > 0; i++) {
                Thread.sleep(100);
            }
            JsonNode viewer = tab.eval("decoded('" + room + "-v', 60, 10000)");
            JsonNode publisher = tab.eval("outbound('" + room + "')");
            NegotiatedMedia video = p.video();
            Figures f = new Figures(relay.lost().size(), relay.rtpPackets(video.remoteSsrc()),
                    video.remoteRtxSsrc() < 0 ? 0 : relay.rtpPackets(video.remoteRtxSsrc()),
                    relay.resentOnMediaStream().size(), relay.paddingPackets(), p.nacksSent(), p.nackRequests(),
                    p.nackRecovered(), p.rtxRepaired(), p.rtxDropped(), p.nackGivenUp(), p.videoPacketsLost(),
                    r.keyframeRequestsSent(), publisher, viewer, pub.path("answer").asText());
            System.out.printf("%s %s NACK: %s%n", codec, nack ? "with" : "without", f);
            assertThat(tab.eval("stop('" + room + "-v')").asInt()).isEqualTo(200);
            assertThat(tab.eval("stop('" + room + "', '" + KEY + "')").asInt()).isEqualTo(200);
            return f;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"video/H264", "video/VP8"})
    void lossFromAChromiumPublisherIsRepairedByOurNacks(String codec) throws Exception {
        Figures f = publishThroughLossyRelay("nack-" + codec.substring(6).toLowerCase(Locale.ROOT), codec, SEED, true);
        assertThat(f.lost()).as("%s", f).isGreaterThanOrEqualTo(LOSSES);
        assertThat(f.answer()).as("RTX answered").containsPattern("a=rtpmap:\\d+ rtx/90000");
        // the loss is repaired: the server misses almost none, and gave almost none up
        assertThat(f.lostAtServer()).as("%s", f).isLessThanOrEqualTo(f.lost() / 10);
        assertThat(f.givenUp()).as("%s", f).isLessThanOrEqualTo(f.lost() / 10);
        // by our NACKs: Chromium got them and resent over RTX, and every gap we saw filled was asked for (Chromium
        // also resends some lost packets unasked, on transport-cc feedback: see the negative control)
        assertThat(f.nacksSent()).as("%s", f).isPositive();
        assertThat(f.publisher().path("nackCount").asLong()).as("%s", f).isPositive().isLessThanOrEqualTo(f.nacksSent());
        assertThat(f.recovered()).as("%s", f).isGreaterThanOrEqualTo(f.lost() / 4);
        assertThat(f.nackRequests()).as("%s", f).isGreaterThanOrEqualTo(f.recovered());
        // (RTX repairs include lost packets that came back as copies in bandwidth probes or overtook their successor,
        // which never became gaps; once one of the 20 lost was not among them when the figures were read)
        assertThat(f.rtxRepaired()).as("%s", f).isGreaterThanOrEqualTo(f.recovered())
                .isGreaterThanOrEqualTo(f.lost() * 9 / 10);
        // not >= rtxRepaired: a bandwidth probe on the RTX stream can be a copy of a packet the relay lost, which
        // repairs it but which Chromium does not count as a retransmission (seen once: 19 against 20)
        assertThat(f.publisher().path("retransmittedPacketsSent").asLong()).as("%s", f)
                .isGreaterThanOrEqualTo(f.lost() / 2);
        assertThat(f.resentOnMediaStream()).as("with RTX nothing is resent on the video SSRC: %s", f).isZero();
        // the viewer decodes on, misses no more than we could not repair, and asks for no keyframe for the loss
        assertThat(f.viewer().path("framesDecoded").asInt()).as("%s", f).isGreaterThanOrEqualTo(60);
        assertThat(f.viewer().path("packetsLost").asLong()).as("%s", f).isLessThanOrEqualTo(f.lostAtServer());
        // (0 to 2 in our runs, when it starts; 4 or 5 without NACK)
        assertThat(f.viewer().path("pliCount").asLong()).as("%s", f).isLessThanOrEqualTo(3 + f.givenUp());
    }

    @Test
    void withoutNackNegotiatedTheSameLossStays() throws Exception {
        Figures f = publishThroughLossyRelay("no-nack", "video/H264", SEED, false);
        assertThat(f.answer()).doesNotContainPattern("a=rtcp-fb:\\d+ nack\\r\\n");
        assertThat(f.lost()).as("%s", f).isGreaterThanOrEqualTo(LOSSES);
        assertThat(f.nacksSent()).isZero();
        assertThat(f.recovered()).isZero();
        assertThat(f.rtxRepaired()).isZero();
        assertThat(f.publisher().path("nackCount").asLong()).as("%s", f).isZero();
        // the positive test's bounds fail here: most of the loss stays, at the server and at the viewer
        assertThat(f.lostAtServer()).as("%s", f).isGreaterThan(f.lost() / 2);
        assertThat(f.viewer().path("packetsLost").asLong()).as("%s", f).isGreaterThan(f.lost() / 2);
    }
}
