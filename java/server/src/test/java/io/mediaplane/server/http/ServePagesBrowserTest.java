package io.mediaplane.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mediaplane.testing.Chromium;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The pages of {@code mediaplane serve} in headless Chromium, driven like a person would: {@code /} shows the OBS
 * setup, {@code /publish} goes live with the fake camera over WHIP in H264, {@code /watch/{room}} plays it over WHEP
 * and its overlay shows what {@code getStats()} says; then the server-side views of the same stream: the snapshot,
 * the screen-watch feed, the room JSON and the Prometheus metrics. One server and one browser for the class;
 * screenshots of each page go to {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServePagesBrowserTest {
    private static final String KEY = "serve-pages-key-9c41";
    private static final String ROOM = "cam";
    private static final Path SHOTS = Path.of("target", "screenshots");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private MediaServer server;
    private Chromium chromium;
    private Chromium.Page publisher;
    private Chromium.Page viewer;
    /** What the publishing page reported sending. */
    private int width;
    private int height;

    @BeforeAll
    void start() throws Exception {
        server = MediaServer.start(MediaServer.Config.loopback()
                .withAuth(BearerAuth.open().withGlobalPublishKey(KEY))
                .withSite(m -> new SiteHandler(m, new SiteHandler.Setup("live", KEY, false))));
        chromium = Chromium.start();
    }

    @AfterAll
    void stop() throws Exception {
        try (MediaServer s = server; Chromium c = chromium; Chromium.Page p = publisher; Chromium.Page v = viewer) {
            // tabs, browser, then the server
        }
    }

    private String base() {
        return server.baseUri().toString();
    }

    private JsonNode waitFor(Chromium.Page page, String condition, String value, long millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (page.eval(condition).asBoolean()) {
                return page.eval(value);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not within " + millis + " ms: " + condition + "; now " + page.eval(value)
                + "\nconsole: " + page.console());
    }

    /**
     * Picks the publish page's settings as a person would, then presses Go live (DevTools' /json/new keeps only
     * the first parameter of a URL, so they are not passed in the query).
     */
    private static String goLive(String room, String source, String codec, String quality) {
        return "(async () => { await ready; document.getElementById('room').value = '" + room + "';"
                + " document.getElementById('source').value = '" + source + "';"
                + " document.getElementById('codec').value = '" + codec + "';"
                + " document.getElementById('quality').value = '" + quality + "'; await start(); })()";
    }

    @Test
    @Order(1)
    void frontPageShowsTheObsSetup() throws Exception {
        try (Chromium.Page front = chromium.open(base() + "/")) {
            JsonNode setup = waitFor(front, "document.getElementById('token').value !== ''",
                    "({url: document.getElementById('whip-url').value, token: document.getElementById('token').value,"
                            + " empty: !document.getElementById('empty').hidden})", 10_000);
            assertThat(setup.path("url").asText()).isEqualTo(base() + "/whip/live");
            assertThat(setup.path("token").asText()).isEqualTo(KEY); // the page was opened from this machine
            assertThat(setup.path("empty").asBoolean()).isTrue();
            front.screenshot(SHOTS.resolve("index-empty.png"), 1280, 800);
        }
    }

    @Test
    @Order(2)
    void publishPageGoesLiveAndWatchPageShowsItsStats() throws Exception {
        publisher = chromium.open(base() + "/publish");
        publisher.eval(goLive(ROOM, "camera", "video/H264", "480"));
        JsonNode sent = waitFor(publisher, "!!window.mpPublishStats && mpPublishStats.connectionState === "
                + "'connected' && mpPublishStats.framesEncoded > 30", "window.mpPublishStats", 30_000);
        width = sent.path("frameWidth").asInt();
        height = sent.path("frameHeight").asInt();
        assertThat(sent.path("codec").asText()).isEqualTo("video/H264");
        assertThat(width).isGreaterThan(0);
        assertThat(publisher.eval("document.getElementById('status').textContent").asText()).startsWith("Live");

        viewer = chromium.open(base() + "/watch/" + ROOM);
        viewer.bringToFront();
        JsonNode stats = waitFor(viewer, "!!window.mpStats && mpStats.framesDecoded >= 60 && mpStats.fps > 0"
                        + " && mpStats.bitrateKbps > 0",
                "window.mpStats", 30_000);
        System.out.println("watch page stats: " + stats + "; publisher sends " + width + "x" + height);
        assertThat(stats.path("width").asInt()).isEqualTo(width);
        assertThat(stats.path("height").asInt()).isEqualTo(height);
        assertThat(stats.path("codec").asText()).isEqualTo("video/H264");
        assertThat(stats.path("bitrateKbps").asInt()).isPositive();
        assertThat(stats.path("lossPercent").asDouble()).isBetween(0.0, 100.0);
        assertThat(stats.path("latencyMs").asInt()).isNotNegative();
        // the overlay shows the same figures a person reads
        JsonNode overlay = viewer.eval("({res: document.getElementById('o-res').textContent,"
                + " fps: document.getElementById('o-fps').textContent,"
                + " bitrate: document.getElementById('o-bitrate').textContent,"
                + " loss: document.getElementById('o-loss').textContent,"
                + " latency: document.getElementById('o-latency').textContent})");
        assertThat(overlay.path("res").asText()).isEqualTo(width + "×" + height);
        assertThat(Integer.parseInt(overlay.path("fps").asText())).isPositive();
        assertThat(overlay.path("bitrate").asText()).matches("[1-9][0-9]* kbit/s");
        assertThat(overlay.path("loss").asText()).matches("[0-9.]+ %");
        assertThat(overlay.path("latency").asText()).matches("[0-9]+ ms");
        // getStats() directly, not through the page's arithmetic; and the video element really plays
        waitFor(viewer, "document.getElementById('video').videoWidth > 0", "(() => { const v = "
                + "document.getElementById('video'); return {readyState: v.readyState, paused: v.paused, error: "
                + "v.error && v.error.message, tracks: v.srcObject ? v.srcObject.getTracks().map(t => t.kind + ':' + "
                + "t.readyState + ':' + t.muted) : null}; })()", 10_000);
        JsonNode direct = viewer.eval("(async () => { let v; (await session.pc.getStats()).forEach(s => {"
                + " if (s.type === 'inbound-rtp' && s.kind === 'video') v = s; });"
                + " return {framesDecoded: v.framesDecoded, w: v.frameWidth, playing: document.getElementById('video')"
                + ".videoWidth}; })()");
        assertThat(direct.path("framesDecoded").asInt()).isGreaterThanOrEqualTo(60);
        assertThat(direct.path("playing").asInt()).isEqualTo(width);
        publisher.bringToFront();
        publisher.screenshot(SHOTS.resolve("publish.png"), 1280, 900);
        viewer.bringToFront();
        viewer.screenshot(SHOTS.resolve("watch.png"), 1280, 900);

        try (Chromium.Page front = chromium.open(base() + "/")) {
            JsonNode card = waitFor(front, "(() => { const i = document.querySelector('.room[data-room=\"" + ROOM
                    + "\"] img'); return !!i && i.complete && i.naturalWidth > 0; })()",
                    "document.querySelector('.room[data-room=\"" + ROOM + "\"] .meta').textContent", 15_000);
            assertThat(card.asText()).contains("1 watching").contains("H264");
            front.screenshot(SHOTS.resolve("index-live.png"), 1280, 800);
        }
    }

    @Test
    @Order(3)
    void snapshotDecodesToThePublishedResolution() throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/rooms/" + ROOM
                + "/snapshot.jpg")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        BufferedImage full = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertThat(full.getWidth()).isEqualTo(width);
        assertThat(full.getHeight()).isEqualTo(height);
        assertThat(distinctLuma(full)).as("a picture, not a blank frame").isGreaterThan(16);

        HttpResponse<byte[]> small = http.send(HttpRequest.newBuilder(URI.create(base() + "/rooms/" + ROOM
                + "/snapshot.jpg?width=160")).build(), HttpResponse.BodyHandlers.ofByteArray());
        BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(small.body()));
        assertThat(thumb.getWidth()).isBetween(150, 160);
        assertThat(Math.abs(thumb.getHeight() - 160.0 * height / width)).isLessThan(6);

        HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(base()
                + "/rooms/nobody/snapshot.jpg")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base() + "/rooms/" + ROOM
                + "/snapshot.jpg?width=-4")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    private static int distinctLuma(BufferedImage image) {
        boolean[] seen = new boolean[256];
        int n = 0;
        for (int y = 0; y < image.getHeight(); y += 7) {
            for (int x = 0; x < image.getWidth(); x += 7) {
                int rgb = image.getRGB(x, y);
                int luma = ((rgb >> 16 & 0xFF) * 77 + (rgb >> 8 & 0xFF) * 150 + (rgb & 0xFF) * 29) >> 8;
                if (!seen[luma]) {
                    seen[luma] = true;
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    @Order(4)
    void framesFeedSendsSampledJpegsWithChangeScores() throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/rooms/" + ROOM
                + "/frames?fps=4")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String event = null;
            for (String line = in.readLine(); line != null && events.size() < 4; line = in.readLine()) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ") && "frame".equals(event)) {
                    events.add(JSON.readTree(line.substring(6)));
                }
            }
        }
        assertThat(events).hasSize(4);
        for (JsonNode e : events) {
            BufferedImage jpeg = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(e.path("jpeg")
                    .asText())));
            assertThat(jpeg.getWidth()).isEqualTo(width);
            assertThat(jpeg.getHeight()).isEqualTo(height);
            assertThat(e.path("change").asDouble()).isBetween(0.0, 1.0);
        }
        assertThat(events.getFirst().path("change").asDouble()).isEqualTo(1.0); // the first sample has nothing before
        assertThat(events.get(3).path("sequence").asLong()).isEqualTo(3);
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base() + "/rooms/" + ROOM
                + "/frames?fps=0")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    @Test
    @Order(5)
    void roomJsonAndMetricsMoveWithTheMedia() throws Exception {
        JsonNode room = JSON.readTree(get("/api/rooms/" + ROOM));
        assertThat(room.path("live").asBoolean()).isTrue();
        assertThat(room.path("viewerCount").asInt()).isEqualTo(1);
        assertThat(room.path("publisher").path("videoCodec").asText()).isEqualTo("H264");
        assertThat(room.path("publisher").path("rtpReceived").asLong()).isPositive();
        assertThat(room.path("video").path("width").asInt()).isEqualTo(width);
        assertThat(room.path("video").path("height").asInt()).isEqualTo(height);
        assertThat(room.path("video").path("fps").asDouble()).isPositive();
        assertThat(room.path("video").path("bitrateKbps").asLong()).isPositive();
        assertThat(room.path("viewers").get(0).path("rtpSent").asLong()).isPositive();
        assertThat(JSON.readTree(get("/api/rooms")).path("rooms")).anyMatch(n -> n.path("room").asText().equals(ROOM));

        Map<String, Double> first = metrics(get("/metrics"));
        Thread.sleep(2000);
        Map<String, Double> second = metrics(get("/metrics"));
        String received = "mediaplane_rtp_received_total{room=\"" + ROOM + "\"}";
        String sent = "mediaplane_rtp_sent_total{room=\"" + ROOM + "\"}";
        assertThat(first).containsKeys(received, sent, "mediaplane_rooms_live", "mediaplane_viewers");
        assertThat(second.get(received)).isGreaterThan(first.get(received));
        assertThat(second.get(sent)).isGreaterThan(first.get(sent));
        assertThat(second.get("mediaplane_rooms_live")).isEqualTo(1.0);
        assertThat(second.get("mediaplane_viewers")).isEqualTo(1.0);
        assertThat(second.get("mediaplane_media_port_datagrams_received_total"))
                .isGreaterThan(first.get("mediaplane_media_port_datagrams_received_total"));
        // the viewer's join asked the publisher for a keyframe (RFC 4585 PLI)
        assertThat(second.get("mediaplane_keyframe_requests_sent_total{room=\"" + ROOM + "\"}")).isPositive();
        assertThat(get("/healthz")).isEqualTo("ok\n");
    }

    @Test
    @Order(6)
    void vp8FromThePublishPageIsSnapshottedAndItsStopEndsTheRoom() throws Exception {
        try (Chromium.Page vp8 = chromium.open(base() + "/publish")) {
            vp8.eval(goLive("vp8", "screen", "video/VP8", "720")); // getDisplayMedia: a fake screen
            JsonNode sent = waitFor(vp8, "!!window.mpPublishStats && mpPublishStats.connectionState === "
                    + "'connected' && mpPublishStats.framesEncoded > 10", "window.mpPublishStats", 30_000);
            assertThat(sent.path("codec").asText()).isEqualTo("video/VP8");
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base()
                    + "/rooms/vp8/snapshot.jpg")).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode()).isEqualTo(200);
            BufferedImage picture = ImageIO.read(new ByteArrayInputStream(r.body()));
            assertThat(picture.getWidth()).isEqualTo(sent.path("frameWidth").asInt());
            assertThat(picture.getHeight()).isEqualTo(sent.path("frameHeight").asInt());
            JsonNode room = JSON.readTree(get("/api/rooms/vp8"));
            assertThat(room.path("publisher").path("videoCodec").asText()).isEqualTo("VP8");
            vp8.eval("stop()"); // DELETE of the WHIP session
            HttpResponse<String> gone = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/rooms/vp8"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(gone.statusCode()).isEqualTo(404);
        }
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }

    private static final Pattern SAMPLE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})?) "
                    + "(-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)$");

    /** Parses the Prometheus text exposition format (0.0.4): every line a comment or a sample, else it fails. */
    static Map<String, Double> metrics(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a Prometheus sample line: %s", line).isTrue();
            samples.put(m.group(1), Double.parseDouble(m.group(2).replace("+Inf", "Infinity")
                    .replace("-Inf", "-Infinity")));
        }
        return samples;
    }
}
