package io.mediaplane.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediaplane.server.http.MediaServer;
import io.mediaplane.webrtc.LateJoin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Where {@code serve} takes each setting from: the command line, then the environment, then the file, then defaults. */
class ServeCommandSettingsTest {
    @TempDir
    Path dir;

    private static ServeCommand.Settings parse(Map<String, String> env, String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        return serve.settings(env);
    }

    @Test
    void defaultsListenOnLoopbackAndGenerateAKey() {
        ServeCommand.Settings s = parse(Map.of());
        assertThat(s.httpAddress()).isEqualTo("127.0.0.1");
        assertThat(s.httpPort()).isEqualTo(8080);
        assertThat(s.mediaAddress()).isEqualTo("127.0.0.1");
        assertThat(s.mediaPort()).isEqualTo(8189);
        assertThat(s.room()).isEqualTo("live");
        assertThat(s.keyGenerated()).isTrue();
        assertThat(s.streamKey()).hasSize(24).isNotEqualTo(parse(Map.of()).streamKey());
        assertThat(s.open()).isFalse();
        assertThat(s.maxSessions()).isEqualTo(1000);
        assertThat(s.maxViewers()).isEqualTo(500);
        assertThat(s.tlsCert()).isNull();
        assertThat(s.lateJoin()).isEqualTo(LateJoin.GOP_REPLAY);
    }

    @Test
    void lateJoinComesFromTheFlagTheEnvironmentOrTheFile() throws Exception {
        Path file = dir.resolve("serve.properties");
        Files.writeString(file, "late-join = keyframe-request\n");
        assertThat(parse(Map.of(), "--config", file.toString()).lateJoin()).isEqualTo(LateJoin.KEYFRAME_REQUEST);
        assertThat(parse(Map.of("MEDIAPLANE_LATE_JOIN", "gop-replay-spaced"), "--config", file.toString()).lateJoin())
                .isEqualTo(LateJoin.GOP_REPLAY_SPACED);
        assertThat(parse(Map.of("MEDIAPLANE_LATE_JOIN", "gop-replay-spaced"), "--config", file.toString(),
                "--late-join", "gop-replay").lateJoin()).isEqualTo(LateJoin.GOP_REPLAY);
        assertThat(parse(Map.of(), "--late-join", "Keyframe-Request").lateJoin())
                .isEqualTo(LateJoin.KEYFRAME_REQUEST);
    }

    @Test
    void aBadLateJoinNamesTheAcceptedWays() {
        assertThatThrownBy(() -> parse(Map.of(), "--late-join", "gop_replay"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessage("late-join must be gop-replay, gop-replay-spaced or keyframe-request, not gop_replay");
        assertThatThrownBy(() -> parse(Map.of("MEDIAPLANE_LATE_JOIN", "replay")))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("not replay");
    }

    @Test
    void helpShowsTheLateJoinWays() {
        java.io.StringWriter out = new java.io.StringWriter();
        CommandLine cl = new CommandLine(new ServeCommand());
        cl.setOut(new java.io.PrintWriter(out));
        assertThat(cl.execute("--help")).isZero();
        assertThat(out.toString().replaceAll("\\s+", " ")).contains("--late-join=WAY").contains("gop-replay-spaced")
                .contains("keyframe-request").contains("(default gop-replay)");
    }

    @Test
    void theServerStartsWithTheChosenWay() throws Exception {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--http-port", "0", "--media-port", "0", "--late-join", "keyframe-request");
        try (MediaServer server = ServeCommand.start(serve.settings(Map.of()))) {
            assertThat(server.webrtc().lateJoin()).isEqualTo(LateJoin.KEYFRAME_REQUEST);
        }
        try (MediaServer server = ServeCommand.start(parse(Map.of(), "--http-port", "0", "--media-port", "0"))) {
            assertThat(server.webrtc().lateJoin()).isEqualTo(LateJoin.GOP_REPLAY);
        }
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFile() throws Exception {
        Path file = dir.resolve("serve.properties");
        Files.writeString(file, """
                http-port = 9000
                media-port = 9001
                stream-key = from-file
                room-key.studio = studio-key
                max-viewers = 7
                public-host = 203.0.113.5, media.example
                """);
        ServeCommand.Settings s = parse(Map.of("MEDIAPLANE_HTTP_PORT", "9100", "MEDIAPLANE_STREAM_KEY", "from-env"),
                "--config", file.toString(), "--http-port", "9200");
        assertThat(s.httpPort()).isEqualTo(9200);
        assertThat(s.mediaPort()).isEqualTo(9001);
        assertThat(s.streamKey()).isEqualTo("from-env");
        assertThat(s.keyGenerated()).isFalse();
        assertThat(s.roomKeys()).isEqualTo(Map.of("studio", "studio-key"));
        assertThat(s.maxViewers()).isEqualTo(7);
        assertThat(s.publicHosts()).isEqualTo(List.of("203.0.113.5", "media.example"));

        ServeCommand.Settings env = parse(Map.of("MEDIAPLANE_CONFIG", file.toString(),
                "MEDIAPLANE_ROOM_KEYS", "a=1,b=2"), "--room-key", "c=3", "--open");
        assertThat(env.httpPort()).isEqualTo(9000);
        assertThat(env.roomKeys()).isEqualTo(Map.of("c", "3"));
        assertThat(env.open()).isTrue();
    }

    @Test
    void badValuesAreRefusedWithASentence() {
        assertThatThrownBy(() -> parse(Map.of(), "--http-port", "70000"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("http-port");
        assertThatThrownBy(() -> parse(Map.of("MEDIAPLANE_MAX_VIEWERS", "zero")))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("max-viewers");
        assertThatThrownBy(() -> parse(Map.of(), "--room-key", "nokey"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("ROOM=KEY");
        assertThatThrownBy(() -> parse(Map.of(), "--config", dir.resolve("missing").toString()))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("config file");
    }
}
