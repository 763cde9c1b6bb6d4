package io.mediaplane.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediaplane.stream.Codec;
import io.mediaplane.webrtc.PublisherSession;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An OBS-shaped WHIP publisher (werift configured as OBS 30+'s output: no candidates in the offer, Opus PT 111 on
 * SSRC base then H264 PT 96 packetization-mode=1 on base+1, Bearer key) publishes to our server with a real WHIP
 * POST; a Chromium WHEP viewer decodes its video at the published size and receives its Opus packets (the page
 * plays no audio, so Chromium's audio samples are not counted).
 */
class ObsShapedWhipInteropTest {
    private static final String KEY = "obs-key-7c21";
    private static final long BASE_SSRC = 3120549210L;
    private static Path werift;

    @BeforeAll
    static void install() throws Exception {
        werift = ObsShapedPublisher.install();
    }

    @AfterAll
    static void remove() throws Exception {
        ObsShapedPublisher.remove(werift);
    }

    @Test
    void obsShapedOfferIsAcceptedAndItsMediaDecodesInChromium() throws Exception {
        try (BrowserRig rig = BrowserRig.start(MediaServer.Config.loopback()
                .withAuth(BearerAuth.open().withGlobalPublishKey(KEY)));
             ObsShapedPublisher obs = ObsShapedPublisher.start(werift, rig.server.baseUri() + "/whip/obs", KEY,
                     BASE_SSRC, 30, 60)) {
            MediaServer server = rig.server;
            assertThat(obs.posted.path("status").asInt()).as("WHIP POST: %s; log %s", obs.posted, obs.log())
                    .isEqualTo(201);
            String offer = obs.posted.path("offer").asText();
            assertThat(offer).doesNotContain("a=candidate").contains("m=audio 9 UDP/TLS/RTP/SAVPF 111")
                    .contains("m=video 9 UDP/TLS/RTP/SAVPF 96").contains("packetization-mode=1")
                    .contains("a=ssrc:" + BASE_SSRC + " ").contains("a=ssrc:" + (BASE_SSRC + 1) + " ");
            assertThat(obs.next("state", 20).path("state").asText()).isIn("connecting", "connected");

            PublisherSession publisher = null;
            for (int i = 0; i < 200; i++) {
                publisher = server.webrtc().room("obs").map(r -> r.publisher()).orElse(null);
                if (publisher != null && publisher.isConnected() && publisher.rtpReceived() > 100) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(publisher).isNotNull();
            assertThat(publisher.isConnected()).as("publisher log %s", obs.log()).isTrue();
            assertThat(publisher.video().codec()).isEqualTo(Codec.H264);
            assertThat(publisher.video().payloadType()).isEqualTo(96);
            assertThat(publisher.video().remoteSsrc()).isEqualTo(BASE_SSRC + 1);
            assertThat(publisher.audio().codec()).isEqualTo(Codec.OPUS);
            assertThat(publisher.audio().payloadType()).isEqualTo(111);
            assertThat(publisher.audio().remoteSsrc()).isEqualTo(BASE_SSRC);

            JsonNode v = rig.tab.eval("view('v', '" + server.baseUri() + "/whep/obs')");
            assertThat(v.path("status").asInt()).as("WHEP POST: %s", v).isEqualTo(201);
            JsonNode video = rig.tab.eval("decoded('v', 60, 30000)");
            JsonNode audio = rig.tab.eval("inboundAudio('v')");
            System.out.printf("OBS-shaped werift → Chromium: video %s; audio %s; publisher %s, RTP received %d, "
                    + "dropped %d%n", video, audio, obs.stats(), publisher.rtpReceived(), publisher.rtpDropped());
            assertThat(video.path("framesDecoded").asInt()).as("viewer %s; publisher log %s", video, obs.log())
                    .isGreaterThanOrEqualTo(60);
            assertThat(video.path("codec").asText()).isEqualTo("video/H264");
            assertThat(video.path("frameWidth").asInt()).isEqualTo(640);
            assertThat(video.path("frameHeight").asInt()).isEqualTo(480);
            assertThat(audio.path("codec").asText()).isEqualTo("audio/opus");
            assertThat(audio.path("packetsReceived").asInt()).isGreaterThan(50);
            assertThat(publisher.rtpDropped()).isZero();

            assertThat(rig.tab.eval("stop('v')").asInt()).isEqualTo(200);
            assertThat(obs.stop()).as("the publisher's DELETE").isEqualTo(200);
            for (int i = 0; i < 50 && server.webrtc().sessionCount() > 0; i++) {
                Thread.sleep(100);
            }
            assertThat(server.webrtc().sessionCount()).isZero();
            assertThat(server.webrtc().port().transportCount()).isZero();
        }
    }
}
