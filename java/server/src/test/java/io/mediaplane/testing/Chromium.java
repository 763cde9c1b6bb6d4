package io.mediaplane.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Headless Chromium driven over the DevTools protocol (WebSocket JSON-RPC) with only the JDK and Jackson: starts
 * the browser with a fresh profile, a fake camera and microphone, opens a page and evaluates JavaScript in it.
 * Closing it kills the browser and deletes the profile.
 */
public final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            "--allow-loopback-in-peer-connection", "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0");

    private final Peers.Running process;
    private final Path profile;
    private final HttpClient http = HttpClient.newHttpClient();
    private final int debugPort;

    private Chromium(Peers.Running process, Path profile, int debugPort) {
        this.process = process;
        this.profile = profile;
        this.debugPort = debugPort;
    }

    /** Starts Chromium (Debian package {@code chromium}); fails naming the package when it is missing. */
    public static Chromium start() throws IOException, InterruptedException {
        Path binary = Path.of("/usr/lib/chromium/chromium");
        if (!Files.isExecutable(binary)) {
            binary = Peers.require("chromium", "chromium");
        }
        Path profile = Files.createTempDirectory("mediaplane-chromium");
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.addAll(FLAGS);
        cmd.add("--user-data-dir=" + profile);
        cmd.add("about:blank");
        Peers.Running p = Peers.start(cmd);
        // with port 0 Chromium picks a free port and writes it into the profile (DevToolsActivePort)
        Path active = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(active) || Files.readAllLines(active).isEmpty()) {
            if (!p.process().isAlive() || System.nanoTime() > deadline) {
                String out = p.output();
                p.close();
                deleteTree(profile);
                throw new IOException("Chromium did not start its DevTools endpoint:\n" + out);
            }
            Thread.sleep(50);
        }
        int port = Integer.parseInt(Files.readAllLines(active).getFirst().trim());
        return new Chromium(p, profile, port);
    }

    /** A new tab at {@code url}, once its load event fired. */
    public Page open(String url) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + debugPort
                + "/json/new?" + url)).PUT(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode target = JSON.readTree(r.body());
        Page page = new Page(http, target.get("webSocketDebuggerUrl").asText());
        page.call("Page.enable", Map.of());
        page.call("Runtime.enable", Map.of());
        page.awaitLoaded(url);
        return page;
    }

    /** The browser's output so far (for failure messages). */
    public String output() {
        return process.output();
    }

    @Override
    public void close() throws Exception {
        try {
            process.close();
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // Chromium's helpers may still be writing as they exit; a leftover temp dir is harmless
        }
    }

    /** One tab: {@link #eval} runs an expression (a Promise is awaited) and returns its value as JSON. */
    public static final class Page implements AutoCloseable {
        private final WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final List<String> console = new java.util.concurrent.CopyOnWriteArrayList<>();

        Page(HttpClient http, String wsUrl) {
            this.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(wsUrl), new Listener()).join();
        }

        private final class Listener implements WebSocket.Listener {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    String msg = text.toString();
                    text.setLength(0);
                    try {
                        JsonNode n = JSON.readTree(msg);
                        if (n.has("id")) {
                            CompletableFuture<JsonNode> f = pending.remove(n.get("id").asInt());
                            if (f != null) {
                                f.complete(n);
                            }
                        } else if ("Runtime.consoleAPICalled".equals(n.path("method").asText())) {
                            console.add(n.path("params").path("args").toString());
                        }
                    } catch (IOException e) {
                        // not JSON: not a DevTools message
                    }
                }
                ws.request(1);
                return null;
            }
        }

        JsonNode call(String method, Map<String, ?> params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> f = new CompletableFuture<>();
            pending.put(id, f);
            ObjectNode msg = JSON.createObjectNode();
            msg.put("id", id);
            msg.put("method", method);
            msg.set("params", JSON.valueToTree(params));
            socket.sendText(JSON.writeValueAsString(msg), true).join();
            JsonNode reply = f.get(120, TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + " failed: " + reply.get("error"));
            }
            return reply.get("result");
        }

        void awaitLoaded(String url) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                JsonNode r = call("Runtime.evaluate", Map.of("expression", "document.readyState + ' ' + location.href",
                        "returnByValue", true));
                String v = r.path("result").path("value").asText();
                if (v.startsWith("complete ") && !v.endsWith("about:blank")) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("page did not load: " + url);
        }

        /** Evaluates {@code expression}, awaiting a Promise; the value comes back through JSON.stringify. */
        public JsonNode eval(String expression) throws Exception {
            String wrapped = "(async () => JSON.stringify(await (" + expression + ")))()";
            JsonNode r = call("Runtime.evaluate", Map.of("expression", wrapped, "awaitPromise", true,
                    "returnByValue", true));
            if (r.has("exceptionDetails")) {
                JsonNode ex = r.get("exceptionDetails");
                throw new IllegalStateException("page threw: " + ex.path("exception").path("description")
                        .asText(ex.toString()) + "\nconsole: " + console);
            }
            String json = r.path("result").path("value").asText("null");
            return JSON.readTree(json);
        }

        /**
         * Writes a PNG of the page as a {@code width}x{@code height} window shows it (DevTools
         * {@code Page.captureScreenshot}), so a test leaves a picture of the layout it checked.
         */
        public void screenshot(Path file, int width, int height) throws Exception {
            call("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                    "deviceScaleFactor", 1, "mobile", false));
            Thread.sleep(300); // one layout and paint at the new size
            JsonNode r = call("Page.captureScreenshot", Map.of("format", "png"));
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, java.util.Base64.getDecoder().decode(r.get("data").asText()));
        }

        /** Makes this tab the visible one (a background tab does not play its video elements). */
        public void bringToFront() throws Exception {
            call("Page.bringToFront", Map.of());
        }

        public List<String> console() {
            return List.copyOf(console);
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
        }
    }
}
