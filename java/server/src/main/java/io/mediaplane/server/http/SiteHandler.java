package io.mediaplane.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mediaplane.webrtc.Room;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Everything of {@code mediaplane serve} besides WHIP/WHEP: the pages (plain HTML, JS and CSS from the jar), the
 * room API, snapshots, the screen-watch feed, Prometheus metrics and the health check. Errors are RFC 9457 problems.
 */
public final class SiteHandler extends Handler.Abstract implements AutoCloseable {
    /**
     * What the pages need to know to set a publisher up.
     *
     * @param defaultRoom   the room the OBS setup and the publish page suggest
     * @param publishKey    the key of the default room (or the global one); null when publishing is open
     * @param keyToEveryone show the key to pages opened from other machines too (otherwise only to loopback ones,
     *                      since whoever reads the page can publish)
     */
    public record Setup(String defaultRoom, String publishKey, boolean keyToEveryone) {}

    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_.~-]{1,64}");
    private static final Pattern ROOM_PATH =
            Pattern.compile("^/rooms/([A-Za-z0-9_.~-]{1,64})/(snapshot\\.jpg|frames)$");
    private static final Pattern API_ROOM = Pattern.compile("^/api/rooms/([A-Za-z0-9_.~-]{1,64})$");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8", "js", "text/javascript; charset=utf-8", "svg", "image/svg+xml");
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final MediaServer server;
    private final Setup setup;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RoomMonitor monitor;
    private final Snapshots snapshots;
    private final FrameFeed frames;
    private final Map<String, byte[]> assets = new ConcurrentHashMap<>();

    public SiteHandler(MediaServer server, Setup setup) {
        this.server = server;
        this.setup = setup;
        this.monitor = new RoomMonitor(server.webrtc(), server.streams(), meters);
        Consumer<String> keyframe = room -> server.webrtc().room(room).ifPresent(Room::requestKeyframe);
        this.snapshots = new Snapshots(server.streams(), keyframe);
        this.frames = new FrameFeed(server.streams(), keyframe);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        FunctionCounter.builder("mediaplane.frames.sent", frames, f -> f.framesSent.sum())
                .description("JPEG frames sent on /rooms/{room}/frames").register(meters);
        meters.gauge("mediaplane.frames.clients", frames, FrameFeed::clients);
        meters.gauge("mediaplane.streams", server.streams(), s -> s.keys().size());
    }

    /** The registry {@code /metrics} shows; exposed for tests and embedders. */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        if (!method.equals("GET") && !method.equals("HEAD")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            return WhipWhepHandler.problem(response, callback, 405, "Method Not Allowed",
                    method + " is not supported on " + path + "; use GET.");
        }
        switch (path) {
            case "/" -> {
                return asset(response, callback, "index.html");
            }
            case "/publish", "/publish/" -> {
                return asset(response, callback, "publish.html");
            }
            case "/healthz" -> {
                return text(response, callback, 200, "text/plain; charset=utf-8", "ok\n");
            }
            case "/metrics" -> {
                return text(response, callback, 200, "text/plain; version=0.0.4; charset=utf-8", meters.scrape());
            }
            case "/api/rooms" -> {
                return json(response, callback, 200, Map.of("rooms", monitor.rooms()));
            }
            case "/api/setup" -> {
                return json(response, callback, 200, setup(request));
            }
            default -> { }
        }
        if (path.startsWith("/watch/") && ROOM.matcher(path.substring(7)).matches()) {
            return asset(response, callback, "watch.html");
        }
        if (path.startsWith("/static/")) {
            return asset(response, callback, path.substring(8));
        }
        Matcher m = API_ROOM.matcher(path);
        if (m.matches()) {
            Map<String, Object> room = monitor.room(m.group(1));
            if (room == null) {
                return WhipWhepHandler.problem(response, callback, 404, "Not Found",
                        "Room '" + m.group(1) + "' has no publisher and no viewers.");
            }
            return json(response, callback, 200, room);
        }
        m = ROOM_PATH.matcher(path);
        if (m.matches()) {
            String room = m.group(1);
            Fields query = Request.extractQueryParameters(request);
            int width = intParam(query, "width", 0, 0, 7680);
            if (width < 0) {
                return WhipWhepHandler.problem(response, callback, 400, "Bad Request",
                        "width must be a whole number of pixels from 0 to 7680.");
            }
            if (m.group(2).equals("frames")) {
                String fpsText = query.getValue("fps");
                double fps;
                try {
                    fps = fpsText == null ? 2 : Double.parseDouble(fpsText);
                } catch (NumberFormatException e) {
                    fps = -1;
                }
                if (!(fps > 0 && fps <= 60)) {
                    return WhipWhepHandler.problem(response, callback, 400, "Bad Request",
                            "fps must be a number above 0 and at most 60.");
                }
                if (!frames.start(room, fps, width, response, callback)) {
                    return notLive(response, callback, room);
                }
                return true;
            }
            return snapshot(response, callback, room, width);
        }
        return WhipWhepHandler.problem(response, callback, 404, "Not Found", "There is nothing at " + path
                + "; the pages are /, /publish and /watch/{room}.");
    }

    private static int intParam(Fields query, String name, int absent, int min, int max) {
        String v = query.getValue(name);
        if (v == null) {
            return absent;
        }
        try {
            int i = Integer.parseInt(v);
            return i < min || i > max ? -1 : i;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private boolean snapshot(Response response, Callback callback, String room, int width) {
        switch (snapshots.take(room, width)) {
            case Snapshots.Jpeg j -> {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "image/jpeg");
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
                response.write(true, ByteBuffer.wrap(j.bytes()), callback);
                return true;
            }
            case Snapshots.NotLive n -> {
                return notLive(response, callback, room);
            }
            case Snapshots.Failed f -> {
                return WhipWhepHandler.problem(response, callback, 503, "Service Unavailable", f.detail());
            }
        }
    }

    private static boolean notLive(Response response, Callback callback, String room) {
        return WhipWhepHandler.problem(response, callback, 404, "Not Found",
                "Nobody is publishing in room '" + room + "'.");
    }

    private Map<String, Object> setup(Request request) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("room", setup.defaultRoom());
        m.put("keyRequired", setup.publishKey() != null);
        boolean local = isLoopback(Request.getRemoteAddr(request));
        m.put("key", setup.publishKey() != null && (local || setup.keyToEveryone()) ? setup.publishKey() : null);
        m.put("mediaPort", server.mediaPort());
        return m;
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private boolean asset(Response response, Callback callback, String name) throws IOException {
        if (!name.matches("[a-z0-9-]+\\.(html|css|js|svg)")) {
            return WhipWhepHandler.problem(response, callback, 404, "Not Found", "There is no file " + name + ".");
        }
        byte[] bytes = assets.get(name);
        if (bytes == null) {
            try (InputStream in = SiteHandler.class.getResourceAsStream("/site/" + name)) {
                if (in == null) {
                    return WhipWhepHandler.problem(response, callback, 404, "Not Found",
                            "There is no file " + name + ".");
                }
                bytes = in.readAllBytes();
            }
            assets.put(name, bytes);
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.write(true, ByteBuffer.wrap(bytes), callback);
        return true;
    }

    private static boolean text(Response response, Callback callback, int status, String type, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, body, callback);
        return true;
    }

    private static boolean json(Response response, Callback callback, int status, Object value)
            throws JsonProcessingException {
        return text(response, callback, status, "application/json", JSON.writeValueAsString(value));
    }

    @Override
    public void close() {
        frames.close();
        monitor.close();
        meters.close();
    }
}
