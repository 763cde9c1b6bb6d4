package io.mediaplane.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediaplane.testing.Chromium;
import io.mediaplane.testing.Ffmpeg8;
import io.mediaplane.testing.PageServer;
import io.mediaplane.testing.Peers;
import io.mediaplane.webrtc.PublisherSession;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * FFmpeg 8.1's WHIP muxer publishes H264 (OpenH264) and Opus; its offer says {@code a=setup:passive}, so we are
 * the DTLS client. A Chromium WHEP viewer decodes the stream at the published 640x480.
 */
class FfmpegWhipInteropTest {
    private static final String KEY = "ffmpeg-key-51d0";

    @Test
    void ffmpegPublishesAndChromiumDecodes() throws Exception {
        try (MediaServer server = MediaServer.start(MediaServer.Config.loopback()
                .withAuth(BearerAuth.open().withGlobalPublishKey(KEY)));
             PageServer page = PageServer.serve("/web/whip-whep.html")) {
            List<String> cmd = new ArrayList<>(Ffmpeg8.command());
            cmd.addAll(List.of("-hide_banner", "-nostdin", "-re", "-f", "lavfi", "-i",
                    "testsrc2=size=640x480:rate=30", "-f", "lavfi", "-i", "sine=frequency=440", "-t", "40",
                    "-c:v", "libopenh264", "-b:v", "1M", "-g", "30", "-bf", "0", "-c:a", "libopus", "-ac", "2",
                    "-f", "whip", "-authorization", KEY, server.baseUri() + "/whip/ffmpeg"));
            try (Peers.Running ffmpeg = Peers.start(cmd)) {
                long deadline = System.nanoTime() + 20_000_000_000L;
                PublisherSession publisher = null;
                while (System.nanoTime() < deadline) {
                    publisher = server.webrtc().room("ffmpeg").map(r -> r.publisher()).orElse(null);
                    if (publisher != null && publisher.isConnected() && publisher.rtpReceived() > 0) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertThat(publisher).as("FFmpeg output:\n%s", ffmpeg.output()).isNotNull();
                assertThat(publisher.isConnected()).as("FFmpeg output:\n%s", ffmpeg.output()).isTrue();
                try (Chromium chromium = Chromium.start(); Chromium.Page tab = chromium.open(page.url())) {
                    JsonNode v = tab.eval("view('v', '" + server.baseUri() + "/whep/ffmpeg')");
                    assertThat(v.path("status").asInt()).as("WHEP POST: %s", v).isEqualTo(201);
                    JsonNode stats = tab.eval("decoded('v', 30, 30000)");
                    System.out.printf("FFmpeg 8 → Chromium: %s; publisher RTP received %d, dropped %d%n", stats,
                            publisher.rtpReceived(), publisher.rtpDropped());
                    assertThat(stats.path("framesDecoded").asInt()).as("viewer %s; FFmpeg:\n%s", stats,
                            ffmpeg.output()).isGreaterThanOrEqualTo(30);
                    assertThat(stats.path("codec").asText()).isEqualTo("video/H264");
                    assertThat(stats.path("frameWidth").asInt()).isEqualTo(640);
                    assertThat(stats.path("frameHeight").asInt()).isEqualTo(480);
                    assertThat(tab.eval("stop('v')").asInt()).isEqualTo(200);
                }
            }
        }
    }
}
