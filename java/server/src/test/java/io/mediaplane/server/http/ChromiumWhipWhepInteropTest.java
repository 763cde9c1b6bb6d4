package io.mediaplane.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediaplane.testing.Chromium;
import io.mediaplane.stream.Codec;
import io.mediaplane.stream.Frame;
import io.mediaplane.stream.StreamKey;
import io.mediaplane.stream.Subscription;
import io.mediaplane.webrtc.StreamKernelFeed;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Chromium publishes its fake camera over WHIP in H264 and, separately, VP8; two Chromium WHEP viewers each decode
 * at least 30 frames at the published resolution. Everything runs on loopback: our server (HTTP and the media
 * port), the test page (another origin, so CORS is exercised) and one headless Chromium.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChromiumWhipWhepInteropTest {
    private static final String KEY = "publish-key-3f7a";
    private BrowserRig rig;
    private MediaServer server;
    private Chromium.Page tab;

    @BeforeAll
    void start() throws Exception {
        rig = BrowserRig.start(MediaServer.Config.loopback().withAuth(BearerAuth.open().withGlobalPublishKey(KEY)));
        server = rig.server;
        tab = rig.tab;
    }

    @AfterAll
    void stop() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    private static String js(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** The stream kernel got the publisher's frames: a late subscriber's first video frame is a cached keyframe. */
    private void assertLateJoinerStartsFromTheGopCache(String room, String codec) throws Exception {
        List<Frame> firstVideo = new ArrayList<>();
        List<Boolean> replayed = new ArrayList<>();
        try (Subscription sub = server.streams().subscribe(StreamKey.of(StreamKernelFeed.APPLICATION, room))) {
            for (int i = 0; i < 200 && firstVideo.isEmpty(); i++) {
                sub.poll((frame, seq, replay) -> {
                    if (firstVideo.isEmpty() && frame.codec().isVideo()) {
                        firstVideo.add(frame.retain());
                        replayed.add(replay);
                    }
                }, 64);
                Thread.sleep(10);
            }
        }
        assertThat(firstVideo).hasSize(1);
        Frame f = firstVideo.getFirst();
        try {
            assertThat(f.codec().name()).isEqualTo(codec.substring(6));
            assertThat(f.isKeyframe()).isTrue();
            assertThat(replayed.getFirst()).isTrue();
            if (f.codec() == Codec.H264) {
                byte[] b = f.toArray();
                // Annex-B start code, then the SPS the depacketizer put in front of the IDR
                assertThat(b[0] == 0 && b[1] == 0 && (b[2] == 1 || b[2] == 0 && b[3] == 1)).isTrue();
                assertThat(b[b[2] == 1 ? 3 : 4] & 0x1F).isEqualTo(7);
            }
        } finally {
            f.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"video/H264", "video/VP8"})
    void chromiumPublishesAndTwoChromiumViewersDecode(String codec) throws Exception {
        String room = codec.substring(6).toLowerCase(Locale.ROOT) + "-room";
        String whip = server.baseUri() + "/whip/" + room;
        String whep = server.baseUri() + "/whep/" + room;

        JsonNode pub = tab.eval("publish('pub', " + js(whip) + ", " + js(codec) + ", " + js(KEY) + ")");
        assertThat(pub.path("status").asInt()).as("WHIP POST: %s", pub).isEqualTo(201);
        assertThat(pub.path("etag").asText()).startsWith("\"").endsWith("\"");
        assertThat(pub.path("location").asText()).startsWith(server.baseUri() + "/whip/" + room + "/");

        for (String viewer : new String[] {"v1", "v2"}) {
            JsonNode v = tab.eval("view('" + viewer + "', " + js(whep) + ")");
            assertThat(v.path("status").asInt()).as("WHEP POST: %s", v).isEqualTo(201);
        }
        // reported, not asserted: how long a joining viewer waits for its first picture (coalesced PLI start)
        int join1 = tab.eval("joinToFirstFrame('v1', 30000)").asInt();
        int join2 = tab.eval("joinToFirstFrame('v2', 30000)").asInt();
        System.out.printf("%s: join to first decoded frame %d ms and %d ms%n", codec, join1, join2);
        JsonNode v1 = tab.eval("decoded('v1', 30, 30000)");
        JsonNode v2 = tab.eval("decoded('v2', 30, 30000)");
        JsonNode out = tab.eval("outbound('pub')");
        System.out.printf("%s: publisher %s; viewer 1 %s; viewer 2 %s; keyframe requests sent %d, coalesced %d%n",
                codec, out, v1, v2, server.webrtc().room(room).orElseThrow().keyframeRequestsSent(),
                server.webrtc().room(room).orElseThrow().keyframeRequestsCoalesced());
        assertThat(out.path("codec").asText()).isEqualTo(codec);
        for (JsonNode v : new JsonNode[] {v1, v2}) {
            assertThat(v.path("framesDecoded").asInt()).as("viewer stats %s, publisher %s", v, out)
                    .isGreaterThanOrEqualTo(30);
            assertThat(v.path("codec").asText()).isEqualTo(codec);
            assertThat(v.path("frameWidth").asInt()).isEqualTo(out.path("frameWidth").asInt()).isPositive();
            assertThat(v.path("frameHeight").asInt()).isEqualTo(out.path("frameHeight").asInt()).isPositive();
        }

        assertLateJoinerStartsFromTheGopCache(room, codec);
        JsonNode rr = tab.eval("remoteInbound('pub', 5000)");
        assertThat(rr.isObject()).as("the publisher got our receiver reports: %s", rr).isTrue();
        assertThat(rr.path("packetsLost").asInt()).isZero();
        JsonNode srs = tab.eval("remoteOutbound('v1', 5000)");
        assertThat(srs.isObject()).as("the viewer got our sender reports: %s", srs).isTrue();
        assertThat(srs.path("packetsSent").asInt()).isPositive();

        assertThat(tab.eval("stop('v1')").asInt()).isEqualTo(200);
        assertThat(tab.eval("stop('v2')").asInt()).isEqualTo(200);
        assertThat(tab.eval("stop('pub', " + js(KEY) + ")").asInt()).isEqualTo(200);
        assertThat(server.webrtc().sessionCount()).isZero();
        assertThat(server.webrtc().port().transportCount()).isZero();
        assertThat(server.webrtc().port().addressMappingCount()).isZero();
    }

    /** A viewer stays through a publisher reconnect: its numbering continues and it decodes the new publication. */
    @org.junit.jupiter.api.Test
    void viewerKeepsPlayingAcrossAPublisherReconnect() throws Exception {
        String whip = server.baseUri() + "/whip/reconnect";
        assertThat(tab.eval("publish('first', " + js(whip) + ", 'video/VP8', " + js(KEY) + ")").path("status").asInt())
                .isEqualTo(201);
        assertThat(tab.eval("view('stay', " + js(server.baseUri() + "/whep/reconnect") + ")").path("status").asInt())
                .isEqualTo(201);
        int before = tab.eval("decoded('stay', 20, 30000)").path("framesDecoded").asInt();
        assertThat(before).isGreaterThanOrEqualTo(20);
        assertThat(tab.eval("stop('first', " + js(KEY) + ")").asInt()).isEqualTo(200);
        assertThat(server.webrtc().isLive("reconnect")).isFalse();

        assertThat(tab.eval("publish('second', " + js(whip) + ", 'video/VP8', " + js(KEY) + ")").path("status").asInt())
                .isEqualTo(201);
        JsonNode after = tab.eval("decoded('stay', " + (before + 30) + ", 30000)");
        System.out.printf("across a publisher reconnect: %d frames before, %s after%n", before, after);
        assertThat(after.path("framesDecoded").asInt()).isGreaterThanOrEqualTo(before + 30);
        assertThat(tab.eval("stop('stay')").asInt()).isEqualTo(200);
        assertThat(tab.eval("stop('second', " + js(KEY) + ")").asInt()).isEqualTo(200);
        assertThat(server.webrtc().sessionCount()).isZero();
    }
}
