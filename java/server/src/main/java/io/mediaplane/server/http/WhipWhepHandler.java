package io.mediaplane.server.http;

import io.mediaplane.webrtc.PatchResult;
import io.mediaplane.webrtc.SessionKind;
import io.mediaplane.webrtc.SessionResult;
import io.mediaplane.webrtc.WebRtcService;
import io.mediaplane.webrtc.WebRtcSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The WHIP (RFC 9725) and WHEP (draft-ietf-wish-whep) endpoints on Jetty's core handler API:
 * {@code POST /whip/{room}} and {@code POST /whep/{room}} create sessions at {@code /whip/{room}/{id}} and
 * {@code /whep/{room}/{id}}, which take {@code PATCH} (trickle, ICE restart) and {@code DELETE}. Every error is an
 * RFC 9457 problem. CORS lets a browser page of another origin use them (WHIP §4.7).
 */
public final class WhipWhepHandler extends Handler.Abstract {
    /** An SDP offer larger than this is not one a real client sends. */
    public static final int MAX_BODY = 64 * 1024;
    private static final String SDP = "application/sdp";
    private static final String SDPFRAG = "application/trickle-ice-sdpfrag";
    private static final Pattern ROUTE =
            Pattern.compile("^/(whip|whep)/([A-Za-z0-9_.~-]{1,64})(?:/([A-Za-z0-9_-]{16,64}))?/?$");

    private final WebRtcService service;
    private final BearerAuth auth;

    public WhipWhepHandler(WebRtcService service, BearerAuth auth) {
        this.service = service;
        this.auth = auth;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        cors(request, response);
        String path = Request.getPathInContext(request);
        Matcher m = ROUTE.matcher(path);
        if (!m.matches()) {
            return problem(response, callback, 404, "Not Found",
                    "There is nothing at " + path + "; publish at /whip/{room} and watch at /whep/{room}.");
        }
        SessionKind kind = m.group(1).equals("whip") ? SessionKind.WHIP : SessionKind.WHEP;
        String room = m.group(2);
        String id = m.group(3);
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        try {
            if (method.equals("POST") || method.equals("PATCH")) {
                // read before any check: an answer sent while the client is still sending its body makes Jetty
                // close the connection with unread input, and the client sees a reset instead of the 4xx
                request.setAttribute(BODY, readBody(request));
            }
            if (id == null) {
                return switch (method) {
                    case "OPTIONS" -> options(response, callback, "OPTIONS, POST", "Accept-Post", SDP);
                    case "POST" -> create(request, response, callback, kind, room);
                    default -> notAllowed(response, callback, method, "OPTIONS, POST");
                };
            }
            return switch (method) {
                case "OPTIONS" -> options(response, callback, "OPTIONS, PATCH, DELETE", "Accept-Patch", SDPFRAG);
                case "PATCH" -> patch(request, response, callback, kind, room, id);
                case "DELETE" -> delete(request, response, callback, kind, room, id);
                default -> notAllowed(response, callback, method, "OPTIONS, PATCH, DELETE");
            };
        } catch (IOException e) {
            return problem(response, callback, 400, "Bad Request", "The request body could not be read.");
        }
    }

    /** CORS (Fetch standard): any origin may call; the WHIP/WHEP headers a client needs are exposed. */
    private static void cors(Request request, Response response) {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        var h = response.getHeaders();
        h.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin == null ? "*" : origin);
        if (origin != null) {
            h.put(HttpHeader.VARY, "Origin");
        }
        h.put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, "Location, ETag, Link, Accept-Patch, Accept-Post, Retry-After");
    }

    private static boolean options(Response response, Callback callback, String allow, String acceptHeader,
                                   String accepted) {
        var h = response.getHeaders();
        h.put(HttpHeader.ALLOW, allow);
        h.put(acceptHeader, accepted);
        h.put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, allow);
        h.put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, Authorization, If-Match");
        h.put(HttpHeader.ACCESS_CONTROL_MAX_AGE, "86400");
        response.setStatus(204);
        callback.succeeded();
        return true;
    }

    private static boolean notAllowed(Response response, Callback callback, String method, String allow) {
        response.getHeaders().put(HttpHeader.ALLOW, allow);
        return problem(response, callback, 405, "Method Not Allowed", method + " is not supported here; use "
                + allow + ".");
    }

    private boolean authorized(Request request, Response response, Callback callback, String room, boolean publish) {
        String address = Request.getRemoteAddr(request);
        BearerAuth.Outcome o = auth.check(room, publish, request.getHeaders().get(HttpHeader.AUTHORIZATION), address);
        switch (o) {
            case ALLOWED -> {
                return true;
            }
            case LOCKED_OUT -> {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf(auth.lockoutNanos() / 1_000_000_000L));
                problem(response, callback, 429, "Too Many Requests",
                        "Too many failed attempts from this address; wait before trying again.");
            }
            case DENIED -> {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"mediaplane\"");
                problem(response, callback, 401, "Unauthorized", "A valid Bearer key for room '" + room + "' is needed to "
                        + (publish ? "publish." : "watch."));
            }
        }
        return false;
    }

    private boolean create(Request request, Response response, Callback callback, SessionKind kind, String room)
            throws IOException {
        if (!authorized(request, response, callback, room, kind == SessionKind.WHIP)) {
            return true;
        }
        if (!hasType(request, SDP)) {
            return problem(response, callback, 415, "Unsupported Media Type",
                    "The offer must be sent as Content-Type: application/sdp.");
        }
        String offer = body(request);
        if (offer == null) {
            return problem(response, callback, 413, "Content Too Large",
                    "The offer is larger than " + MAX_BODY / 1024 + " KiB.");
        }
        SessionResult r = kind == SessionKind.WHIP ? service.publish(room, offer) : service.view(room, offer);
        switch (r) {
            case SessionResult.Created c -> {
                WebRtcSession s = c.session();
                var h = response.getHeaders();
                h.put(HttpHeader.LOCATION, "/" + (kind == SessionKind.WHIP ? "whip" : "whep") + "/" + room + "/"
                        + s.id());
                h.put(HttpHeader.ETAG, s.etag());
                h.put("Accept-Patch", SDPFRAG);
                h.put(HttpHeader.CONTENT_TYPE, SDP);
                response.setStatus(201);
                Content.Sink.write(response, true, c.answer(), callback);
                return true;
            }
            case SessionResult.Refused f -> {
                return problem(response, callback, f.reason().httpStatus(), f.reason().title(), f.detail());
            }
            case SessionResult.Unavailable u -> {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf(u.retryAfterSeconds()));
                return problem(response, callback, u.httpStatus(),
                        u.httpStatus() == 409 ? "Conflict" : "Service Unavailable", u.detail());
            }
        }
    }

    private WebRtcSession find(SessionKind kind, String room, String id) {
        WebRtcSession s = service.session(id).orElse(null);
        return s != null && s.kind() == kind && s.roomName().equals(room) ? s : null;
    }

    private boolean patch(Request request, Response response, Callback callback, SessionKind kind, String room,
                          String id) throws IOException {
        if (!authorized(request, response, callback, room, kind == SessionKind.WHIP)) {
            return true;
        }
        if (find(kind, room, id) == null) {
            return unknown(response, callback);
        }
        if (!hasType(request, SDPFRAG)) {
            return problem(response, callback, 415, "Unsupported Media Type",
                    "PATCH takes Content-Type: application/trickle-ice-sdpfrag (RFC 8840).");
        }
        String body = body(request);
        if (body == null) {
            return problem(response, callback, 413, "Content Too Large", "The fragment is larger than "
                    + MAX_BODY / 1024 + " KiB.");
        }
        PatchResult r = service.patch(id, body, request.getHeaders().get(HttpHeader.IF_MATCH));
        switch (r) {
            case PatchResult.Trickled t -> {
                response.setStatus(204);
                callback.succeeded();
                return true;
            }
            case PatchResult.Restarted restarted -> {
                response.getHeaders().put(HttpHeader.ETAG, restarted.etag());
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, SDPFRAG);
                response.setStatus(200);
                Content.Sink.write(response, true, restarted.sdpfrag(), callback);
                return true;
            }
            case PatchResult.NotFound n -> {
                return unknown(response, callback);
            }
            case PatchResult.PreconditionFailed p -> {
                return problem(response, callback, 412, "Precondition Failed",
                        "If-Match does not name the session's current entity-tag.");
            }
            case PatchResult.Invalid i -> {
                return problem(response, callback, 400, "Bad Request", i.detail());
            }
        }
    }

    private boolean delete(Request request, Response response, Callback callback, SessionKind kind, String room,
                           String id) {
        if (!authorized(request, response, callback, room, kind == SessionKind.WHIP)) {
            return true;
        }
        if (find(kind, room, id) == null || !service.delete(id)) {
            return unknown(response, callback);
        }
        response.setStatus(200); // OBS treats anything but 200 as a failed stop
        callback.succeeded();
        return true;
    }

    private static boolean unknown(Response response, Callback callback) {
        return problem(response, callback, 404, "Not Found", "There is no such session (it ended or never existed).");
    }

    private static boolean hasType(Request request, String type) {
        String ct = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (ct == null) {
            return false;
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().equalsIgnoreCase(type);
    }

    /**
     * The body as UTF-8, or null when it is larger than {@link #MAX_BODY}. A too-large body is read and dropped
     * (up to {@link #DRAIN_LIMIT}) before the 413 goes out: answering while the client is still sending makes the
     * server close a connection with unread input, and the client then sees a reset instead of the 413.
     */
    private static String body(Request request) {
        return request.getAttribute(BODY) instanceof String b ? b : null;
    }

    private static final String BODY = WhipWhepHandler.class.getName() + ".body";

    /** The body as UTF-8, or {@link Boolean#FALSE} when it is larger than {@link #MAX_BODY} (read and dropped). */
    private static Object readBody(Request request) throws IOException {
        String b = readBodyText(request);
        return b == null ? Boolean.FALSE : b;
    }

    private static String readBodyText(Request request) throws IOException {
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (request.getLength() > MAX_BODY) {
                drain(in);
                return null;
            }
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                drain(in);
                return null;
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    /** How much of a too-large body is read and dropped so the client gets its 413 (more: the connection closes). */
    static final int DRAIN_LIMIT = 1 << 20;

    private static void drain(InputStream in) throws IOException {
        byte[] sink = new byte[8192];
        long left = DRAIN_LIMIT;
        int n;
        while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
            left -= n;
        }
    }

    static boolean problem(Response response, Callback callback, int status, String title, String detail) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        Content.Sink.write(response, true, new Problem(status, title, detail).toJson(), callback);
        return true;
    }
}
