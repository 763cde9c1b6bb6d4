package io.mediaplane.discord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediaplane.stream.Codec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes voice gateway JSON. Everything the server sends is outside input: every {@code parse…} method
 * returns null for anything malformed (wrong type, missing field, out-of-range number) and never throws, so a
 * bad message becomes an error event, not a crash. Snowflake ids arrive as strings or numbers and are read as
 * unsigned 64-bit values.
 */
public final class GatewayCodec {
    /** A text frame larger than this is refused unparsed (the gateway's messages are a few KiB). */
    public static final int MAX_MESSAGE_CHARS = 1 << 20;

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(MAX_MESSAGE_CHARS).maxNumberLength(64).build());
    }

    private GatewayCodec() {
    }

    // ---- reading --------------------------------------------------------------------------------------------

    /** The envelope of one text frame, or null when it is not a JSON object with an integer {@code op}. */
    public static GatewayMessage parse(String text) {
        if (text == null || text.length() > MAX_MESSAGE_CHARS) {
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
        if (root == null || !root.isObject()) {
            return null;
        }
        JsonNode op = root.get("op");
        if (op == null || !op.isIntegralNumber() || !op.canConvertToInt() || op.intValue() < 0) {
            return null;
        }
        JsonNode seqNode = root.get("seq");
        long seq = -1;
        if (seqNode != null && !seqNode.isNull()) {
            if (!seqNode.isIntegralNumber() || !seqNode.canConvertToLong() || seqNode.longValue() < 0) {
                return null;
            }
            seq = seqNode.longValue();
        }
        JsonNode d = root.get("d");
        return new GatewayMessage(op.intValue(), VoiceOpcode.of(op.intValue()), seq, d);
    }

    /** Hello: the heartbeat interval in milliseconds, or -1 when malformed. */
    public static long parseHello(JsonNode d) {
        JsonNode n = field(d, "heartbeat_interval");
        if (n == null || !n.isNumber()) {
            return -1;
        }
        double ms = n.doubleValue();
        return ms >= 1 && ms <= 600_000 ? (long) ms : -1;
    }

    /** Ready (OP2). */
    public record Ready(int ssrc, String ip, int port, List<String> modes, List<String> experiments,
            int videoSsrc, List<VideoStreamDescriptor> streams) {
    }

    public static Ready parseReady(JsonNode d) {
        Long ssrc = u32(field(d, "ssrc"));
        String ip = text(field(d, "ip"));
        JsonNode portNode = field(d, "port");
        JsonNode modesNode = field(d, "modes");
        if (ssrc == null || ip == null || ip.isEmpty() || ip.length() > 64 || portNode == null
                || !portNode.isIntegralNumber() || portNode.intValue() < 1 || portNode.intValue() > 65535
                || modesNode == null || !modesNode.isArray()) {
            return null;
        }
        List<String> modes = strings(modesNode);
        List<String> experiments = strings(field(d, "experiments"));
        if (modes == null) {
            return null;
        }
        Long videoSsrc = u32(field(d, "video_ssrc"));
        List<VideoStreamDescriptor> streams = streams(field(d, "streams"));
        if (streams == null) {
            return null;
        }
        return new Ready((int) (long) ssrc, ip, portNode.intValue(), modes, experiments == null ? List.of()
                : experiments, videoSsrc == null ? 0 : (int) (long) videoSsrc, streams);
    }

    /** Session Description (OP4). */
    public record SessionDescription(String mode, byte[] secretKey, int daveProtocolVersion, String videoCodec,
            String audioCodec, String mediaSessionId) {
    }

    public static SessionDescription parseSessionDescription(JsonNode d) {
        String mode = text(field(d, "mode"));
        JsonNode key = field(d, "secret_key");
        if (mode == null || key == null || !key.isArray() || key.size() != 32) {
            return null;
        }
        byte[] secret = new byte[32];
        for (int i = 0; i < 32; i++) {
            JsonNode b = key.get(i);
            if (!b.isIntegralNumber() || b.intValue() < 0 || b.intValue() > 255) {
                return null;
            }
            secret[i] = (byte) b.intValue();
        }
        JsonNode dave = field(d, "dave_protocol_version");
        int daveVersion = 0;
        if (dave != null && !dave.isNull()) {
            if (!dave.isIntegralNumber() || dave.intValue() < 0 || dave.intValue() > 255) {
                return null;
            }
            daveVersion = dave.intValue();
        }
        JsonNode msid = field(d, "media_session_id");
        return new SessionDescription(mode, secret, daveVersion, text(field(d, "video_codec")),
                text(field(d, "audio_codec")), msid == null || msid.isNull() ? null : msid.asText());
    }

    /** Speaking (server OP5): {@code user_id}, {@code ssrc}, {@code speaking} flags. */
    public record Speaking(long userId, int ssrc, int flags) {
    }

    public static Speaking parseSpeaking(JsonNode d) {
        Long user = snowflake(field(d, "user_id"));
        Long ssrc = u32(field(d, "ssrc"));
        JsonNode flags = field(d, "speaking");
        if (user == null || ssrc == null) {
            return null;
        }
        int f = 0;
        if (flags != null && !flags.isNull()) {
            if (flags.isBoolean()) {
                f = flags.booleanValue() ? 1 : 0;
            } else if (flags.isIntegralNumber() && flags.canConvertToInt()) {
                f = flags.intValue();
            } else {
                return null;
            }
        }
        return new Speaking(user, (int) (long) ssrc, f);
    }

    /** Video (server OP12): a user's announcement; {@code userId} 0 when the server left it out. */
    public record Video(long userId, int audioSsrc, int videoSsrc, int rtxSsrc, List<VideoStreamDescriptor> streams) {
    }

    public static Video parseVideo(JsonNode d) {
        if (d == null || !d.isObject()) {
            return null;
        }
        JsonNode userNode = d.get("user_id");
        Long user = userNode == null || userNode.isNull() ? Long.valueOf(0) : snowflake(userNode);
        Long audio = optionalU32(d.get("audio_ssrc"));
        Long video = optionalU32(d.get("video_ssrc"));
        Long rtx = optionalU32(d.get("rtx_ssrc"));
        List<VideoStreamDescriptor> streams = streams(d.get("streams"));
        if (user == null || audio == null || video == null || rtx == null || streams == null) {
            return null;
        }
        return new Video(user, (int) (long) audio, (int) (long) video, (int) (long) rtx, streams);
    }

    /** Clients Connect (OP11): {@code user_ids}. */
    public static Set<Long> parseClientsConnect(JsonNode d) {
        JsonNode ids = field(d, "user_ids");
        if (ids == null || !ids.isArray()) {
            return null;
        }
        Set<Long> out = new LinkedHashSet<>();
        for (JsonNode id : ids) {
            Long v = snowflake(id);
            if (v == null) {
                return null;
            }
            out.add(v);
        }
        return out;
    }

    /** Client Disconnect (OP13): {@code user_id}, or null. */
    public static Long parseClientDisconnect(JsonNode d) {
        return snowflake(field(d, "user_id"));
    }

    /** Media Sink Wants (OP15), documented as a flat map {@code {"<ssrc>": q, "any": q, "pixelCounts": {...}}}. */
    public record SinkWants(Map<Integer, Integer> qualities, int any) {
    }

    public static SinkWants parseSinkWants(JsonNode d) {
        if (d == null || !d.isObject()) {
            return null;
        }
        Map<Integer, Integer> q = new HashMap<>();
        int any = 100;
        // clankvox wraps the per-SSRC map in "streams"; read both shapes
        JsonNode source = d.has("streams") && d.get("streams").isObject() ? d.get("streams") : d;
        var it = source.fields();
        while (it.hasNext()) {
            var e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (k.equals("pixelCounts") || k.equals("streams") || k.equals("any")) {
                continue;
            }
            Long ssrc = parseUnsigned32(k);
            if (ssrc == null || !v.isNumber() || v.intValue() < 0 || v.intValue() > 100) {
                return null;
            }
            q.put((int) (long) ssrc, v.intValue());
        }
        JsonNode anyNode = d.get("any");
        if (anyNode != null) {
            if (!anyNode.isNumber() || anyNode.intValue() < 0 || anyNode.intValue() > 100) {
                return null;
            }
            any = anyNode.intValue();
        }
        return new SinkWants(q, any);
    }

    /** Session Update (OP14): the video codec, or null when absent or malformed. */
    public static String parseSessionUpdateVideoCodec(JsonNode d) {
        return text(field(d, "video_codec"));
    }

    /** The codec a Session Description's {@code video_codec} names, or null. */
    public static Codec videoCodec(String name) {
        if (name == null) {
            return null;
        }
        return switch (name.toUpperCase(java.util.Locale.ROOT)) {
            case "H264" -> Codec.H264;
            case "VP8" -> Codec.VP8;
            case "VP9" -> Codec.VP9;
            case "H265" -> Codec.H265;
            case "AV1" -> Codec.AV1;
            default -> null;
        };
    }

    // ---- writing --------------------------------------------------------------------------------------------

    static String envelope(VoiceOpcode op, JsonNode d) {
        ObjectNode root = JSON.createObjectNode();
        root.put("op", op.code());
        root.set("d", d);
        return root.toString();
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** Identify (OP0); {@code channel_id} only when given (required on v9). */
    public static String identify(LegConfig c, List<VideoStreamDescriptor> offeredStreams) {
        ObjectNode d = object();
        d.put("server_id", c.serverId());
        d.put("user_id", Long.toUnsignedString(c.userId()));
        d.put("session_id", c.sessionId());
        d.put("token", c.token());
        if (c.channelId() != null) {
            d.put("channel_id", c.channelId());
        }
        d.put("video", true);
        d.put("max_dave_protocol_version", c.daveHook().maxProtocolVersion());
        ArrayNode streams = d.putArray("streams");
        for (VideoStreamDescriptor s : offeredStreams) {
            ObjectNode o = streams.addObject();
            o.put("type", s.type());
            o.put("rid", s.rid());
            o.put("quality", s.quality());
        }
        return envelope(VoiceOpcode.IDENTIFY, d);
    }

    /** Resume (OP7) with the last sequence number seen ({@code -1}: none). */
    public static String resume(LegConfig c, long seqAck) {
        ObjectNode d = object();
        d.put("server_id", c.serverId());
        d.put("session_id", c.sessionId());
        d.put("token", c.token());
        if (c.channelId() != null) {
            d.put("channel_id", c.channelId());
        }
        d.put("seq_ack", seqAck);
        return envelope(VoiceOpcode.RESUME, d);
    }

    /** Heartbeat (OP3), v8 form {@code {t, seq_ack}}; {@code seq_ack} omitted until a sequence is seen. */
    public static String heartbeat(long nowMillis, long seqAck) {
        ObjectNode d = object();
        d.put("t", nowMillis);
        if (seqAck >= 0) {
            d.put("seq_ack", seqAck);
        }
        return envelope(VoiceOpcode.HEARTBEAT, d);
    }

    /** Payload types this implementation sends and receives (clankvox's numbering). */
    public static final int OPUS_PT = 120;
    public static final int H264_PT = 103;
    public static final int H264_RTX_PT = 104;
    public static final int VP8_PT = 105;
    public static final int VP8_RTX_PT = 106;

    /**
     * Select Protocol (OP1). Codec priorities follow Discord's documented rule (a multiple of 1000, unique per
     * type, the lowest preferred), not clankvox's 900/890, which would make VP8 win: H264 1000, VP8 2000. The
     * publish leg offers only what it can encode (H264); the others only decode.
     */
    public static String selectProtocol(LegRole role, String address, int port, String mode,
            List<String> experiments) {
        ObjectNode d = object();
        d.put("protocol", "udp");
        ObjectNode data = d.putObject("data");
        data.put("address", address);
        data.put("port", port);
        data.put("mode", mode);
        ArrayNode codecs = d.putArray("codecs");
        ObjectNode opus = codecs.addObject();
        opus.put("name", "opus");
        opus.put("type", "audio");
        opus.put("priority", 1000);
        opus.put("payload_type", OPUS_PT);
        boolean publish = role == LegRole.STREAM_PUBLISH;
        codecs.add(videoCodec("H264", 1000, H264_PT, H264_RTX_PT, publish));
        if (!publish) {
            codecs.add(videoCodec("VP8", 2000, VP8_PT, VP8_RTX_PT, false));
        }
        ArrayNode ex = d.putArray("experiments");
        experiments.forEach(ex::add);
        return envelope(VoiceOpcode.SELECT_PROTOCOL, d);
    }

    private static ObjectNode videoCodec(String name, int priority, int pt, int rtxPt, boolean encode) {
        ObjectNode o = object();
        o.put("name", name);
        o.put("type", "video");
        o.put("priority", priority);
        o.put("payload_type", pt);
        o.put("rtx_payload_type", rtxPt);
        o.put("encode", encode);
        o.put("decode", !encode);
        return o;
    }

    /** Speaking (OP5) with {@code delay: 0} as bots send it. */
    public static String speaking(int flags, int ssrc) {
        ObjectNode d = object();
        d.put("speaking", flags);
        d.put("delay", 0);
        d.put("ssrc", Integer.toUnsignedLong(ssrc));
        return envelope(VoiceOpcode.SPEAKING, d);
    }

    /** Video (OP12): the primary layer is the first active one, else the first. */
    public static String video(int audioSsrc, List<VideoStreamDescriptor> streams) {
        ObjectNode d = object();
        VideoStreamDescriptor primary = streams.stream().filter(VideoStreamDescriptor::active).findFirst()
                .orElse(streams.isEmpty() ? null : streams.getFirst());
        d.put("audio_ssrc", Integer.toUnsignedLong(audioSsrc));
        d.put("video_ssrc", primary == null ? 0 : Integer.toUnsignedLong(primary.ssrc()));
        d.put("rtx_ssrc", primary == null ? 0 : Integer.toUnsignedLong(primary.rtxSsrc()));
        ArrayNode arr = d.putArray("streams");
        for (VideoStreamDescriptor s : streams) {
            arr.add(stream(s));
        }
        return envelope(VoiceOpcode.VIDEO, d);
    }

    static ObjectNode stream(VideoStreamDescriptor s) {
        ObjectNode o = object();
        o.put("type", s.type());
        o.put("rid", s.rid());
        o.put("ssrc", Integer.toUnsignedLong(s.ssrc()));
        o.put("rtx_ssrc", Integer.toUnsignedLong(s.rtxSsrc()));
        o.put("active", s.active());
        o.put("quality", s.quality());
        o.put("max_bitrate", s.maxBitrate());
        o.put("max_framerate", s.maxFramerate());
        ObjectNode res = o.putObject("max_resolution");
        res.put("type", s.resolutionType() == null ? "fixed" : s.resolutionType());
        res.put("width", s.maxWidth());
        res.put("height", s.maxHeight());
        return o;
    }

    /** Media Sink Wants (OP15) in the documented flat form. */
    public static String sinkWants(Map<Integer, Integer> qualities, int any, Map<Integer, Double> pixelCounts) {
        ObjectNode d = object();
        d.put("any", any);
        qualities.forEach((ssrc, q) -> d.put(Integer.toUnsignedString(ssrc), q));
        if (pixelCounts != null && !pixelCounts.isEmpty()) {
            ObjectNode px = d.putObject("pixelCounts");
            pixelCounts.forEach((ssrc, n) -> px.put(Integer.toUnsignedString(ssrc), n));
        }
        return envelope(VoiceOpcode.MEDIA_SINK_WANTS, d);
    }

    /** A raw JSON opcode from the DAVE hook; null when {@code payloadJson} is not JSON (API misuse). */
    static String raw(int op, String payloadJson) {
        try {
            ObjectNode root = JSON.createObjectNode();
            root.put("op", op);
            root.set("d", JSON.readTree(payloadJson));
            return root.toString();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + payloadJson, e);
        }
    }

    // ---- field helpers --------------------------------------------------------------------------------------

    private static JsonNode field(JsonNode d, String name) {
        return d == null || !d.isObject() ? null : d.get(name);
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.textValue() : null;
    }

    private static List<String> strings(JsonNode n) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                return null;
            }
            out.add(e.textValue());
        }
        return out;
    }

    private static Long u32(JsonNode n) {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            return null;
        }
        long v = n.longValue();
        return v >= 0 && v <= 0xFFFF_FFFFL ? v : null;
    }

    /** An optional SSRC: absent or null is 0. */
    private static Long optionalU32(JsonNode n) {
        return n == null || n.isNull() ? Long.valueOf(0) : u32(n);
    }

    private static Long parseUnsigned32(String s) {
        if (s.isEmpty() || s.length() > 10) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return null;
            }
        }
        long v = Long.parseLong(s);
        return v <= 0xFFFF_FFFFL ? v : null;
    }

    /** A snowflake: a decimal string or a non-negative integer, up to 2^64 − 1. */
    static Long snowflake(JsonNode n) {
        if (n == null) {
            return null;
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() && n.longValue() >= 0 ? n.longValue() : null;
        }
        if (!n.isTextual()) {
            return null;
        }
        String s = n.textValue();
        if (s.isEmpty() || s.length() > 20) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return null;
            }
        }
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<VideoStreamDescriptor> streams(JsonNode n) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            return null;
        }
        List<VideoStreamDescriptor> out = new ArrayList<>();
        for (JsonNode s : n) {
            if (!s.isObject()) {
                return null;
            }
            Long ssrc = optionalU32(s.get("ssrc"));
            Long rtx = optionalU32(s.get("rtx_ssrc"));
            if (ssrc == null || rtx == null) {
                return null;
            }
            if (ssrc == 0) {
                continue; // zero SSRCs are placeholders (clankvox filters them too)
            }
            JsonNode res = s.get("max_resolution");
            JsonNode active = s.get("active");
            // userdoccers: "if rtx_ssrc is missing use ssrc + 1"
            int rtxSsrc = rtx == 0 ? (int) (ssrc + 1) : (int) (long) rtx;
            out.add(new VideoStreamDescriptor(text(s.get("type")), ridText(s.get("rid")), (int) (long) ssrc,
                    rtxSsrc, active == null || active.asBoolean(true), intOr(s.get("quality"), 100),
                    intOr(s.get("max_bitrate"), 0), intOr(s.get("max_framerate"), 0),
                    res == null ? null : text(res.get("type")), res == null ? 0 : intOr(res.get("width"), 0),
                    res == null ? 0 : intOr(res.get("height"), 0)));
        }
        return out;
    }

    private static String ridText(JsonNode n) {
        return n == null || n.isNull() ? null : n.isValueNode() ? n.asText() : null;
    }

    private static int intOr(JsonNode n, int fallback) {
        return n != null && n.isNumber() && n.canConvertToInt() ? n.intValue() : fallback;
    }
}
