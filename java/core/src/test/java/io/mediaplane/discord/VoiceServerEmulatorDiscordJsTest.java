package io.mediaplane.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediaplane.buffer.Bytes;
import io.mediaplane.crypto.DiscordAeadMode;
import io.mediaplane.discord.emulator.SelfSignedTls;
import io.mediaplane.discord.emulator.VoiceServerEmulator;
import io.mediaplane.testing.Peers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Verifies the emulator against a real client: @discordjs/voice 0.19.2 (npm ci of the pinned lock file in
 * {@code peers/discordjs-client}) joins over wss, does IP discovery, selects the mode the emulator offers, and
 * plays 50 Opus packets; the emulator opens every packet with the session key and must see exactly those packets,
 * in order, followed by silence frames ({@code F8 FF FE}, which Discord's docs require after a stream).
 */
class VoiceServerEmulatorDiscordJsTest {
    private static final Path CLIENT = Path.of("src/test/resources/peers/discordjs-client");

    @TempDir
    static Path work;

    @BeforeAll
    static void install() throws Exception {
        Path npm = Peers.require("npm", "npm");
        Peers.require("node", "nodejs");
        for (String f : List.of("package.json", "package-lock.json", "client.js")) {
            Files.copy(CLIENT.resolve(f), work.resolve(f));
        }
        Process p = new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund").directory(work.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("npm ci:\n%s", out).isZero();
    }

    @ParameterizedTest
    @EnumSource(DiscordAeadMode.class)
    void discordJsPlaysAudioTheEmulatorDecrypts(DiscordAeadMode mode, @TempDir Path tls) throws Exception {
        try (VoiceServerEmulator emulator = VoiceServerEmulator.start(List.of(mode.wireName()), 5000,
                SelfSignedTls.create(tls))) {
            ProcessBuilder pb = new ProcessBuilder("node", "client.js", emulator.hostPort(), "700", "701", "sess-js",
                    "token-js").directory(work.toFile()).redirectErrorStream(false);
            pb.environment().put("NODE_TLS_REJECT_UNAUTHORIZED", "0"); // the emulator's certificate is self-signed
            Process node = pb.start();
            try {
                List<String> lines = new ArrayList<>();
                try (var reader = node.inputReader()) {
                    reader.lines().forEach(lines::add);
                }
                String err = new String(node.getErrorStream().readAllBytes());
                assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(node.exitValue()).as("node client.js:\n%s\n%s", lines, err).isZero();
                JsonNode first = VoiceServerEmulatorJson.read(lines.getFirst());
                List<String> sent = new ArrayList<>();
                first.path("packets").forEach(n -> sent.add(n.asText()));
                assertThat(sent).hasSize(50);
                assertThat(VoiceServerEmulatorJson.read(lines.getLast()).path("mode").asText())
                        .isEqualTo(mode.wireName());

                VoiceServerEmulator.Session session = emulator.session("700", 701);
                assertThat(session).isNotNull();
                assertThat(session.mode()).isEqualTo(mode.wireName());
                List<String> got = session.audioPayloads().stream().map(Bytes::toHex).toList();
                int start = got.indexOf(sent.getFirst());
                assertThat(start).as("first packet among %d decrypted: %s", got.size(),
                        got.stream().map(h -> h.substring(0, Math.min(8, h.length()))).toList()).isEqualTo(0);
                assertThat(got).as("decrypted payloads").hasSizeGreaterThan(50);
                assertThat(got.subList(0, 50)).isEqualTo(sent);
                assertThat(got.subList(50, got.size())).as("trailing silence frames").containsOnly("f8fffe");
                // identify as the library sends it
                JsonNode identify = emulator.received(0).getFirst().d();
                assertThat(identify.path("server_id").asText()).isEqualTo("700");
                assertThat(identify.path("user_id").asText()).isEqualTo("701");
                assertThat(identify.path("session_id").asText()).isEqualTo("sess-js");
                assertThat(emulator.received(1).getFirst().d().path("data").path("mode").asText())
                        .isEqualTo(mode.wireName());
                assertThat(emulator.received(5)).as("Speaking before audio").isNotEmpty();
            } finally {
                node.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** JSON for the test's own parsing of the client's output. */
    static final class VoiceServerEmulatorJson {
        static JsonNode read(String line) throws IOException {
            return GatewayCodec.JSON.readTree(line);
        }
    }
}
