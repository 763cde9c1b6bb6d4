package io.mediaplane.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mediaplane.testing.Peers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * werift (npm, pinned in core's {@code peers/werift}) configured like OBS Studio 30+'s WHIP output
 * ({@code obs-publisher.js}: audio then video, Opus PT 111 on SSRC base, H264 PT 96 on base+1, no candidates),
 * fed by Debian's FFmpeg encoding a test pattern (libx264 baseline, no B-frames, a fixed keyframe interval) and a
 * tone (libopus) to plain RTP on loopback. Closing stops FFmpeg, lets the publisher DELETE its session and stops it.
 */
final class ObsShapedPublisher implements AutoCloseable {
    private static final Path PEER = Path.of("../core/src/test/resources/peers/werift");
    private static final ObjectMapper JSON = new ObjectMapper();

    final JsonNode posted;
    private final Process node;
    private final Path nodeLog;
    private final LinkedBlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();
    private volatile JsonNode lastStats;
    private Peers.Running ffmpeg;

    /** {@code npm ci} of the pinned werift into a fresh temporary folder; delete it with {@link #remove}. */
    static Path install() throws Exception {
        Path node = Peers.require("node", "nodejs");
        Path npm = Peers.require("npm", "npm");
        assertThat(node).isNotNull();
        Path work = Files.createTempDirectory("mediaplane-werift-obs");
        for (String f : List.of("package.json", "package-lock.json", "obs-publisher.js")) {
            Files.copy(PEER.resolve(f), work.resolve(f));
        }
        Process p = new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund").directory(work.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("npm ci:\n" + out).isZero();
        return work;
    }

    static void remove(Path work) throws IOException {
        if (work != null) {
            try (Stream<Path> all = Files.walk(work)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private ObsShapedPublisher(Path work, String whipUrl, String key, long baseSsrc) throws Exception {
        nodeLog = Files.createTempFile("werift-obs", ".log");
        node = new ProcessBuilder(Peers.require("node", "nodejs").toString(), "obs-publisher.js", whipUrl, key,
                Long.toString(baseSsrc)).directory(work.toFile()).redirectError(nodeLog.toFile()).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    JsonNode j = JSON.readTree(line);
                    if (j.has("stats")) {
                        lastStats = j.get("stats");
                    } else {
                        lines.add(j);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "werift-obs-stdout");
        reader.setDaemon(true);
        reader.start();
        posted = next("status", 30);
    }

    /**
     * Starts the publisher: it POSTs its offer; on 201 FFmpeg starts sending a {@code width}x{@code height} 30 fps
     * pattern with a keyframe every {@code keyframeInterval} frames, and 48 kHz stereo Opus, for {@code seconds}.
     */
    static ObsShapedPublisher start(Path work, String whipUrl, String key, long baseSsrc, int keyframeInterval,
                                    int seconds) throws Exception {
        ObsShapedPublisher p = new ObsShapedPublisher(work, whipUrl, key, baseSsrc);
        if (p.posted.path("status").asInt() != 201) {
            return p;
        }
        int video = p.posted.path("videoPort").asInt();
        int audio = p.posted.path("audioPort").asInt();
        p.ffmpeg = Peers.start(List.of(Peers.require("ffmpeg", "ffmpeg").toString(), "-hide_banner", "-nostdin",
                "-loglevel", "warning", "-re", "-f", "lavfi", "-i", "testsrc2=size=640x480:rate=30", "-f", "lavfi",
                "-i", "sine=frequency=440:sample_rate=48000", "-t", Integer.toString(seconds),
                "-map", "0:v", "-c:v", "libx264", "-profile:v", "baseline", "-bf", "0", "-tune", "zerolatency",
                "-pix_fmt", "yuv420p", "-g", Integer.toString(keyframeInterval), "-keyint_min",
                Integer.toString(keyframeInterval), "-sc_threshold", "0", "-b:v", "1M",
                "-f", "rtp", "-payload_type", "96", "rtp://127.0.0.1:" + video + "?pkt_size=1200",
                "-map", "1:a", "-c:a", "libopus", "-ac", "2", "-b:a", "64k",
                "-f", "rtp", "-payload_type", "111", "rtp://127.0.0.1:" + audio + "?pkt_size=1200"));
        return p;
    }

    /** The next event line that has {@code field}, or a failure after {@code seconds}. */
    JsonNode next(String field, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            JsonNode j = lines.poll(100, TimeUnit.MILLISECONDS);
            if (j != null && j.has(field)) {
                return j;
            }
        }
        throw new AssertionError("no \"" + field + "\" from the werift publisher in " + seconds + " s; log:\n"
                + log());
    }

    /** Packets werift sent per track and PLIs it received, as of its last once-a-second report (or null). */
    JsonNode stats() {
        return lastStats;
    }

    String log() {
        try {
            return Files.readString(nodeLog) + (ffmpeg == null ? "" : "\nFFmpeg:\n" + ffmpeg.output());
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Stops FFmpeg, closes the publisher's stdin (it DELETEs its session) and returns the DELETE status. */
    int stop() throws Exception {
        if (ffmpeg != null) {
            ffmpeg.close();
            ffmpeg = null;
        }
        if (!node.isAlive()) {
            return -1;
        }
        node.getOutputStream().close();
        return next("deleted", 10).path("deleted").asInt();
    }

    @Override
    public void close() throws Exception {
        try {
            if (ffmpeg != null) {
                ffmpeg.close();
            }
        } finally {
            if (node.isAlive()) {
                node.destroy();
                if (!node.waitFor(5, TimeUnit.SECONDS)) {
                    node.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            Files.deleteIfExists(nodeLog);
        }
    }
}
