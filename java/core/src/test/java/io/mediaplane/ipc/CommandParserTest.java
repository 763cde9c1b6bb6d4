package io.mediaplane.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CommandParser parser = new CommandParser();

    /** Required fields per command, from clankvox's command table (fields without a default and not marked optional). */
    static final Map<CommandType, List<String>> REQUIRED = new LinkedHashMap<>();

    static {
        for (CommandType t : CommandType.values()) {
            REQUIRED.put(t, List.of());
        }
        REQUIRED.put(CommandType.JOIN, List.of("guildId", "channelId"));
        REQUIRED.put(CommandType.VOICE_SERVER, List.of("data"));
        REQUIRED.put(CommandType.VOICE_STATE, List.of("data"));
        List<String> credentials = List.of("endpoint", "token", "serverId", "sessionId", "userId", "daveChannelId");
        REQUIRED.put(CommandType.STREAM_WATCH_CONNECT, credentials);
        REQUIRED.put(CommandType.STREAM_PUBLISH_CONNECT, credentials);
        REQUIRED.put(CommandType.AUDIO, List.of("pcmBase64"));
        REQUIRED.put(CommandType.SUBSCRIBE_USER, List.of("userId"));
        REQUIRED.put(CommandType.UNSUBSCRIBE_USER, List.of("userId"));
        REQUIRED.put(CommandType.SUBSCRIBE_USER_VIDEO, List.of("userId"));
        REQUIRED.put(CommandType.UNSUBSCRIBE_USER_VIDEO, List.of("userId"));
        REQUIRED.put(CommandType.MUSIC_PLAY, List.of("url"));
        REQUIRED.put(CommandType.MUSIC_SET_GAIN, List.of("target"));
        REQUIRED.put(CommandType.STREAM_PUBLISH_PLAY, List.of("url"));
        REQUIRED.put(CommandType.STREAM_PUBLISH_PLAY_VISUALIZER, List.of("url"));
        REQUIRED.put(CommandType.STREAM_PUBLISH_BROWSER_START, List.of("mimeType"));
        REQUIRED.put(CommandType.STREAM_PUBLISH_BROWSER_FRAME, List.of("mimeType", "frameBase64"));
    }

    /** The compatibility fixture: command lines in exactly the shape clankvox's Bun side sends them. */
    static List<String> fixture() throws IOException {
        try (InputStream in = CommandParserTest.class.getResourceAsStream("clankvox-commands.jsonl")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private CommandParser.Result parse(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return parser.parse(b, 0, b.length);
    }

    private Command parsed(String line) {
        CommandParser.Result r = parse(line);
        assertThat(r).as(line).isInstanceOf(CommandParser.Parsed.class);
        return ((CommandParser.Parsed) r).command();
    }

    private Event.Error refused(String line) {
        CommandParser.Result r = parse(line);
        assertThat(r).as(line).isInstanceOf(CommandParser.Refused.class);
        return ((CommandParser.Refused) r).error();
    }

    @Test
    void everyFixtureLineIsAcceptedAndEveryCommandTypeIsCovered() throws IOException {
        Set<CommandType> seen = EnumSet.noneOf(CommandType.class);
        for (String line : fixture()) {
            Command c = parsed(line);
            assertThat(c.type().wireName()).isEqualTo(JSON.readTree(line).get("type").asText());
            seen.add(c.type());
        }
        assertThat(seen).containsExactlyInAnyOrder(CommandType.values());
        assertThat(CommandType.values()).hasSize(27);
    }

    @Test
    void fixtureValuesArriveInTheTypedRecords() throws IOException {
        List<String> lines = fixture();
        assertThat(parsed(lines.get(0))).isEqualTo(
                new Command.Join("1100000000000000001", "1100000000000000002", false, true));
        assertThat(parsed(lines.get(1))).isEqualTo(new Command.VoiceServer(
                new Command.VoiceServerData("c-fra09-1a2b3c4d.discord.media:443", "3e2b1c0a9f8d7e6c")));
        assertThat(parsed(lines.get(2))).isEqualTo(new Command.VoiceState(new Command.VoiceStateData(
                "5d2c0e8f4b7a4f3c9e1d2a6b8c0f7e5d", "1100000000000000003", "1100000000000000002")));
        assertThat(((Command.StreamWatchConnect) parsed(lines.get(3))).credentials()).isEqualTo(new LegCredentials(
                "c-fra09-5e6f7a8b.discord.media:443", "a1b2c3d4e5f60718", "1200000000000000010",
                "5d2c0e8f4b7a4f3c9e1d2a6b8c0f7e5d", "1100000000000000003", "1200000000000000009"));
        assertThat(parsed("{\"type\":\"subscribe_user_video\",\"userId\":\"7\"}")).isEqualTo(
                new Command.SubscribeUserVideo("7", 2, 100, null, null, 75));
        assertThat(parsed("{\"type\":\"subscribe_user\",\"userId\":\"7\"}")).isEqualTo(
                new Command.SubscribeUser("7", 700, 24000));
        assertThat(parsed("{\"type\":\"stream_publish_play_visualizer\",\"url\":\"u\"}")).isEqualTo(
                new Command.StreamPublishPlayVisualizer("u", false, "cqt"));
        assertThat(parsed("{\"type\":\"music_set_gain\",\"target\":0.25}")).isEqualTo(new Command.MusicSetGain(0.25f, 0));
        assertThat(parsed("{\"type\":\"stream_publish_browser_frame\",\"mimeType\":\"image/png\",\"frameBase64\":\"AA==\"}"))
                .isEqualTo(new Command.StreamPublishBrowserFrame("image/png", "AA==", 0));
        assertThat(parsed("{\"type\":\"voice_server\",\"data\":{\"endpoint\":null,\"token\":\"t\"}}")).isEqualTo(
                new Command.VoiceServer(new Command.VoiceServerData(null, "t")));
    }

    @Test
    void rangedSettingsAreClampedLikeClankvox() {
        assertThat(parsed("{\"type\":\"subscribe_user_video\",\"userId\":\"7\",\"maxFramesPerSecond\":0,"
                + "\"preferredQuality\":500,\"preferredPixelCount\":1,\"jpegQuality\":5}"))
                .isEqualTo(new Command.SubscribeUserVideo("7", 1, 100, 4096, null, 10));
        assertThat(parsed("{\"type\":\"subscribe_user_video\",\"userId\":\"7\",\"maxFramesPerSecond\":1000,"
                + "\"preferredQuality\":-3,\"preferredPixelCount\":99999999999,\"jpegQuality\":101}"))
                .isEqualTo(new Command.SubscribeUserVideo("7", 30, 0, 3840 * 2160, null, 100));
        assertThat(parsed("{\"type\":\"subscribe_user\",\"userId\":\"7\",\"silenceDurationMs\":1,\"sampleRate\":96000}"))
                .isEqualTo(new Command.SubscribeUser("7", 100, 48000));
        // JavaScript numbers: a whole float is an integer
        assertThat(parsed("{\"type\":\"subscribe_user_video\",\"userId\":\"7\",\"maxFramesPerSecond\":5.0}"))
                .isEqualTo(new Command.SubscribeUserVideo("7", 5, 100, null, null, 75));
    }

    static Stream<Arguments> requiredFields() throws IOException {
        List<Arguments> out = new ArrayList<>();
        Set<CommandType> done = EnumSet.noneOf(CommandType.class);
        for (String line : fixture()) {
            CommandType t = CommandType.fromWireName(JSON.readTree(line).get("type").asText()).orElseThrow();
            if (done.add(t)) {
                for (String field : REQUIRED.get(t)) {
                    out.add(Arguments.of(line, field));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("requiredFields")
    void aMissingOrNullRequiredFieldIsAnInvalidRequestNamingIt(String line, String field) throws IOException {
        ObjectNode missing = (ObjectNode) JSON.readTree(line);
        missing.remove(field);
        Event.Error e = refused(missing.toString());
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.message()).contains(field);
        assertThat(e.command()).isEqualTo(missing.get("type").asText());

        ObjectNode nulled = (ObjectNode) JSON.readTree(line);
        nulled.putNull(field);
        assertThat(refused(nulled.toString()).field()).isEqualTo(field);
    }

    /** Every field that is not required may be left out. */
    @Test
    void optionalFieldsMayBeLeftOut() throws IOException {
        for (String line : fixture()) {
            JsonNode node = JSON.readTree(line);
            CommandType t = CommandType.fromWireName(node.get("type").asText()).orElseThrow();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (field.equals("type") || REQUIRED.get(t).contains(field)) {
                    continue;
                }
                ObjectNode without = node.deepCopy();
                without.remove(field);
                parsed(without.toString());
            }
        }
    }

    static Stream<Arguments> everyField() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String line : fixture()) {
            JsonNode node = JSON.readTree(line);
            collectFields(node, "", line, out);
        }
        return out.stream();
    }

    private static void collectFields(JsonNode node, String prefix, String line, List<Arguments> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String path = prefix + f.getKey();
            if (path.equals("type") || path.startsWith("data.member") || !isReadField(path)) {
                continue;
            }
            out.add(Arguments.of(line, path));
        }
        if (node.has("data") && node.get("data").isObject()) {
            collectFields(node.get("data"), "data.", line, out);
        }
    }

    /** Fields the parser reads (the fixture's VOICE_STATE mirror carries many it ignores, as clankvox does). */
    private static boolean isReadField(String path) {
        return !path.startsWith("data.") || Set.of("data.endpoint", "data.token", "data.session_id", "data.user_id",
                "data.channel_id").contains(path);
    }

    /** A value of another JSON type than the field's own. */
    private static JsonNode wrongType(JsonNode v) throws IOException {
        if (v.isTextual()) {
            return JSON.readTree("12");
        }
        if (v.isBoolean() || v.isNumber() || v.isObject()) {
            return JSON.readTree(v.isBoolean() ? "\"true\"" : "[1]");
        }
        throw new IllegalArgumentException("fixture value " + v);
    }

    @ParameterizedTest
    @MethodSource("everyField")
    void aFieldOfTheWrongTypeIsAnInvalidRequestNamingIt(String line, String path) throws IOException {
        ObjectNode node = (ObjectNode) JSON.readTree(line);
        ObjectNode holder = path.startsWith("data.") ? (ObjectNode) node.get("data") : node;
        String name = path.startsWith("data.") ? path.substring(5) : path;
        holder.set(name, wrongType(holder.get(name)));
        Event.Error e = refused(node.toString());
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.field()).isEqualTo(path);
        assertThat(e.message()).contains(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"type\":\"join\"", "nope", "{\"type\":\"destroy\"} {}", "{\"type\":\"destroy\"}x",
            "{\"type\":'destroy'}", "{\"type\":\"destroy\",}", "\"unterminated", "{\"a\":01}"})
    void malformedJsonIsInvalidJson(String line) {
        assertThat(refused(line).code()).isEqualTo(ErrorCode.INVALID_JSON);
    }

    @Test
    void invalidUtf8IsInvalidJson() {
        byte[] b = "{\"type\":\"destroy\",\"x\":\"??\"}".getBytes(StandardCharsets.US_ASCII);
        b[b.length - 4] = (byte) 0xC3;
        b[b.length - 3] = (byte) 0x28; // 0xC3 must be followed by a continuation byte
        CommandParser.Result r = parser.parse(b, 0, b.length);
        assertThat(((CommandParser.Refused) r).error().code()).isEqualTo(ErrorCode.INVALID_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "42", "\"join\"", "null", "true", "{}", "{\"type\":7}", "{\"type\":null}",
            "{\"type\":\"no_such_command\"}", "{\"type\":\"JOIN\"}", "{\"type\":[\"join\"]}"})
    void wellFormedButNotACommandIsInvalidRequestNamingType(String line) {
        Event.Error e = refused(line);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.field()).isEqualTo("type");
    }

    @Test
    void valueChecksNameTheirField() {
        assertThat(refused("{\"type\":\"stream_publish_browser_start\",\"mimeType\":\"image/jpeg\"}").field())
                .isEqualTo("mimeType");
        assertThat(refused("{\"type\":\"stream_publish_browser_frame\",\"mimeType\":\"image/png\",\"frameBase64\":\"A*==\"}")
                .field()).isEqualTo("frameBase64");
        assertThat(refused("{\"type\":\"stream_publish_browser_frame\",\"mimeType\":\"image/png\",\"frameBase64\":\"AAA\"}")
                .field()).isEqualTo("frameBase64");
        assertThat(refused("{\"type\":\"stream_publish_browser_frame\",\"mimeType\":\"image/png\",\"frameBase64\":\"AA==\","
                + "\"capturedAtMs\":-1}").field()).isEqualTo("capturedAtMs");
        assertThat(refused("{\"type\":\"subscribe_user_video\",\"userId\":\"7\",\"maxFramesPerSecond\":2.5}").field())
                .isEqualTo("maxFramesPerSecond");
        assertThat(refused("{\"type\":\"subscribe_user_video\",\"userId\":\"7\",\"jpegQuality\":1e400}").field())
                .isEqualTo("jpegQuality");
        assertThat(refused("{\"type\":\"music_set_gain\",\"target\":1e300}").field()).isEqualTo("target");
        assertThat(refused("{\"type\":\"voice_server\",\"data\":{\"endpoint\":5}}").field()).isEqualTo("data.endpoint");
    }

    @Test
    void aBrowserFrameOverSixMebibytesDecodedIsRefusedAndOneAtTheLimitPasses() {
        int limit = CommandParser.MAX_BROWSER_FRAME_BYTES;
        String atLimit = Base64.getEncoder().encodeToString(new byte[limit]);
        String over = Base64.getEncoder().encodeToString(new byte[limit + 1]);
        assertThat(parsed("{\"type\":\"stream_publish_browser_frame\",\"mimeType\":\"image/png\",\"frameBase64\":\""
                + atLimit + "\"}")).isInstanceOf(Command.StreamPublishBrowserFrame.class);
        Event.Error e = refused("{\"type\":\"stream_publish_browser_frame\",\"mimeType\":\"image/png\",\"frameBase64\":\""
                + over + "\"}");
        assertThat(e.field()).isEqualTo("frameBase64");
        assertThat(e.message()).contains(Integer.toString(limit + 1));
    }

    @Test
    void unsupportedAreExactlyTheAudioMusicAndVisualizerCommands() {
        assertThat(Arrays.stream(CommandType.values()).filter(t -> !t.supported()).map(CommandType::wireName))
                .containsExactlyInAnyOrder("audio", "stop_playback", "stop_tts_playback", "subscribe_user",
                        "unsubscribe_user", "music_play", "music_stop", "music_pause", "music_resume", "music_set_gain",
                        "stream_publish_play_visualizer");
    }
}
