package io.mediaplane.discord;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer target for everything a leg parses from the voice server: the gateway envelope, every typed payload
 * parser (whatever the opcode says, each parser sees each payload) and the IP discovery response. None may
 * throw. Replays the seeds under {@code GatewayFuzzTestInputs/messages/} (real message shapes) in every run.
 */
class GatewayFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void messages(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        GatewayMessage m = GatewayCodec.parse(text);
        if (m != null) {
            assertThat(m.op()).isNotNegative();
            JsonNode d = m.d();
            GatewayCodec.parseHello(d);
            GatewayCodec.parseReady(d);
            GatewayCodec.parseSessionDescription(d);
            GatewayCodec.parseSpeaking(d);
            GatewayCodec.parseVideo(d);
            GatewayCodec.parseClientsConnect(d);
            GatewayCodec.parseClientDisconnect(d);
            GatewayCodec.parseSinkWants(d);
            GatewayCodec.parseSessionUpdateVideoCodec(d);
        }
        MemorySegment s = MemorySegment.ofArray(data);
        IpDiscovery.parseResponse(s, 0, data.length, data.length >= 8 ? IpDiscovery.ssrc(s, 0) : 0);
    }
}
