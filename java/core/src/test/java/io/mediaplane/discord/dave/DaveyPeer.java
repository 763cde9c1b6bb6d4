package io.mediaplane.discord.dave;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.testing.Peers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * @snazzah/davey members and the voice gateway's external sender, played by {@code davey-peer.js} (in
 * {@code src/test/resources/interop/davey}, installed by {@code npm ci} from its pinned lock file into a scratch
 * copy). One JSON request per line on the script's stdin, one reply per line on its stdout.
 */
final class DaveyPeer implements AutoCloseable {
    private static final Path FOLDER = Path.of("src/test/resources/interop/davey");

    private final Path work;
    private final Process process;
    private final Writer in;
    private final BufferedReader out;

    DaveyPeer() throws IOException, InterruptedException {
        Path node = Peers.require("node", "nodejs");
        Path npm = Peers.require("npm", "npm");
        work = Files.createTempDirectory("mediaplane-davey");
        for (String f : List.of("package.json", "package-lock.json", "davey-peer.js")) {
            Files.copy(FOLDER.resolve(f), work.resolve(f));
        }
        Process install = new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund").directory(work.toFile())
                .redirectErrorStream(true).start();
        String log = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(install.waitFor()).as("npm ci:\n" + log).isZero();
        process = new ProcessBuilder(node.toString(), "davey-peer.js").directory(work.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Sends {@code cmd} with {@code fields} (values: String, Number, Boolean, List, byte[] as hex). */
    Map<String, Object> call(String cmd, Object... fields) throws IOException {
        StringBuilder json = new StringBuilder("{\"cmd\":\"").append(cmd).append('"');
        for (int i = 0; i < fields.length; i += 2) {
            json.append(",\"").append(fields[i]).append("\":");
            value(json, fields[i + 1]);
        }
        in.write(json.append("}\n").toString());
        in.flush();
        String line = out.readLine();
        assertThat(line).as("davey-peer.js reply to " + cmd).isNotNull();
        Map<String, Object> reply = new Json(line).object();
        assertThat(reply.get("ok")).as(cmd + ": " + reply.get("error")).isEqualTo(Boolean.TRUE);
        return reply;
    }

    static byte[] bytes(Map<String, Object> reply, String field) {
        Object v = reply.get(field);
        return v == null ? null : Bytes.fromHex((String) v);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Map<String, Object> reply, String field) {
        return (List<Object>) reply.get(field);
    }

    private static void value(StringBuilder json, Object v) {
        switch (v) {
            case null -> json.append("null");
            case byte[] b -> json.append('"').append(Bytes.toHex(b)).append('"');
            case String s -> json.append('"').append(s).append('"');
            case List<?> l -> {
                json.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        json.append(',');
                    }
                    value(json, l.get(i));
                }
                json.append(']');
            }
            default -> json.append(v);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        in.close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        try (Stream<Path> all = Files.walk(work)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Just enough JSON for the script's replies: objects, arrays, strings without escapes, numbers, literals. */
    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            expect('{');
            if (peek() == '}') {
                i++;
                return m;
            }
            do {
                String key = string();
                expect(':');
                m.put(key, value());
            } while (next() == ',');
            return m;
        }

        private Object value() {
            char c = peek();
            if (c == '{') {
                return object();
            }
            if (c == '[') {
                i++;
                List<Object> l = new ArrayList<>();
                if (peek() == ']') {
                    i++;
                    return l;
                }
                do {
                    l.add(value());
                } while (next() == ',');
                return l;
            }
            if (c == '"') {
                return string();
            }
            int start = i;
            while (i < s.length() && ",}]".indexOf(s.charAt(i)) < 0) {
                i++;
            }
            String word = s.substring(start, i).strip();
            return switch (word) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                case "null" -> null;
                default -> Double.parseDouble(word);
            };
        }

        private String string() {
            expect('"');
            int end = s.indexOf('"', i);
            String v = s.substring(i, end);
            i = end + 1;
            return v;
        }

        private char peek() {
            while (Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            return s.charAt(i);
        }

        private char next() {
            char c = peek();
            i++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                throw new IllegalStateException("expected " + c + " at " + (i - 1) + " in " + s);
            }
        }
    }
}
