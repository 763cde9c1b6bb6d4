package io.mediaplane.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediaplane.testing.Chromium;
import io.mediaplane.testing.PageServer;
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
    private MediaServer server;
    private PageServer page;
    private Chromium chromium;
    private Chromium.Page tab;

    @BeforeAll
    void start() throws Exception {
        server = MediaServer.start(MediaServer.Config.loopback().withAuth(BearerAuth.open().withGlobalPublishKey(KEY)));
        page = PageServer.serve("/web/whip-whep.html");
        chromium = Chromium.start();
        tab = chromium.open(page.url());
    }

    @AfterAll
    void stop() throws Exception {
        if (tab != null) {
            tab.close();
        }
        if (chromium != null) {
            chromium.close();
        }
        if (page != null) {
            page.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String js(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
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

        assertThat(tab.eval("stop('v1')").asInt()).isEqualTo(200);
        assertThat(tab.eval("stop('v2')").asInt()).isEqualTo(200);
        assertThat(tab.eval("stop('pub', " + js(KEY) + ")").asInt()).isEqualTo(200);
        assertThat(server.webrtc().sessionCount()).isZero();
        assertThat(server.webrtc().port().transportCount()).isZero();
        assertThat(server.webrtc().port().addressMappingCount()).isZero();
    }
}
