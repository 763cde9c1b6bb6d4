package io.mediaplane.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediaplane.webrtc.PublisherSession;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Transport-wide congestion control with a Chromium publisher: its offer's transport-wide sequence number extension
 * is answered (with {@code a=rtcp-fb:* transport-cc}), our transport-cc feedback drives its delay-based bandwidth
 * estimator, and its {@code availableOutgoingBitrate} leaves the start value at once while a viewer decodes. The
 * same publisher with the extension removed from its offer (a loss-based estimate only, fed by our receiver
 * reports) is measured after it for comparison.
 */
class TransportCcInteropTest {
    private static final String KEY = "twcc-key-e4a1";
    /** libwebrtc's default start bitrate for the send-side estimator. */
    private static final long START_BITRATE = 300_000;

    @Test
    void chromiumPublisherBandwidthEstimateGrowsOnOurFeedback() throws Exception {
        try (BrowserRig rig = BrowserRig.start(MediaServer.Config.loopback()
                .withAuth(BearerAuth.open().withGlobalPublishKey(KEY)))) {
            List<Long> with = publishAndSample(rig, "twcc", true);
            List<Long> without = publishAndSample(rig, "no-twcc", false);
            System.out.printf("availableOutgoingBitrate each second, with transport-cc %s; without %s%n", with,
                    without);
            // Chromium's estimator starts at 300 kbit/s (the first figure without feedback); on loopback, with our
            // feedback, its start-up probes find room at once and the estimate goes to the encoder's cap within the
            // first second, while without it only the loss-based estimate creeps up by about 8% a second. On a loaded
            // machine the delay-based estimate can dip for a second (a stalled receive thread looks like queueing
            // delay: arrival times are taken when the packet is handled), so only the peak is compared.
            long peak = with.stream().mapToLong(Long::longValue).max().orElseThrow();
            long peakWithout = without.stream().mapToLong(Long::longValue).max().orElseThrow();
            assertThat(with.getFirst()).isPositive();
            assertThat(peak).as("with %s, without %s", with, without).isGreaterThan(peakWithout)
                    .isGreaterThan(START_BITRATE);
        }
    }

    /** Publishes the fake camera in H264 for 10 s; returns the publisher's bandwidth estimate once a second. */
    private static List<Long> publishAndSample(BrowserRig rig, String room, boolean transportCc) throws Exception {
        rig.tab.eval(transportCc ? "window.offerFilter = null"
                : "window.offerFilter = sdp => sdp.replace("
                        + "/a=extmap:\\d+ [^\\r]*transport-wide-cc[^\\r]*\\r\\n/g, '')");
        JsonNode pub = rig.tab.eval("publish('" + room + "', '" + rig.server.baseUri() + "/whip/" + room
                + "', 'video/H264', '" + KEY + "')");
        rig.tab.eval("window.offerFilter = null");
        assertThat(pub.path("status").asInt()).as("WHIP POST: %s", pub).isEqualTo(201);
        String answer = pub.path("answer").asText();
        assertThat(answer.contains("transport-wide-cc")).isEqualTo(transportCc);
        assertThat(answer.contains(" transport-cc\r\n")).isEqualTo(transportCc);
        PublisherSession publisher = rig.server.webrtc().room(room).orElseThrow().publisher();
        JsonNode v = rig.tab.eval("view('" + room + "-v', '" + rig.server.baseUri() + "/whep/" + room + "')");
        assertThat(v.path("status").asInt()).isEqualTo(201);
        List<Long> samples = new ArrayList<>();
        JsonNode last = null;
        for (int i = 0; i < 10; i++) {
            Thread.sleep(1000);
            last = rig.tab.eval("sendBandwidth('" + room + "')");
            samples.add(last.path("availableOutgoingBitrate").asLong());
        }
        JsonNode decoded = rig.tab.eval("decoded('" + room + "-v', 30, 10000)");
        System.out.printf("%s: publisher %s, transport-cc feedback sent %d, viewer %s%n", room, last,
                publisher.transportFeedbackSent(), decoded);
        assertThat(decoded.path("framesDecoded").asInt()).isGreaterThanOrEqualTo(30);
        if (transportCc) {
            assertThat(publisher.transportFeedbackSent()).isPositive();
        } else {
            assertThat(publisher.transportFeedbackSent()).isZero();
        }
        assertThat(rig.tab.eval("stop('" + room + "-v')").asInt()).isEqualTo(200);
        assertThat(rig.tab.eval("stop('" + room + "', '" + KEY + "')").asInt()).isEqualTo(200);
        return samples;
    }
}
