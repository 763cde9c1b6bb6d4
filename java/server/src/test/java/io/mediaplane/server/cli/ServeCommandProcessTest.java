package io.mediaplane.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediaplane.testing.Chromium;
import io.mediaplane.testing.Ffmpeg8;
import io.mediaplane.testing.Peers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's main command as a person runs it: {@code mediaplane serve} in its own JVM (ephemeral ports), FFmpeg
 * 8 publishing to the WHIP URL and key it printed, a Chromium viewer on the watch page it printed; then SIGTERM
 * (what Ctrl-C sends through a shell is SIGINT, which the JVM handles the same way) stops it cleanly.
 */
class ServeCommandProcessTest {
    private static final String KEY = "process-key-77e2";

    @Test
    void serveBringsUpAServerThatFfmpegPublishesToAndChromiumWatches() throws Exception {
        List<String> serve = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--http-port", "0", "--media-port", "0", "--stream-key", KEY);
        try (Peers.Running server = Peers.start(serve)) {
            String whip = printed(server, "WHIP \\(OBS, FFmpeg\\) +(\\S+)");
            String watch = printed(server, "watch +(\\S+)");
            assertThat(whip).endsWith("/whip/live");
            assertThat(server.output()).contains("stream key         " + KEY);
            List<String> cmd = new ArrayList<>(Ffmpeg8.command());
            cmd.addAll(List.of("-hide_banner", "-nostdin", "-re", "-f", "lavfi", "-i",
                    "testsrc2=size=640x480:rate=30", "-f", "lavfi", "-i", "sine=frequency=440", "-t", "40",
                    "-c:v", "libopenh264", "-b:v", "1M", "-g", "30", "-bf", "0", "-c:a", "libopus", "-ac", "2",
                    "-f", "whip", "-authorization", KEY, whip));
            try (Peers.Running ffmpeg = Peers.start(cmd);
                 Chromium chromium = Chromium.start();
                 Chromium.Page tab = chromium.open(watch)) {
                tab.bringToFront();
                JsonNode stats = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() < deadline) {
                    stats = tab.eval("window.mpStats");
                    if (stats != null && stats.path("framesDecoded").asInt() >= 30) {
                        break;
                    }
                    Thread.sleep(250);
                }
                System.out.println("serve + FFmpeg 8 + Chromium: " + stats);
                assertThat(stats).as("viewer stats; server:\n%s\nFFmpeg:\n%s", server.output(), ffmpeg.output())
                        .isNotNull();
                assertThat(stats.path("framesDecoded").asInt()).isGreaterThanOrEqualTo(30);
                assertThat(stats.path("width").asInt()).isEqualTo(640);
                assertThat(stats.path("height").asInt()).isEqualTo(480);
                assertThat(stats.path("codec").asText()).isEqualTo("video/H264");
                awaitOutput(server, "viewer connected");

                server.process().destroy(); // SIGTERM, while the publisher and the viewer are connected
                assertThat(server.process().waitFor(20, TimeUnit.SECONDS)).as(server.output()).isTrue();
            }
            String log = server.output();
            System.out.println(log);
            assertThat(log).contains("publisher connected  room=live").contains("video=H264 audio=OPUS")
                    .contains("viewer connected     room=live").contains("stopping: closing 2 session(s)")
                    .contains("stopped");
            assertThat(log).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    private static String printed(Peers.Running p, String regex) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(p.output());
            if (m.find()) {
                return m.group(1);
            }
            assertThat(p.process().isAlive()).as("serve exited:\n%s", p.output()).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("serve did not print " + regex + ":\n" + p.output());
    }

    private static void awaitOutput(Peers.Running p, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!p.output().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(p.output()).contains(text);
    }
}
