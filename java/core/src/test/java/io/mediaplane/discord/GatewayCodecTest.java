package io.mediaplane.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediaplane.crypto.DiscordAeadMode;
import io.mediaplane.stream.Codec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class GatewayCodecTest {

    private static JsonNode json(String s) throws Exception {
        return GatewayCodec.JSON.readTree(s);
    }

    @Test
    void envelopeKeepsOpcodeSequenceAndPayload() {
        GatewayMessage m = GatewayCodec.parse("{\"op\":2,\"d\":{\"ssrc\":1},\"seq\":41}");
        assertThat(m.op()).isEqualTo(2);
        assertThat(m.opcode()).isEqualTo(VoiceOpcode.READY);
        assertThat(m.seq()).isEqualTo(41);
        assertThat(m.d().path("ssrc").asInt()).isEqualTo(1);
        GatewayMessage unknown = GatewayCodec.parse("{\"op\":99,\"d\":null}");
        assertThat(unknown.opcode()).isNull();
        assertThat(unknown.seq()).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "null", "[]", "42", "\"op\"", "{", "{\"d\":{}}", "{\"op\":\"2\"}", "{\"op\":-1}",
            "{\"op\":1.5}", "{\"op\":99999999999}", "{\"op\":2,\"seq\":-3}", "{\"op\":2,\"seq\":\"x\"}",
            "{\"op\":2}garbage{", "\u0000\u0001"})
    void malformedEnvelopesAreNull(String text) {
        assertThat(GatewayCodec.parse(text)).isNull();
    }

    @Test
    void deepNestingIsRefusedNotOverflowed() {
        String deep = "{\"op\":1,\"d\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertThat(GatewayCodec.parse(deep)).isNull();
    }

    @Test
    void readyParsesAndRejectsBadFields() throws Exception {
        GatewayCodec.Ready r = GatewayCodec.parseReady(json("""
                {"ssrc":4294967295,"ip":"10.0.0.1","port":50001,"modes":["aead_aes256_gcm_rtpsize"],
                 "experiments":["x"],"streams":[{"type":"video","rid":"100","ssrc":7,"quality":100,"active":false},
                 {"ssrc":0}]}"""));
        assertThat(r.ssrc()).isEqualTo(-1); // unsigned 32-bit kept in an int
        assertThat(r.port()).isEqualTo(50001);
        assertThat(r.modes()).containsExactly("aead_aes256_gcm_rtpsize");
        assertThat(r.streams()).hasSize(1); // zero SSRC placeholders dropped
        assertThat(r.streams().getFirst().rtxSsrc()).isEqualTo(8); // missing rtx_ssrc: ssrc + 1
        assertThat(GatewayCodec.parseReady(json("{\"ssrc\":1,\"ip\":\"a\",\"port\":0,\"modes\":[]}"))).isNull();
        assertThat(GatewayCodec.parseReady(json("{\"ssrc\":-1,\"ip\":\"a\",\"port\":1,\"modes\":[]}"))).isNull();
        assertThat(GatewayCodec.parseReady(json("{\"ssrc\":1,\"ip\":\"a\",\"port\":1,\"modes\":[1]}"))).isNull();
        assertThat(GatewayCodec.parseReady(json("{\"ssrc\":1,\"ip\":\"a\",\"port\":1}"))).isNull();
        assertThat(GatewayCodec.parseReady(json("[1]"))).isNull();
        assertThat(GatewayCodec.parseReady(null)).isNull();
    }

    @Test
    void sessionDescriptionNeedsThirtyTwoKeyBytes() throws Exception {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            key.append(i == 0 ? "" : ",").append(255 - i);
        }
        GatewayCodec.SessionDescription sd = GatewayCodec.parseSessionDescription(json(
                "{\"mode\":\"aead_xchacha20_poly1305_rtpsize\",\"secret_key\":[" + key
                        + "],\"dave_protocol_version\":1,\"video_codec\":\"H264\"}"));
        assertThat(sd.secretKey()[0] & 0xFF).isEqualTo(255);
        assertThat(sd.daveProtocolVersion()).isEqualTo(1);
        assertThat(GatewayCodec.videoCodec(sd.videoCodec())).isEqualTo(Codec.H264);
        assertThat(GatewayCodec.parseSessionDescription(json("{\"mode\":\"m\",\"secret_key\":[1,2]}"))).isNull();
        assertThat(GatewayCodec.parseSessionDescription(json(
                "{\"mode\":\"m\",\"secret_key\":[" + key.toString().replace("255", "256") + "]}"))).isNull();
    }

    @Test
    void videoSpeakingClientsAndSinkWants() throws Exception {
        GatewayCodec.Video v = GatewayCodec.parseVideo(json("""
                {"user_id":"18446744073709551615","audio_ssrc":1,"video_ssrc":2,
                 "streams":[{"type":"screen","rid":"100","ssrc":2,"rtx_ssrc":3,"active":true,"quality":100,
                 "max_bitrate":2500000,"max_framerate":30,"max_resolution":{"type":"fixed","width":1280,"height":720}}]}"""));
        assertThat(v.userId()).isEqualTo(-1L); // unsigned 64-bit snowflake
        assertThat(v.streams().getFirst()).isEqualTo(new VideoStreamDescriptor("screen", "100", 2, 3, true, 100,
                2_500_000, 30, "fixed", 1280, 720));
        assertThat(GatewayCodec.parseVideo(json("{\"user_id\":\"12a\"}"))).isNull();
        assertThat(GatewayCodec.parseSpeaking(json("{\"user_id\":\"9\",\"ssrc\":4,\"speaking\":2}")))
                .isEqualTo(new GatewayCodec.Speaking(9, 4, 2));
        assertThat(GatewayCodec.parseClientsConnect(json("{\"user_ids\":[\"1\",\"2\"]}"))).containsExactly(1L, 2L);
        assertThat(GatewayCodec.parseClientsConnect(json("{\"user_ids\":[\"-1\"]}"))).isNull();
        // both the documented flat form and clankvox's "streams" wrapper
        assertThat(GatewayCodec.parseSinkWants(json("{\"any\":50,\"7\":100,\"pixelCounts\":{\"7\":9.0}}")))
                .isEqualTo(new GatewayCodec.SinkWants(Map.of(7, 100), 50));
        assertThat(GatewayCodec.parseSinkWants(json("{\"any\":0,\"streams\":{\"7\":30}}")))
                .isEqualTo(new GatewayCodec.SinkWants(Map.of(7, 30), 0));
        assertThat(GatewayCodec.parseSinkWants(json("{\"7\":101}"))).isNull();
    }

    private static LegConfig.Builder config(LegRole role) {
        return LegConfig.builder(role, "voice.example:443", "1001", 42, "sess", "tok");
    }

    @Test
    void identifyCarriesEveryField() throws Exception {
        JsonNode v8 = json(GatewayCodec.identify(config(LegRole.STREAM_WATCH).build(),
                List.of(new VideoStreamDescriptor("screen", "100", 0, 0, true, 100, 0, 0, null, 0, 0))));
        assertThat(v8.path("op").asInt()).isZero();
        JsonNode d = v8.path("d");
        assertThat(d.path("server_id").asText()).isEqualTo("1001");
        assertThat(d.path("user_id").asText()).isEqualTo("42");
        assertThat(d.path("session_id").asText()).isEqualTo("sess");
        assertThat(d.path("token").asText()).isEqualTo("tok");
        assertThat(d.path("video").asBoolean()).isTrue();
        assertThat(d.path("max_dave_protocol_version").asInt()).isZero();
        assertThat(d.has("channel_id")).isFalse();
        assertThat(d.path("streams").path(0).path("type").asText()).isEqualTo("screen");
        assertThat(d.path("streams").path(0).path("rid").asText()).isEqualTo("100");

        DaveHook dave = new DaveHook() {
            @Override
            public int maxProtocolVersion() {
                return 1;
            }
        };
        JsonNode v9 = json(GatewayCodec.identify(config(LegRole.STREAM_WATCH).gatewayVersion(9).channelId("1000")
                .daveHook(dave).build(), List.of()));
        assertThat(v9.path("d").path("channel_id").asText()).isEqualTo("1000");
        assertThat(v9.path("d").path("max_dave_protocol_version").asInt()).isEqualTo(1);
        assertThatThrownBy(() -> config(LegRole.VOICE).gatewayVersion(9).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> config(LegRole.VOICE).gatewayVersion(7).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void selectProtocolOffersCodecsByRole() throws Exception {
        JsonNode watch = json(GatewayCodec.selectProtocol(LegRole.STREAM_WATCH, "1.2.3.4", 5, "aead_aes256_gcm_rtpsize",
                List.of("e"))).path("d");
        assertThat(watch.path("protocol").asText()).isEqualTo("udp");
        assertThat(watch.path("data").path("address").asText()).isEqualTo("1.2.3.4");
        assertThat(watch.path("data").path("mode").asText()).isEqualTo("aead_aes256_gcm_rtpsize");
        assertThat(watch.path("experiments").path(0).asText()).isEqualTo("e");
        List<String> names = watch.path("codecs").findValuesAsText("name");
        assertThat(names).containsExactly("opus", "H264", "VP8");
        JsonNode h264 = watch.path("codecs").path(1);
        assertThat(h264.path("payload_type").asInt()).isEqualTo(103);
        assertThat(h264.path("rtx_payload_type").asInt()).isEqualTo(104);
        assertThat(h264.path("decode").asBoolean()).isTrue();
        // lowest priority wins: H264 before VP8
        assertThat(h264.path("priority").asInt()).isLessThan(watch.path("codecs").path(2).path("priority").asInt());

        JsonNode publish = json(GatewayCodec.selectProtocol(LegRole.STREAM_PUBLISH, "1.2.3.4", 5, "m", List.of()))
                .path("d");
        assertThat(publish.path("codecs").findValuesAsText("name")).containsExactly("opus", "H264");
        assertThat(publish.path("codecs").path(1).path("encode").asBoolean()).isTrue();
    }

    @Test
    void heartbeatResumeSpeakingVideoSinkWants() throws Exception {
        assertThat(json(GatewayCodec.heartbeat(5, -1)).path("d").has("seq_ack")).isFalse();
        assertThat(json(GatewayCodec.heartbeat(5, 9)).path("d").path("seq_ack").asLong()).isEqualTo(9);
        JsonNode resume = json(GatewayCodec.resume(config(LegRole.VOICE).build(), 12));
        assertThat(resume.path("op").asInt()).isEqualTo(7);
        assertThat(resume.path("d").path("seq_ack").asLong()).isEqualTo(12);
        assertThat(resume.path("d").path("server_id").asText()).isEqualTo("1001");
        JsonNode speaking = json(GatewayCodec.speaking(2, -2)).path("d");
        assertThat(speaking.path("speaking").asInt()).isEqualTo(2);
        assertThat(speaking.path("ssrc").asLong()).isEqualTo(0xFFFF_FFFEL);
        assertThat(speaking.path("delay").asInt()).isZero();
        JsonNode video = json(GatewayCodec.video(1, List.of(VideoStreamDescriptor.defaultScreen(2, 3)))).path("d");
        assertThat(video.path("video_ssrc").asInt()).isEqualTo(2);
        assertThat(video.path("rtx_ssrc").asInt()).isEqualTo(3);
        assertThat(video.path("streams").path(0).path("max_resolution").path("width").asInt()).isEqualTo(1280);
        JsonNode wants = json(GatewayCodec.sinkWants(Map.of(7, 100), 0, Map.of(7, 921600.0))).path("d");
        assertThat(wants.path("7").asInt()).isEqualTo(100);
        assertThat(wants.path("any").asInt()).isZero();
        assertThat(wants.path("pixelCounts").path("7").asDouble()).isEqualTo(921600.0);
    }

    @Test
    void closeCodesDecideResumeReconnectOrStop() {
        assertThat(VoiceCloseCode.actionFor(1000)).isEqualTo(VoiceCloseCode.Action.RESUME);
        assertThat(VoiceCloseCode.actionFor(1006)).isEqualTo(VoiceCloseCode.Action.RESUME);
        assertThat(VoiceCloseCode.actionFor(4015)).isEqualTo(VoiceCloseCode.Action.RESUME);
        for (int code : new int[] {4014, 4021, 4022, 4004, 4016, 4017}) {
            assertThat(VoiceCloseCode.actionFor(code)).as("%d", code).isEqualTo(VoiceCloseCode.Action.GIVE_UP);
        }
        assertThat(VoiceCloseCode.actionFor(4006)).isEqualTo(VoiceCloseCode.Action.RECONNECT);
        assertThat(VoiceCloseCode.actionFor(4999)).isEqualTo(VoiceCloseCode.Action.RECONNECT);
        assertThat(VoiceCloseCode.describe(4014)).startsWith("4014 Disconnected");
        assertThat(VoiceOpcode.of(12)).isEqualTo(VoiceOpcode.VIDEO);
        assertThat(VoiceOpcode.of(10)).isNull();
        assertThat(VoiceOpcode.of(-1)).isNull();
        assertThat(DiscordAeadMode.of("aead_aes256_gcm_rtpsize")).isEqualTo(DiscordAeadMode.AES256_GCM_RTPSIZE);
    }
}
