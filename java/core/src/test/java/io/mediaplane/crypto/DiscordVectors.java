package io.mediaplane.crypto;

import io.mediaplane.buffer.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The golden vectors in {@code src/test/resources/vectors/discord/discord-vectors.json}, sealed by
 * @discordjs/voice (see the README.md there). The file is flat enough to read with a pattern per field.
 */
final class DiscordVectors {
    static final String FILE = "/vectors/discord/discord-vectors.json";
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":\\s*(\"([^\"]*)\"|[^,\\n}]+)");

    record Vector(String name, DiscordAeadMode mode, String kind, byte[] key, long counter, int clearHeaderLength,
            byte[] plaintext, byte[] packet) {
        boolean rtcp() {
            return kind.startsWith("rtcp");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private DiscordVectors() {}

    static List<Vector> all() {
        String json;
        try (InputStream in = DiscordVectors.class.getResourceAsStream(FILE)) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String body = json.substring(json.indexOf("\"vectors\""));
        List<Vector> out = new ArrayList<>();
        for (String obj : body.split("\\n  \\{")) {
            Map<String, String> f = new HashMap<>();
            Matcher m = FIELD.matcher(obj);
            while (m.find()) {
                f.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2).strip());
            }
            if (!f.containsKey("packet")) {
                continue;
            }
            out.add(new Vector(f.get("name"), DiscordAeadMode.of(f.get("mode")), f.get("kind"),
                    Bytes.fromHex(f.get("key")), Long.parseLong(f.get("counter")),
                    Integer.parseInt(f.get("clearHeaderLength")), Bytes.fromHex(f.get("plaintext")),
                    Bytes.fromHex(f.get("packet"))));
        }
        return out;
    }
}
