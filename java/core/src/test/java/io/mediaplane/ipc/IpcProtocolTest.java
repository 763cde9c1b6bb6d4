package io.mediaplane.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The daemon driven over pipes by a scripted control plane, against a backend that records what it is asked. */
class IpcProtocolTest {
    private static String typeOf(String line) {
        try {
            return Frames.JSON.readTree(line).get("type").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Frames.Frame> errors(List<Frames.Frame> frames) {
        return frames.stream().filter(f -> f.kind() == 0 && f.type().equals("error")).toList();
    }

    @Test
    void badInputIsAnsweredAndTheDaemonKeepsServing() throws Exception {
        try (IpcHarness ipc = IpcHarness.recording()) {
            ipc.send("{not json");
            JsonNode e = ipc.next("error").json();
            assertThat(e.get("code").asText()).isEqualTo("invalid_json");

            ipc.send("{\"type\":\"warp_drive\"}");
            e = ipc.next("error").json();
            assertThat(e.get("code").asText()).isEqualTo("invalid_request");
            assertThat(e.get("field").asText()).isEqualTo("type");
            assertThat(e.get("message").asText()).contains("warp_drive");

            ipc.send("{\"type\":\"stream_watch_connect\",\"endpoint\":\"e\",\"token\":\"t\",\"serverId\":\"1\","
                    + "\"sessionId\":\"s\",\"userId\":\"u\"}");
            e = ipc.next("error").json();
            assertThat(e.get("code").asText()).isEqualTo("invalid_request");
            assertThat(e.get("field").asText()).isEqualTo("daveChannelId");
            assertThat(e.get("command").asText()).isEqualTo("stream_watch_connect");

            ipc.send("{\"type\":\"subscribe_user_video\",\"userId\":42}");
            e = ipc.next("error").json();
            assertThat(e.get("field").asText()).isEqualTo("userId");

            ipc.send("");
            ipc.send("   ");
            ipc.send("{\"type\":\"unsubscribe_user_video\",\"userId\":\"still-here\"}");
            assertThat(errors(ipc.sync())).isEmpty(); // blank lines are skipped silently
            assertThat(ipc.recorder().calls).containsExactly("unsubscribeVideo still-here");
            assertThat(ipc.daemon.inputCounters().invalidJson()).isEqualTo(1);
            assertThat(ipc.daemon.inputCounters().invalidRequest()).isEqualTo(4); // 3 above + the sync marker
        }
    }

    @Test
    void aLineOverEightMebibytesIsRefusedUnreadAndOneAtTheLimitIsServed() throws Exception {
        try (IpcHarness ipc = IpcHarness.recording()) {
            byte[] over = new byte[LineReader.MAX_LINE_BYTES + 2];
            Arrays.fill(over, (byte) 'x');
            over[over.length - 1] = '\n';
            ipc.sendRaw(over);
            JsonNode e = ipc.next("error").json();
            assertThat(e.get("code").asText()).isEqualTo("input_too_large");
            assertThat(e.get("message").asText()).contains(Integer.toString(LineReader.MAX_LINE_BYTES + 1));

            // a valid command padded with JSON whitespace to exactly the limit
            byte[] cmd = "{\"type\":\"unsubscribe_user_video\",\"userId\":\"at-limit\"}".getBytes(StandardCharsets.UTF_8);
            byte[] atLimit = new byte[LineReader.MAX_LINE_BYTES + 1];
            Arrays.fill(atLimit, (byte) ' ');
            System.arraycopy(cmd, 0, atLimit, 0, cmd.length);
            atLimit[atLimit.length - 1] = '\n';
            ipc.sendRaw(atLimit);
            assertThat(errors(ipc.sync())).isEmpty();
            assertThat(ipc.recorder().calls).containsExactly("unsubscribeVideo at-limit");
            assertThat(ipc.daemon.inputCounters().tooLarge()).isEqualTo(1);
        }
    }

    @Test
    void everyAudioAndMusicCommandIsAnsweredUnsupportedNamingIt() throws Exception {
        try (IpcHarness ipc = IpcHarness.recording()) {
            List<String> unsupported = CommandParserTest.fixture().stream()
                    .filter(l -> !CommandType.fromWireName(typeOf(l)).orElseThrow().supported())
                    .toList();
            assertThat(unsupported).hasSizeGreaterThanOrEqualTo(11);
            for (String line : unsupported) {
                ipc.send(line);
                String type = typeOf(line);
                JsonNode e = ipc.next("error").json();
                assertThat(e.get("code").asText()).isEqualTo("unsupported_command");
                assertThat(e.get("command").asText()).isEqualTo(type);
                assertThat(e.get("message").asText()).contains("\"" + type + "\"");
            }
            ipc.send("{\"type\":\"stream_publish_pause\"}");
            assertThat(errors(ipc.sync())).isEmpty();
            assertThat(ipc.recorder().calls).containsExactly("publishPause"); // nothing else was disturbed
        }
    }

    @Test
    void theCompatibilityFixtureDrivesTheLegsAsClankvoxWould() throws Exception {
        try (IpcHarness ipc = IpcHarness.recording()) {
            for (String line : CommandParserTest.fixture()) {
                if (!line.contains("\"destroy\"")) {
                    ipc.send(line);
                }
            }
            List<Frames.Frame> frames = ipc.sync();
            JsonNode adapter = frames.stream().filter(f -> f.type().equals("adapter_send")).findFirst().orElseThrow().json();
            assertThat(adapter.get("payload").toString()).isEqualTo("{\"op\":4,\"d\":{\"guild_id\":\"1100000000000000001\","
                    + "\"channel_id\":\"1100000000000000002\",\"self_mute\":true,\"self_deaf\":false}}");
            assertThat(frames.stream().filter(f -> f.type().equals("transport_state")).map(f -> f.json().get("role").asText()))
                    .containsExactly("voice", "stream_watch", "stream_publish");
            assertThat(errors(frames)).allSatisfy(f -> assertThat(f.json().get("code").asText()).isEqualTo("unsupported_command"));
            assertThat(ipc.recorder().calls).containsExactly(
                    "connect voice c-fra09-1a2b3c4d.discord.media:443 3e2b1c0a9f8d7e6c 1100000000000000001 "
                            + "5d2c0e8f4b7a4f3c9e1d2a6b8c0f7e5d 1100000000000000003 1100000000000000002",
                    "connect stream_watch c-fra09-5e6f7a8b.discord.media:443 a1b2c3d4e5f60718 1200000000000000010 "
                            + "5d2c0e8f4b7a4f3c9e1d2a6b8c0f7e5d 1100000000000000003 1200000000000000009",
                    "disconnect stream_watch stream_deleted",
                    "disconnect stream_watch null",
                    "connect stream_publish c-fra09-9c0d1e2f.discord.media:443 0f1e2d3c4b5a6978 1200000000000000020 "
                            + "5d2c0e8f4b7a4f3c9e1d2a6b8c0f7e5d 1100000000000000003 1200000000000000019",
                    "disconnect stream_publish stream_stopped",
                    "disconnect stream_publish null",
                    "subscribeVideo " + new Command.SubscribeUserVideo("1100000000000000004", 2, 100, 921600, "screen", 75),
                    "subscribeVideo " + new Command.SubscribeUserVideo("1100000000000000005", 2, 100, null, null, 75),
                    "unsubscribeVideo 1100000000000000004",
                    "publishUrl https://www.youtube.com/watch?v=dQw4w9WgXcQ false",
                    "publishFramesStart image/png",
                    "publishFrame \u0089PNG\r\n\u001a\n 1763712000123",
                    "publishPause",
                    "publishResume",
                    "publishStop");
        }
    }

    @Test
    void theVoiceLegConnectsOnceJoinServerAndStateAreAllKnownAndFollowsTheirChanges() throws Exception {
        try (IpcHarness ipc = IpcHarness.recording()) {
            ipc.send("{\"type\":\"voice_state\",\"data\":{\"session_id\":\"s1\",\"user_id\":\"u\",\"channel_id\":\"c\"}}");
            ipc.send("{\"type\":\"voice_server\",\"data\":{\"endpoint\":\"e1\",\"token\":\"t1\"}}");
            ipc.sync();
            assertThat(ipc.recorder().calls).isEmpty(); // no guild yet: join not seen
            ipc.send("{\"type\":\"join\",\"guildId\":\"g\",\"channelId\":\"c\"}");
            ipc.send("{\"type\":\"voice_server\",\"data\":{\"endpoint\":\"e1\",\"token\":\"t1\"}}"); // repeated: no reconnect
            ipc.send("{\"type\":\"voice_server\",\"data\":{\"endpoint\":null}}");
            ipc.send("{\"type\":\"voice_server\",\"data\":{\"endpoint\":\"e2\",\"token\":\"t2\"}}");
            ipc.send("{\"type\":\"voice_state\",\"data\":{\"session_id\":\"s1\",\"user_id\":\"u\",\"channel_id\":null}}");
            ipc.sync();
            assertThat(ipc.recorder().calls).containsExactly(
                    "connect voice e1 t1 g s1 u c",
                    "disconnect voice voice server unavailable",
                    "connect voice e2 t2 g s1 u c",
                    "disconnect voice left voice channel");
        }
    }

    private static List<String> ipcThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("mediaplane-ipc")).toList();
    }

    @Test
    void endOfInputClosesTheBackendWritesWhatIsQueuedAndLeavesNoThreads() throws Exception {
        IpcHarness ipc = IpcHarness.recording();
        ipc.send("{\"type\":\"stream_watch_connect\",\"endpoint\":\"e\",\"token\":\"t\",\"serverId\":\"1\","
                + "\"sessionId\":\"s\",\"userId\":\"u\",\"daveChannelId\":\"0\"}");
        ipc.send("{oops"); // answered even though input ends right after
        assertThat(ipc.endInput()).isEqualTo(IpcDaemon.Stop.END_OF_INPUT);
        assertThat(IpcDaemon.Stop.END_OF_INPUT.exitStatus()).isZero();
        assertThat(ipc.recorder().closed).isTrue();
        assertThat(ipc.recorder().calls).last().isEqualTo("close");
        assertThat(ipc.next("transport_state").json().get("status").asText()).isEqualTo("connecting");
        assertThat(ipc.next("error").json().get("code").asText()).isEqualTo("invalid_json");
        assertThat(ipcThreads()).isEmpty();
    }

    @Test
    void destroyStopsTheDaemonWithoutWaitingForEndOfInput() throws Exception {
        IpcHarness ipc = IpcHarness.recording();
        ipc.send("{\"type\":\"destroy\"}");
        assertThat(ipc.awaitStop()).isEqualTo(IpcDaemon.Stop.DESTROY);
        assertThat(ipc.recorder().closed).isTrue();
        assertThat(ipcThreads()).isEmpty();
    }

    @Test
    void stopFromAnotherThreadClosesTheBackendLikeDestroy() throws Exception {
        IpcHarness ipc = IpcHarness.recording();
        ipc.send("{\"type\":\"stream_publish_pause\"}");
        ipc.sync();
        assertThat(ipc.daemon.stop(IpcHarness.WAIT)).isTrue();
        assertThat(ipc.awaitStop()).isEqualTo(IpcDaemon.Stop.STOPPED);
        assertThat(ipc.recorder().calls).containsExactly("publishPause", "close");
        assertThat(ipcThreads()).doesNotContain("mediaplane-ipc-writer");
        // the reader may still wait in a read (a signal does not end input); it ends with the input
        assertThat(ipc.endInput()).isEqualTo(IpcDaemon.Stop.STOPPED);
        for (int i = 0; i < 3000 && !ipcThreads().isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertThat(ipcThreads()).isEmpty();
    }
}
