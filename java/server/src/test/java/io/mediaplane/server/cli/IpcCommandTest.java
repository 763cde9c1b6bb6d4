package io.mediaplane.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mediaplane ipc} as a control plane runs it: a child JVM whose stdin gets command lines and whose stdout must
 * hold nothing but frames.
 */
class IpcCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Run(int exit, byte[] stdout, String stderr) {}

    private static Run runIpc(String input) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "ipc").start();
        try {
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            try (OutputStream stdin = p.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("ipc exits at end of input").isTrue();
            return new Run(p.exitValue(), out.get(30, TimeUnit.SECONDS),
                    new String(err.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every byte of stdout as frames; fails if anything else was written there. */
    private static List<JsonNode> frames(byte[] stdout) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(stdout));
        List<JsonNode> events = new ArrayList<>();
        while (in.available() > 0) {
            int kind = in.readUnsignedByte();
            assertThat(kind).as("frame kind").isZero();
            int length = Integer.reverseBytes(in.readInt());
            assertThat(length).isBetween(0, in.available());
            byte[] payload = new byte[length];
            in.readFully(payload);
            events.add(JSON.readTree(payload));
        }
        return events;
    }

    @Test
    void stdoutCarriesOnlyFramesAndEndOfInputExitsZero() throws Exception {
        Run r = runIpc("""
                {"type":"join","guildId":"1","channelId":"2","selfMute":false}
                not json
                {"type":"music_play","url":"https://example.com/a.mp3"}
                {"type":"subscribe_user_video","userId":"3","maxFramesPerSecond":"fast"}
                {"type":"stream_publish_stop"}
                """);
        assertThat(r.exit()).as(r.stderr()).isZero();
        List<JsonNode> events = frames(r.stdout());
        assertThat(events).extracting(e -> e.get("type").asText())
                .containsExactly("adapter_send", "error", "error", "error");
        assertThat(events.get(0).get("payload").toString())
                .isEqualTo("{\"op\":4,\"d\":{\"guild_id\":\"1\",\"channel_id\":\"2\",\"self_mute\":false,\"self_deaf\":false}}");
        assertThat(events.get(1).get("code").asText()).isEqualTo("invalid_json");
        assertThat(events.get(2).get("code").asText()).isEqualTo("unsupported_command");
        assertThat(events.get(2).get("command").asText()).isEqualTo("music_play");
        assertThat(events.get(3).get("code").asText()).isEqualTo("invalid_request");
        assertThat(events.get(3).get("field").asText()).isEqualTo("maxFramesPerSecond");
        assertThat(r.stderr()).contains("ipc stopping: end_of_input");
    }

    @Test
    void destroyExitsZeroWithoutEndOfInput() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "ipc").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            OutputStream stdin = p.getOutputStream();
            stdin.write("{\"type\":\"destroy\"}\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush(); // stdin stays open: destroy alone must end the process
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(p.getInputStream().readAllBytes()).isEmpty();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void sigtermStopsTheDaemonThroughItsShutdownPath(@TempDir Path dir) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "ipc").redirectError(err.toFile()).start();
        try {
            OutputStream stdin = p.getOutputStream();
            stdin.write("{\"type\":\"stream_publish_pause\"}\n{\"type\":\"nope\"}\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            // the answer to the second line shows the daemon is up and has read both
            DataInputStream out = new DataInputStream(p.getInputStream());
            assertThat(out.readUnsignedByte()).isZero();
            byte[] payload = new byte[Integer.reverseBytes(out.readInt())];
            out.readFully(payload);
            assertThat(JSON.readTree(payload).get("code").asText()).isEqualTo("invalid_request");
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(128 + 15);
            assertThat(Files.readString(err))
                    .contains("mediaplane ipc: stopped by the JVM's shutdown (signal or exit); legs closed");
        } finally {
            p.destroyForcibly();
        }
    }
}
