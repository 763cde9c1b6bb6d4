package io.mediaplane.ipc;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Optional;

/**
 * Turns one input line into a {@link Command} or the {@code error} event that answers it. Never throws on input:
 * not one JSON value → {@code invalid_json}; not an object, no or unknown {@code type}, a required field missing,
 * or a field of the wrong JSON type or value → {@code invalid_request} naming the field. Unknown fields are
 * ignored (as serde does by default), {@code null} counts as absent, numbers with a documented range are clamped.
 */
public final class CommandParser {
    /** Decoded size limit of a pushed browser frame. */
    public static final int MAX_BROWSER_FRAME_BYTES = 6 * 1024 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** A command, or the error that answers the line. */
    public sealed interface Result {
        /** The command type when the line named a known one (also for refused lines), for logs and counters. */
        Optional<CommandType> commandType();
    }

    public record Parsed(Command command) implements Result {
        public Optional<CommandType> commandType() {
            return Optional.of(command.type());
        }
    }

    public record Refused(Event.Error error, Optional<CommandType> commandType) implements Result {}

    public Result parse(byte[] line, int offset, int length) {
        JsonNode root;
        try {
            root = JSON.readTree(line, offset, length);
        } catch (JacksonException e) {
            return new Refused(Event.Error.of(ErrorCode.INVALID_JSON, "invalid JSON: " + firstLine(e.getOriginalMessage())),
                    Optional.empty());
        } catch (java.io.IOException e) {
            // readTree on a byte array does no I/O; any other failure is still the line's fault
            return new Refused(Event.Error.of(ErrorCode.INVALID_JSON, "invalid JSON: " + e.getMessage()), Optional.empty());
        }
        if (root == null || root.isMissingNode()) {
            return new Refused(Event.Error.of(ErrorCode.INVALID_JSON, "invalid JSON: no value"), Optional.empty());
        }
        return parse(root);
    }

    public Result parse(JsonNode root) {
        if (!root.isObject()) {
            return refused(null, "type", "a command must be a JSON object with a \"type\" field");
        }
        JsonNode typeNode = root.get("type");
        if (typeNode == null || typeNode.isNull()) {
            return refused(null, "type", "missing field \"type\"");
        }
        if (!typeNode.isTextual()) {
            return refused(null, "type", "field \"type\" must be a string");
        }
        Optional<CommandType> type = CommandType.fromWireName(typeNode.textValue());
        if (type.isEmpty()) {
            return refused(null, "type", "unknown command type \"" + clip(typeNode.textValue()) + "\"");
        }
        Fields f = new Fields(root, "");
        try {
            return new Parsed(command(type.get(), f));
        } catch (FieldException e) {
            return refused(type.get(), e.field, e.getMessage());
        }
    }

    private static Command command(CommandType type, Fields f) {
        return switch (type) {
            case JOIN -> new Command.Join(f.string("guildId"), f.string("channelId"),
                    f.bool("selfDeaf", false), f.bool("selfMute", false));
            case VOICE_SERVER -> {
                Fields d = f.object("data");
                yield new Command.VoiceServer(new Command.VoiceServerData(
                        d.optionalString("endpoint"), d.optionalString("token")));
            }
            case VOICE_STATE -> {
                Fields d = f.object("data");
                yield new Command.VoiceState(new Command.VoiceStateData(
                        d.optionalString("session_id"), d.optionalString("user_id"), d.optionalString("channel_id")));
            }
            case STREAM_WATCH_CONNECT -> new Command.StreamWatchConnect(f.string("endpoint"), f.string("token"),
                    f.string("serverId"), f.string("sessionId"), f.string("userId"), f.string("daveChannelId"));
            case STREAM_WATCH_DISCONNECT -> new Command.StreamWatchDisconnect(f.optionalString("reason"));
            case STREAM_PUBLISH_CONNECT -> new Command.StreamPublishConnect(f.string("endpoint"), f.string("token"),
                    f.string("serverId"), f.string("sessionId"), f.string("userId"), f.string("daveChannelId"));
            case STREAM_PUBLISH_DISCONNECT -> new Command.StreamPublishDisconnect(f.optionalString("reason"));
            case AUDIO -> new Command.Audio(f.base64("pcmBase64", Integer.MAX_VALUE),
                    (int) f.integer("sampleRate", 24000, 1, 384_000));
            case STOP_PLAYBACK -> new Command.StopPlayback();
            case STOP_TTS_PLAYBACK -> new Command.StopTtsPlayback();
            case SUBSCRIBE_USER -> new Command.SubscribeUser(f.string("userId"),
                    (int) f.clamped("silenceDurationMs", 700, 100, 5000),
                    (int) f.clamped("sampleRate", 24000, 8000, 48000));
            case UNSUBSCRIBE_USER -> new Command.UnsubscribeUser(f.string("userId"));
            case SUBSCRIBE_USER_VIDEO -> new Command.SubscribeUserVideo(f.string("userId"),
                    (int) f.clamped("maxFramesPerSecond", 2, 1, 30),
                    (int) f.clamped("preferredQuality", 100, 0, 100),
                    f.optionalClamped("preferredPixelCount", 4096, 3840 * 2160),
                    f.optionalString("preferredStreamType"),
                    (int) f.clamped("jpegQuality", 75, 10, 100));
            case UNSUBSCRIBE_USER_VIDEO -> new Command.UnsubscribeUserVideo(f.string("userId"));
            case MUSIC_PLAY -> new Command.MusicPlay(f.string("url"), f.bool("resolvedDirectUrl", false));
            case MUSIC_STOP -> new Command.MusicStop();
            case MUSIC_PAUSE -> new Command.MusicPause();
            case MUSIC_RESUME -> new Command.MusicResume();
            case MUSIC_SET_GAIN -> new Command.MusicSetGain(f.float32("target"),
                    (int) f.integer("fadeMs", 0, 0, Integer.MAX_VALUE));
            case STREAM_PUBLISH_PLAY -> new Command.StreamPublishPlay(f.string("url"), f.bool("resolvedDirectUrl", false));
            case STREAM_PUBLISH_PLAY_VISUALIZER -> new Command.StreamPublishPlayVisualizer(f.string("url"),
                    f.bool("resolvedDirectUrl", false), f.stringOr("visualizerMode", "cqt"));
            case STREAM_PUBLISH_BROWSER_START -> new Command.StreamPublishBrowserStart(f.pngMimeType());
            case STREAM_PUBLISH_BROWSER_FRAME -> new Command.StreamPublishBrowserFrame(f.pngMimeType(),
                    f.base64("frameBase64", MAX_BROWSER_FRAME_BYTES),
                    f.integer("capturedAtMs", 0, 0, Long.MAX_VALUE));
            case STREAM_PUBLISH_STOP -> new Command.StreamPublishStop();
            case STREAM_PUBLISH_PAUSE -> new Command.StreamPublishPause();
            case STREAM_PUBLISH_RESUME -> new Command.StreamPublishResume();
            case DESTROY -> new Command.Destroy();
        };
    }

    private static Refused refused(CommandType type, String field, String message) {
        String prefix = type == null ? "" : type.wireName() + ": ";
        return new Refused(new Event.Error(ErrorCode.INVALID_REQUEST, prefix + message, field,
                type == null ? null : type.wireName()), Optional.ofNullable(type));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return clip(nl < 0 ? s : s.substring(0, nl));
    }

    static String clip(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...";
    }

    /** A field's problem; caught in {@link #parse(JsonNode)} and turned into {@code invalid_request}. */
    private static final class FieldException extends RuntimeException {
        final String field;

        FieldException(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }

    /** Typed access to one JSON object's fields; {@code path} prefixes nested field names ({@code data.endpoint}). */
    private record Fields(JsonNode node, String path) {
        private String name(String field) {
            return path + field;
        }

        private JsonNode present(String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? null : v;
        }

        private JsonNode required(String field) {
            JsonNode v = present(field);
            if (v == null) {
                throw new FieldException(name(field), "missing field \"" + name(field) + "\"");
            }
            return v;
        }

        private FieldException wrongType(String field, String expected) {
            return new FieldException(name(field), "field \"" + name(field) + "\" must be " + expected);
        }

        String string(String field) {
            JsonNode v = required(field);
            if (!v.isTextual()) {
                throw wrongType(field, "a string");
            }
            return v.textValue();
        }

        String optionalString(String field) {
            JsonNode v = present(field);
            if (v == null) {
                return null;
            }
            if (!v.isTextual()) {
                throw wrongType(field, "a string");
            }
            return v.textValue();
        }

        String stringOr(String field, String dflt) {
            String v = optionalString(field);
            return v == null ? dflt : v;
        }

        boolean bool(String field, boolean dflt) {
            JsonNode v = present(field);
            if (v == null) {
                return dflt;
            }
            if (!v.isBoolean()) {
                throw wrongType(field, "a boolean");
            }
            return v.booleanValue();
        }

        Fields object(String field) {
            JsonNode v = required(field);
            if (!v.isObject()) {
                throw wrongType(field, "an object");
            }
            return new Fields(v, name(field) + ".");
        }

        /** An integral JSON number (a float with no fraction passes, as JavaScript has no integers). */
        private long integral(String field, JsonNode v) {
            if (!v.isNumber()) {
                throw wrongType(field, "a number");
            }
            if (v.isIntegralNumber()) {
                if (!v.canConvertToLong()) {
                    throw wrongType(field, "an integer within 64 bits");
                }
                return v.longValue();
            }
            double d = v.doubleValue();
            if (d != Math.rint(d) || Double.isInfinite(d) || Math.abs(d) > 9.007199254740992E15) {
                throw wrongType(field, "an integer");
            }
            return (long) d;
        }

        /** An integer that must lie in {@code [min, max]}. */
        long integer(String field, long dflt, long min, long max) {
            JsonNode v = present(field);
            if (v == null) {
                return dflt;
            }
            long n = integral(field, v);
            if (n < min || n > max) {
                throw new FieldException(name(field), "field \"" + name(field) + "\" must be in " + min + ".." + max);
            }
            return n;
        }

        /** An integer clamped into {@code [min, max]}, as clankvox does for subscription settings. */
        long clamped(String field, long dflt, long min, long max) {
            JsonNode v = present(field);
            return v == null ? dflt : Math.clamp(integral(field, v), min, max);
        }

        Integer optionalClamped(String field, long min, long max) {
            JsonNode v = present(field);
            return v == null ? null : (int) Math.clamp(integral(field, v), min, max);
        }

        float float32(String field) {
            JsonNode v = required(field);
            if (!v.isNumber()) {
                throw wrongType(field, "a number");
            }
            double d = v.doubleValue();
            if (!Double.isFinite(d) || Math.abs(d) > Float.MAX_VALUE) {
                throw wrongType(field, "a finite 32-bit float");
            }
            return (float) d;
        }

        /** A base64 string (standard alphabet, padded) whose decoded size is at most {@code maxDecoded}. */
        String base64(String field, int maxDecoded) {
            String s = string(field);
            int len = s.length();
            if (len % 4 != 0) {
                throw wrongType(field, "standard padded base64");
            }
            int padding = len == 0 ? 0 : (s.charAt(len - 1) == '=' ? (s.charAt(len - 2) == '=' ? 2 : 1) : 0);
            for (int i = 0; i < len - padding; i++) {
                char c = s.charAt(i);
                boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
                if (!ok) {
                    throw wrongType(field, "standard padded base64");
                }
            }
            long decoded = (long) len / 4 * 3 - padding;
            if (decoded > maxDecoded) {
                throw new FieldException(name(field), "field \"" + name(field) + "\" decodes to " + decoded
                        + " bytes, over the limit of " + maxDecoded);
            }
            return s;
        }

        String pngMimeType() {
            String mime = string("mimeType");
            if (!mime.equals("image/png")) {
                throw new FieldException(name("mimeType"), "field \"mimeType\" must be \"image/png\", not \""
                        + clip(mime) + "\"");
            }
            return mime;
        }
    }
}
