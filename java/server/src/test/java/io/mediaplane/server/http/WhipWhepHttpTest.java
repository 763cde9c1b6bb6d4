package io.mediaplane.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every status code of the WHIP/WHEP endpoints (RFC 9725 §4, draft-ietf-wish-whep), over real HTTP on loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WhipWhepHttpTest {
    private static final String KEY = "room-key-9c1e";
    private final HttpClient http = HttpClient.newHttpClient();
    private MediaServer server;

    @BeforeAll
    void start() throws Exception {
        server = MediaServer.start(MediaServer.Config.loopback()
                .withAuth(BearerAuth.open().withPublishKey("locked", KEY).withViewKey("locked", "viewer-key")
                        .withMaxFailures(3)));
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    static String offer(String name) throws IOException {
        try (InputStream in = WhipWhepHttpTest.class.getResourceAsStream("/vectors/sdp/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private HttpResponse<String> send(String method, String path, String type, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            b.header("Content-Type", type);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String sdp, String... headers) throws Exception {
        return send("POST", path, "application/sdp", sdp, headers);
    }

    private static void assertProblem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.body()).contains("\"status\":" + status).containsPattern("\"detail\":\"[A-Z][^\"]{10,}\"");
    }

    @Test
    void preflightAnswersCorsAndAcceptPost() throws Exception {
        HttpResponse<String> r = send("OPTIONS", "/whip/room", null, null, "Origin", "http://127.0.0.1:1234",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type");
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Accept-Post")).hasValue("application/sdp");
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://127.0.0.1:1234");
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
                .contains("Content-Type", "Authorization", "If-Match");
        assertThat(r.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
                .contains("Location", "ETag", "Link");
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST");
    }

    @Test
    void publishCreatesASessionThatPatchAndDeleteReach() throws Exception {
        HttpResponse<String> r = post("/whip/life", offer("obs-30-publish.sdp"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/sdp");
        assertThat(r.body()).startsWith("v=0\r\n").contains("a=ice-lite\r\n", "a=rtcp-mux-only\r\n",
                "a=candidate:1 1 udp ", " 127.0.0.1 " + server.mediaPort() + " typ host");
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches("/whip/life/[A-Za-z0-9_-]{24}"); // 18 random bytes = 144 bits
        String etag = r.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).matches("\"[A-Za-z0-9_-]+\"");
        assertThat(server.webrtc().port().transportCount()).isEqualTo(1);

        // trickle: 204 and no body; a wrong entity-tag: 412; a wrong type: 415
        String trickle = "a=ice-ufrag:Pq4r\r\na=ice-pwd:b0X7mRUkWcGJxr3tV8hFqp\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n"
                + "a=mid:0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host\r\n";
        assertThat(send("PATCH", location, "application/trickle-ice-sdpfrag", trickle, "If-Match", etag)
                .statusCode()).isEqualTo(204);
        assertProblem(send("PATCH", location, "application/trickle-ice-sdpfrag", trickle, "If-Match", "\"x\""), 412);
        assertProblem(send("PATCH", location, "application/sdp", trickle), 415);
        assertProblem(send("PATCH", location, "application/trickle-ice-sdpfrag", "garbage\r\n"), 400);

        // ICE restart: new credentials → 200, our new ones in an sdpfrag, a new entity-tag
        String restart = "a=ice-ufrag:NeW1\r\na=ice-pwd:0123456789abcdefghijklmn\r\n";
        HttpResponse<String> rr = send("PATCH", location, "application/trickle-ice-sdpfrag", restart, "If-Match", "*");
        assertThat(rr.statusCode()).as(rr.body()).isEqualTo(200);
        assertThat(rr.headers().firstValue("Content-Type")).hasValue("application/trickle-ice-sdpfrag");
        assertThat(rr.body()).contains("a=ice-ufrag:", "a=ice-pwd:", "a=candidate:");
        String newTag = rr.headers().firstValue("ETag").orElseThrow();
        assertThat(newTag).isNotEqualTo(etag);
        String oldUfrag = r.body().replaceAll("(?s).*a=ice-ufrag:([^\r]*).*", "$1");
        assertThat(rr.body()).doesNotContain("a=ice-ufrag:" + oldUfrag + "\r\n");

        assertThat(send("DELETE", location, null, null).statusCode()).isEqualTo(200);
        assertThat(server.webrtc().port().transportCount()).isZero();
        assertProblem(send("DELETE", location, null, null), 404);
        assertProblem(send("PATCH", location, "application/trickle-ice-sdpfrag", trickle), 404);
    }

    @Test
    void wrongContentTypeIs415() throws Exception {
        assertProblem(send("POST", "/whip/t", "text/plain", offer("obs-30-publish.sdp")), 415);
        assertProblem(send("POST", "/whip/t", null, offer("obs-30-publish.sdp")), 415);
    }

    @Test
    void malformedSdpIs400() throws Exception {
        assertProblem(post("/whip/m", "this is not SDP"), 400);
    }

    @Test
    void noAcceptableCodecIs406() throws Exception {
        String vp9 = offer("obs-30-publish.sdp").replace("a=rtpmap:96 H264/90000", "a=rtpmap:96 VP9/90000");
        HttpResponse<String> r = post("/whip/c", vp9);
        assertProblem(r, 406);
        assertThat(r.body()).contains("VP9");
    }

    @Test
    void unusableOfferIs422() throws Exception {
        assertProblem(post("/whip/u", offer("obs-30-publish.sdp").replace("a=sendonly", "a=recvonly")), 422);
    }

    @Test
    void bodyOver64KiBIs413() throws Exception {
        String big = offer("obs-30-publish.sdp") + ("a=x-padding:" + "p".repeat(1000) + "\r\n").repeat(70);
        assertProblem(post("/whip/big", big), 413);
    }

    @Test
    void viewerWithoutPublisherIs409WithRetryAfter() throws Exception {
        HttpResponse<String> r = post("/whep/empty", offer("chromium-156-view.sdp"));
        assertProblem(r, 409);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
    }

    @Test
    void unknownPathsAndMethodsAreRefused() throws Exception {
        assertProblem(send("GET", "/nothing", null, null), 404);
        assertProblem(send("PUT", "/whip/x", "application/sdp", "v=0"), 405);
        assertProblem(send("DELETE", "/whip/x/AAAAAAAAAAAAAAAAAAAAAAAA", null, null), 404);
    }

    @Test
    void bearerKeysPerRoomWithOrWithoutPrefixAndLockout() throws Exception {
        String obs = offer("obs-30-publish.sdp");
        assertProblem(post("/whip/locked", obs), 401);
        HttpResponse<String> ok = post("/whip/locked", obs, "Authorization", "Bearer " + KEY);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        HttpResponse<String> bare = post("/whip/locked", obs, "Authorization", KEY);
        assertThat(bare.statusCode()).as(bare.body()).isEqualTo(201); // replaces the first publisher
        // viewers have their own key; the publish key does not let one watch
        assertProblem(post("/whep/locked", offer("chromium-156-view.sdp"), "Authorization", "Bearer " + KEY), 401);
        HttpResponse<String> view = post("/whep/locked", offer("chromium-156-view.sdp"), "Authorization",
                "Bearer viewer-key");
        assertThat(view.statusCode()).as(view.body()).isEqualTo(201);
        // other rooms stay open
        assertThat(post("/whip/open-room", obs).statusCode()).isEqualTo(201);
    }

    @Test
    void repeatedFailuresFromOneAddressAre429() throws Exception {
        MediaServer s = MediaServer.start(MediaServer.Config.loopback()
                .withAuth(BearerAuth.open().withGlobalPublishKey(KEY).withMaxFailures(3)));
        try {
            HttpClient c = HttpClient.newHttpClient();
            int[] statuses = new int[5];
            for (int i = 0; i < statuses.length; i++) {
                statuses[i] = c.send(HttpRequest.newBuilder(URI.create(s.baseUri() + "/whip/r"))
                        .header("Content-Type", "application/sdp").header("Authorization", "Bearer wrong")
                        .POST(HttpRequest.BodyPublishers.ofString(offer("obs-30-publish.sdp"))).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode();
            }
            assertThat(statuses).containsExactly(401, 401, 429, 429, 429);
            // even the right key waits out the lockout
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(s.baseUri() + "/whip/r"))
                    .header("Content-Type", "application/sdp").header("Authorization", "Bearer " + KEY)
                    .POST(HttpRequest.BodyPublishers.ofString(offer("obs-30-publish.sdp"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
        } finally {
            s.close();
        }
    }

    @Test
    void capacityReachedIs503WithRetryAfter() throws Exception {
        MediaServer s = MediaServer.start(MediaServer.Config.loopback()
                .withWebRtc(io.mediaplane.webrtc.WebRtcService.Config.loopback().withLimits(2, 1)));
        try {
            HttpClient c = HttpClient.newHttpClient();
            java.util.function.BiFunction<String, String, Integer> post = (path, sdp) -> {
                try {
                    HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(s.baseUri() + path))
                            .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(sdp))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 503) {
                        assertThat(r.headers().firstValue("Retry-After")).isPresent();
                        assertThat(r.body()).contains("limit");
                    }
                    return r.statusCode();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            assertThat(post.apply("/whip/a", offer("obs-30-publish.sdp"))).isEqualTo(201);
            assertThat(post.apply("/whep/a", offer("chromium-156-view.sdp"))).isEqualTo(201);
            assertThat(post.apply("/whep/a", offer("chromium-156-view.sdp"))).isEqualTo(503); // 1 viewer per room
            assertThat(post.apply("/whip/b", offer("obs-30-publish.sdp"))).isEqualTo(503); // 2 sessions in all
        } finally {
            s.close();
        }
        assertThat(s.webrtc().sessionCount()).isZero();
    }
}
