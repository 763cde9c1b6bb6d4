package io.mediaplane.discord;

import static io.mediaplane.discord.PublishWatchRelayTest.RTC_SERVER;
import static io.mediaplane.discord.PublishWatchRelayTest.WATCHER;
import static io.mediaplane.discord.PublishWatchRelayTest.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.discord.emulator.VoiceServerEmulator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What the gateway sends is outside input: malformed or out-of-place messages become error events and the leg
 * stays ready; binary frames and DAVE opcodes reach the {@link DaveHook} with their sequence numbers, which the
 * next heartbeat acknowledges; Clients Connect / Disconnect keep the member list.
 */
class GatewayInputTest {

    @Test
    void malformedInputIsReportedAndTheLegKeepsGoing() throws Exception {
        List<String> hookCalls = new CopyOnWriteArrayList<>();
        DaveHook hook = new DaveHook() {
            @Override
            public int maxProtocolVersion() {
                return 1;
            }

            @Override
            public void onBinary(int sequence, int opcode, byte[] payload, GatewaySender sender) {
                hookCalls.add("binary " + sequence + " " + opcode + " " + payload.length);
                sender.sendBinary(26, new byte[] {1, 2, 3}); // e.g. a key package
            }

            @Override
            public void onJson(VoiceOpcode opcode, String payloadJson, GatewaySender sender) {
                hookCalls.add("json " + opcode.code() + " " + payloadJson);
                sender.sendJson(23, "{\"transition_id\":5}");
            }

            @Override
            public void onClientsConnect(java.util.Set<Long> userIds) {
                hookCalls.add("connect " + userIds);
            }
        };
        LegRecorder events = new LegRecorder();
        try (VoiceServerEmulator emulator = VoiceServerEmulator.start();
                DiscordLeg leg = DiscordLeg.connect(config(emulator, LegRole.STREAM_WATCH, WATCHER, "s")
                        .daveHook(hook).build(), events)) {
            assertThat(leg.awaitState(LegState.READY, Duration.ofSeconds(10))).isTrue();
            assertThat(emulator.received(0).getFirst().d().path("max_dave_protocol_version").asInt()).isEqualTo(1);
            List<String> bad = List.of("not json", "{\"op\":\"x\"}", "[1,2]", "{\"op\":2,\"d\":{}}",
                    "{\"op\":12,\"d\":{\"user_id\":\"12a\"}}", "{\"op\":5,\"d\":[]}", "{\"op\":11,\"d\":{}}",
                    "{\"op\":13,\"d\":{\"user_id\":-4}}", "{\"op\":15,\"d\":{\"7\":500}}", "{\"op\":4,\"d\":{}}",
                    "{\"op\":9}", "{\"op\":8,\"d\":{}}" + "x");
            for (String text : bad) {
                emulator.sendRawText(RTC_SERVER, WATCHER, text);
            }
            emulator.sendRawBinary(RTC_SERVER, WATCHER, new byte[] {0, 1}); // shorter than [u16 seq][u8 op]
            emulator.sendRawText(RTC_SERVER, WATCHER, "{\"op\":99,\"d\":{}}"); // unknown: ignored silently
            assertThat(LegRecorder.await(() -> events.errors.size() >= bad.size() + 1, 5000))
                    .as("%s", events.errors).isTrue();
            assertThat(events.errors).allMatch(e -> e.startsWith("MALFORMED") || e.startsWith("UNEXPECTED"));

            emulator.sendRawText(RTC_SERVER, WATCHER, "{\"op\":11,\"d\":{\"user_ids\":[\"31\",\"32\"]},\"seq\":70}");
            emulator.sendRawText(RTC_SERVER, WATCHER, "{\"op\":13,\"d\":{\"user_id\":\"31\"},\"seq\":71}");
            emulator.sendRawText(RTC_SERVER, WATCHER, "{\"op\":21,\"d\":{\"transition_id\":5,\"protocol_version\":1}}");
            emulator.sendRawBinary(RTC_SERVER, WATCHER, new byte[] {0x01, 0x00, 25, 9, 9}); // seq 256, op 25
            assertThat(LegRecorder.await(() -> hookCalls.size() >= 3, 5000)).as("%s", hookCalls).isTrue();
            assertThat(hookCalls).containsExactly("connect [31, 32]",
                    "json 21 {\"transition_id\":5,\"protocol_version\":1}", "binary 256 25 2");
            assertThat(LegRecorder.await(() -> leg.connectedUsers().equals(java.util.Set.of(32L)), 5000)).isTrue();
            // the hook's answers: binary [26][payload] and JSON op 23
            assertThat(LegRecorder.await(() -> !emulator.received(26).isEmpty() && !emulator.received(23).isEmpty(),
                    5000)).isTrue();
            assertThat(emulator.received(23).getFirst().d().path("transition_id").asInt()).isEqualTo(5);
            // the next heartbeat acknowledges the binary frame's sequence number (v8 seq_ack)
            int before = emulator.received(3).size();
            assertThat(LegRecorder.await(() -> emulator.received(3).size() > before, 5000)).isTrue();
            assertThat(emulator.received(3).getLast().d().path("seq_ack").asLong()).isEqualTo(256);
            assertThat(leg.state()).isEqualTo(LegState.READY);
            assertThat(events.closes).isEmpty();
        }
    }
}
