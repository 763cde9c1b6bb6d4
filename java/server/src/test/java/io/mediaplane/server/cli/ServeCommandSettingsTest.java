package io.mediaplane.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
