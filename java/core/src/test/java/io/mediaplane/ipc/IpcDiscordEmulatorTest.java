package io.mediaplane.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediaplane.codec.H264;
import io.mediaplane.codec.H264TestStreams;
import io.mediaplane.discord.AccessUnitSplitter;
import io.mediaplane.discord.FfmpegH264Source;
import io.mediaplane.discord.PublishSettings;
import io.mediaplane.discord.emulator.VoiceServerEmulator;
import io.mediaplane.testing.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole path a clankvox control plane drives: the IPC daemon, over pipes, connects a {@code stream_publish}
 * and a {@code stream_watch} leg (and the main voice leg) to the Discord voice server emulator, publishes a clip
 * through FFmpeg, and gets the watcher's video state and frame events back as frames on its stdout.
 */
class IpcDiscordEmulatorTest {
    static final String RTC_SERVER = "990001";
    static final String DAVE_CHANNEL = "990000"; // rtc_server_id - 1, as the control plane computes it
    static final String PUBLISHER = "111";
    static final String WATCHER = "222";
    static final int CLIP_FRAMES = 60;

    @TempDir
    Path dir;

    /** @param decode decoded_video_frame JPEGs (true) or the encoded frames as user_video_frame (false) */
    private static IpcHarness daemon(boolean decode) throws Exception {
        return new IpcHarness(events -> new DiscordMediaBackend(events,
                b -> b.keepalive(Duration.ofMillis(200), 5).handshakeTimeout(Duration.ofSeconds(5)), decode));
    }

    /** A 2 s test pattern as an MP4, and the access units FFmpeg makes of it with the publish leg's encoding. */
    private record Clip(Path file, List<byte[]> accessUnits) {}

    private Clip clip() throws Exception {
        Peers.require("ffmpeg", "ffmpeg");
        Path mp4 = dir.resolve("clip.mp4");
        run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
                "-frames:v", String.valueOf(CLIP_FRAMES), "-c:v", "libx264", "-pix_fmt", "yuv420p", mp4.toString()));
        // the same encoder settings the publish source uses, without real-time pacing, for the expected units
        Path h264 = dir.resolve("expected.h264");
        List<String> cmd = new ArrayList<>(FfmpegH264Source.command("ffmpeg", mp4.toString(), PublishSettings.DEFAULT, false));
        cmd.set(cmd.size() - 1, h264.toString());
        cmd.add(cmd.size() - 1, "-y");
        run(cmd);
        byte[] stream = Files.readAllBytes(h264);
        List<byte[]> units = new ArrayList<>();
        AccessUnitSplitter splitter = new AccessUnitSplitter(units::add, 8 << 20);
        splitter.feed(stream, 0, stream.length);
        splitter.finish();
        return new Clip(mp4, units);
    }

    private static void run(List<String> command) throws Exception {
        try (Peers.Running p = Peers.start(command)) {
            assertThat(p.awaitExit(120)).as("%s:\n%s", command, p.output()).isZero();
        }
    }

    private static String connect(String type, VoiceServerEmulator emulator, String user, String session) {
        return "{\"type\":\"" + type + "\",\"endpoint\":\"" + emulator.endpoint() + "\",\"token\":\"token-" + user
                + "\",\"serverId\":\"" + RTC_SERVER + "\",\"sessionId\":\"" + session + "\",\"userId\":\"" + user
                + "\",\"daveChannelId\":\"" + DAVE_CHANNEL + "\"}";
    }

    /** Waits for {@code transport_state} of {@code role} with {@code status}, collecting everything else seen. */
    private static JsonNode awaitTransport(IpcHarness ipc, String role, String status, List<JsonNode> seen)
            throws InterruptedException {
        while (true) {
            Frames.Frame f = ipc.next();
            JsonNode e = f.json();
            seen.add(e);
            if (e.path("type").asText().equals("error") && !e.path("code").asText().equals("invalid_request")) {
                throw new AssertionError("error event: " + e);
            }
            if (e.path("type").asText().equals("transport_state") && e.path("role").asText().equals(role)
                    && e.path("status").asText().equals(status)) {
                return e;
            }
        }
    }

    /**
     * @param dave the emulator plays Discord's DAVE side: each leg's own DAVE session (group rtc_server_id − 1)
     *             joins the MLS group before the clip is played, every frame crosses the emulator with DAVE's
     *             trailer and reaches the control plane opened ({@code daveDecrypted})
     */
    @ParameterizedTest(name = "dave={0}")
    @ValueSource(booleans = {false, true})
    void aControlPlanePublishesAClipAndWatchesItsEncodedFramesThroughTheEmulator(boolean dave) throws Exception {
        Clip clip = clip();
        assertThat(clip.accessUnits()).hasSizeGreaterThanOrEqualTo(CLIP_FRAMES);
        List<JsonNode> seen = new ArrayList<>();
        try (VoiceServerEmulator emulator = dave ? VoiceServerEmulator.start().enableDave()
                : VoiceServerEmulator.start(); IpcHarness ipc = daemon(false)) {
            ipc.send(connect("stream_publish_connect", emulator, PUBLISHER, "s1"));
            awaitTransport(ipc, "stream_publish", "ready", seen);
            ipc.send(connect("stream_watch_connect", emulator, WATCHER, "s2"));
            awaitTransport(ipc, "stream_watch", "ready", seen);
            if (dave) {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (emulator.daveTransitions(RTC_SERVER) < 1 && System.nanoTime() - deadline < 0) {
                    Thread.sleep(20);
                }
                assertThat(emulator.daveTransitions(RTC_SERVER)).as("the legs' MLS group formed").isEqualTo(1);
                assertThat(emulator.session(RTC_SERVER, Long.parseLong(WATCHER)).daveVersion()).isEqualTo(1);
            }
            assertThat(seen).anySatisfy(e -> assertThat(e.toString())
                    .isEqualTo("{\"type\":\"transport_state\",\"role\":\"stream_publish\",\"status\":\"connecting\"}"));

            ipc.send("{\"type\":\"subscribe_user_video\",\"userId\":\"" + PUBLISHER + "\",\"maxFramesPerSecond\":30}");
            ipc.send("{\"type\":\"stream_publish_play\",\"url\":\"" + clip.file() + "\",\"resolvedDirectUrl\":true}");
            awaitTransport(ipc, "stream_publish", "playing", seen);

            // the watcher learns of the stream, then gets its frames
            Map<Long, byte[]> framesByTimestamp = new HashMap<>();
            // the announcement may come before the publish leg reports playing
            JsonNode state = seen.stream().filter(e -> e.path("type").asText().equals("user_video_state"))
                    .reduce((a, b) -> b).orElse(null);
            long firstTimestamp = -1;
            while (framesByTimestamp.size() < CLIP_FRAMES) {
                Frames.Frame next = ipc.poll(IpcHarness.WAIT);
                if (next == null) {
                    throw new AssertionError("got " + framesByTimestamp.size() + " of " + CLIP_FRAMES
                            + " frames; other events: " + seen);
                }
                JsonNode e = next.json();
                switch (e.path("type").asText()) {
                    case "user_video_state" -> state = e;
                    case "user_video_frame" -> {
                        assertThat(state).as("user_video_state comes before the first frame").isNotNull();
                        assertThat(e.path("userId").asText()).isEqualTo(PUBLISHER);
                        assertThat(e.path("codec").asText()).isEqualTo("H264");
                        assertThat(e.path("daveDecrypted").asBoolean()).as("opened by DAVE").isEqualTo(dave);
                        long ts = e.path("rtpTimestamp").asLong();
                        byte[] au = Base64.getDecoder().decode(e.path("frameBase64").asText());
                        if (firstTimestamp < 0) {
                            firstTimestamp = ts;
                            assertThat(e.path("keyframe").asBoolean()).as("the first frame a viewer gets").isTrue();
                            assertThat(H264TestStreams.nalTypes(au)).contains(H264.SPS, H264.PPS, H264.IDR_SLICE);
                        }
                        framesByTimestamp.put(ts, au);
                    }
                    case "error" -> throw new AssertionError("error event: " + e);
                    default -> seen.add(e);
                }
            }
            assertThat(state.path("userId").asText()).isEqualTo(PUBLISHER);
            assertThat(state.path("codec").asText()).isEqualTo("H264");
            assertThat(state.path("streams")).anySatisfy(s -> assertThat(s.path("active").asBoolean()).isTrue());

            // the frames sit one 30 fps interval apart at 90 kHz, each with the NAL unit types of the clip's unit at
            // that position (the encoder's slice bits may differ between two runs), keyframes every 30 frames
            List<Long> timestamps = framesByTimestamp.keySet().stream().sorted().toList();
            assertThat(timestamps.getLast() - timestamps.getFirst()).isEqualTo(3000L * (CLIP_FRAMES - 1));
            for (int i = 0; i < CLIP_FRAMES; i++) {
                byte[] au = framesByTimestamp.get(timestamps.get(i));
                assertThat(H264TestStreams.nalTypes(au)).as("frame %d", i).isEqualTo(H264TestStreams.nalTypes(clip.accessUnits().get(i)));
                assertThat(H264TestStreams.nalTypes(au).contains(H264.IDR_SLICE)).as("frame %d", i).isEqualTo(i % 30 == 0);
            }
            // and together they are a stream FFmpeg decodes without complaint into every frame of the clip
            Path received = dir.resolve("received.h264");
            try (var out = Files.newOutputStream(received)) {
                for (long ts : timestamps) {
                    out.write(framesByTimestamp.get(ts));
                }
            }
            Path md5 = dir.resolve("received.framemd5");
            try (Peers.Running p = Peers.start(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-y",
                    "-i", received.toString(), "-f", "framemd5", md5.toString()))) {
                assertThat(p.awaitExit(120)).isZero();
                assertThat(p.output()).as("FFmpeg's complaints").isBlank();
            }
            assertThat(Files.readAllLines(md5).stream().filter(l -> !l.startsWith("#"))).hasSize(CLIP_FRAMES);
            VoiceServerEmulator.Session onWire = emulator.session(RTC_SERVER, Long.parseLong(PUBLISHER));
            if (dave) {
                assertThat(onWire.daveFrames()).as("frames with DAVE's trailer on the wire")
                        .isGreaterThanOrEqualTo(CLIP_FRAMES);
                assertThat(onWire.clearFrames()).as("frames without it").isZero();
            } else {
                assertThat(onWire.daveFrames()).isZero();
            }

            ipc.send("{\"type\":\"stream_publish_stop\"}");
            JsonNode end = null;
            while (end == null) {
                JsonNode e = ipc.next().json();
                if (e.path("type").asText().equals("user_video_end")) {
                    end = e;
                }
            }
            assertThat(end.path("userId").asText()).isEqualTo(PUBLISHER);

            ipc.send("{\"type\":\"stream_watch_disconnect\",\"reason\":\"done\"}");
            awaitTransport(ipc, "stream_watch", "disconnected", seen);
            assertThat(ipc.endInput()).isEqualTo(IpcDaemon.Stop.END_OF_INPUT);
        }
        assertThat(seen).noneSatisfy(e -> assertThat(e.path("type").asText()).isEqualTo("error"));
        assertLegThreadsEnd();
    }

    @Test
    void pushedPngFramesArePublishedAndWatchedAsDecodedJpegs() throws Exception {
        Peers.require("ffmpeg", "ffmpeg");
        run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
                "-frames:v", "45", dir.resolve("f%02d.png").toString()));
        List<JsonNode> seen = new ArrayList<>();
        try (VoiceServerEmulator emulator = VoiceServerEmulator.start(); IpcHarness ipc = daemon(true)) {
            ipc.send(connect("stream_watch_connect", emulator, WATCHER, "s2"));
            awaitTransport(ipc, "stream_watch", "ready", seen);
            ipc.send("{\"type\":\"subscribe_user_video\",\"userId\":\"" + PUBLISHER
                    + "\",\"maxFramesPerSecond\":10,\"jpegQuality\":80,\"preferredPixelCount\":230400}");
            // the source comes before its leg, as a control plane may send it: it waits for the leg to be ready
            ipc.send("{\"type\":\"stream_publish_browser_start\",\"mimeType\":\"image/png\"}");
            ipc.send(connect("stream_publish_connect", emulator, PUBLISHER, "s1"));
            awaitTransport(ipc, "stream_publish", "ready", seen);
            awaitTransport(ipc, "stream_publish", "playing", seen);
            for (int i = 1; i <= 45; i++) {
                String png = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve(String.format("f%02d.png", i))));
                ipc.send("{\"type\":\"stream_publish_browser_frame\",\"mimeType\":\"image/png\",\"frameBase64\":\""
                        + png + "\",\"capturedAtMs\":" + (1000 + 33 * i) + "}");
                Thread.sleep(33); // a browser's capture pace: FFmpeg stamps frames by arrival
            }
            // decoded pictures come back as JPEGs, rate-limited and scored
            List<JsonNode> decoded = new ArrayList<>();
            while (decoded.size() < 3) {
                Frames.Frame next = ipc.poll(IpcHarness.WAIT);
                if (next == null) {
                    throw new AssertionError("got " + decoded.size() + " decoded frames; other events: " + seen);
                }
                JsonNode e = next.json();
                assertThat(e.path("type").asText()).isNotIn("error", "user_video_frame");
                if (e.path("type").asText().equals("decoded_video_frame")) {
                    decoded.add(e);
                } else {
                    seen.add(e);
                }
            }
            for (JsonNode e : decoded) {
                assertThat(e.path("userId").asText()).isEqualTo(PUBLISHER);
                byte[] jpeg = Base64.getDecoder().decode(e.path("jpegBase64").asText());
                java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
                assertThat(image).as("a JPEG ImageIO reads").isNotNull();
                // 1280x720 published, shrunk to at most the preferred 230400 pixels (640x360)
                assertThat(image.getWidth()).isEqualTo(e.path("width").asInt()).isEqualTo(640);
                assertThat(image.getHeight()).isEqualTo(e.path("height").asInt()).isEqualTo(360);
                assertThat(e.path("changeScore").asDouble()).isBetween(0.0, 1.0);
                assertThat(e.path("emaChangeScore").asDouble()).isBetween(0.0, 1.0);
                assertThat(e.has("isSceneCut")).isTrue();
            }
            assertThat(decoded.get(0).path("changeScore").asDouble()).as("the first sample").isEqualTo(1.0);
            ipc.send("{\"type\":\"stream_publish_stop\"}");
            awaitTransport(ipc, "stream_publish", "ready", seen);
            assertThat(ipc.endInput()).isEqualTo(IpcDaemon.Stop.END_OF_INPUT);
        }
        assertLegThreadsEnd();
    }

    @Test
    void theVoiceLegConnectsFromJoinAndTheGatewayMirrors() throws Exception {
        List<JsonNode> seen = new ArrayList<>();
        try (VoiceServerEmulator emulator = VoiceServerEmulator.start().enableDave(); IpcHarness ipc = daemon(true)) {
            ipc.send("{\"type\":\"join\",\"guildId\":\"4200\",\"channelId\":\"4201\",\"selfMute\":false}");
            assertThat(ipc.next("adapter_send").json().path("payload").path("op").asInt()).isEqualTo(4);
            ipc.send("{\"type\":\"voice_state\",\"data\":{\"session_id\":\"vs1\",\"user_id\":\"" + WATCHER
                    + "\",\"channel_id\":\"4201\"}}");
            ipc.send("{\"type\":\"voice_server\",\"data\":{\"token\":\"vt\",\"guild_id\":\"4200\",\"endpoint\":\""
                    + emulator.endpoint() + "\"}}");
            awaitTransport(ipc, "voice", "ready", seen);
            JsonNode e;
            do {
                e = ipc.next().json();
                seen.add(e);
            } while (!e.path("type").asText().equals("connection_state"));
            assertThat(e.path("status").asText()).isEqualTo("ready");
            assertThat(seen).anySatisfy(x -> assertThat(x.path("type").asText()).isEqualTo("ready"));
            assertThat(emulator.session("4200", Long.parseLong(WATCHER))).isNotNull();
            // the voice leg offers DAVE and, given version 1, starts MLS with a key package for channel 4201's group
            assertThat(emulator.received(0)).anySatisfy(r -> {
                assertThat(r.d().path("max_dave_protocol_version").asInt()).isEqualTo(1);
                assertThat(r.d().path("channel_id").asText()).isEqualTo("4201");
            });
            assertThat(emulator.session("4200", Long.parseLong(WATCHER)).daveVersion()).isEqualTo(1);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (emulator.received(26).isEmpty() && System.nanoTime() - deadline < 0) {
                Thread.sleep(20);
            }
            assertThat(emulator.received(26)).as("key package").isNotEmpty();

            // leaving the channel disconnects the leg
            ipc.send("{\"type\":\"voice_state\",\"data\":{\"session_id\":\"vs1\",\"user_id\":\"" + WATCHER
                    + "\",\"channel_id\":null}}");
            awaitTransport(ipc, "voice", "disconnected", seen);
            assertThat(ipc.endInput()).isEqualTo(IpcDaemon.Stop.END_OF_INPUT);
        }
        assertLegThreadsEnd();
    }

    /** The daemon's and the legs' threads are gone once the daemon has stopped (leg threads end asynchronously). */
    private static void assertLegThreadsEnd() throws InterruptedException {
        List<String> alive = List.of();
        for (int i = 0; i < 100; i++) {
            alive = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                    .filter(n -> n.startsWith("mediaplane-ipc") || n.startsWith("discord-") || n.startsWith("ffmpeg-"))
                    .toList();
            if (alive.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(alive).as("threads left running").isEmpty();
    }
}
