package io.mediaplane.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.testing.Peers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Regenerates the golden vectors with the real @discordjs/voice (npm ci of the pinned versions, then
 * generate.js, in a scratch copy of the vector folder) and requires the committed file to be exactly what the
 * library produces today. Needs node and npm (the machine's Node.js) and the npm registry.
 */
class DiscordJsInteropTest {
    private static final Path VECTORS = Path.of("src/test/resources/vectors/discord");

    @Test
    void committedVectorsAreWhatDiscordJsProduces() throws Exception {
        Path node = Peers.require("node", "nodejs");
        Path npm = Peers.require("npm", "npm");
        Path work = Files.createTempDirectory("mediaplane-discordjs");
        try {
            for (String f : List.of("package.json", "package-lock.json", "generate.js")) {
                Files.copy(VECTORS.resolve(f), work.resolve(f));
            }
            run(work, npm.toString(), "ci", "--no-audit", "--no-fund");
            Path out = work.resolve("out.json");
            Process gen = new ProcessBuilder(node.toString(), "generate.js").directory(work.toFile())
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(gen.waitFor()).as("node generate.js").isZero();
            assertThat(Files.readString(out).strip())
                    .isEqualTo(Files.readString(VECTORS.resolve("discord-vectors.json")).strip());
        } finally {
            try (Stream<Path> all = Files.walk(work)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ":\n" + output).isZero();
    }
}
