package io.mediaplane.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Test;

class SdpParserTest {
    static final List<String> ALL = List.of("chromium-156-publish.sdp", "chromium-156-view.sdp",
            "ffmpeg-8.1-publish.sdp", "obs-30-publish.sdp", "werift-0.24-publish.sdp", "pion-3.1-publish.sdp");

    private static SessionDescription parse(String text) {
        SdpParseResult r = SdpParser.parse(text);
        assertThat(r).isInstanceOf(SdpParseResult.Parsed.class);
        return ((SdpParseResult.Parsed) r).description();
    }

    @ParameterizedTest
    @FieldSource("ALL")
    void everyCapturedOfferParsesWithItsTransportAttributes(String name) {
        SessionDescription d = parse(SdpFixtures.offer(name));
        assertThat(d.media()).isNotEmpty();
        for (SdpMedia m : d.media()) {
            assertThat(m.iceUfrag()).isNotBlank();
            assertThat(m.icePwd()).hasSizeGreaterThanOrEqualTo(22);
            assertThat(m.fingerprints()).singleElement().satisfies(f -> {
                assertThat(f.algorithm()).isEqualTo("sha-256");
                assertThat(f.digest()).hasSize(32);
            });
            assertThat(m.rtcpMux()).isTrue();
            assertThat(m.codecs()).isNotEmpty();
        }
    }

    @Test
    void chromiumOfferDetails() {
        SessionDescription d = parse(SdpFixtures.offer("chromium-156-publish.sdp"));
        assertThat(d.bundleMids()).containsExactly("0", "1");
        SdpMedia video = d.media().get(1);
        assertThat(video.kind()).isEqualTo("video");
        assertThat(video.mid()).isEqualTo("1");
        assertThat(video.direction()).isEqualTo(Direction.SENDONLY);
        assertThat(video.setup()).isEqualTo("actpass");
        RtpCodec h264 = video.codecs().stream().filter(c -> c.payloadType() == 102).findFirst().orElseThrow();
        assertThat(h264.name()).isEqualTo("H264");
        assertThat(h264.clockRate()).isEqualTo(90_000);
        assertThat(h264.parameter("profile-level-id")).isEqualTo("42001f");
        assertThat(h264.parameter("packetization-mode")).isEqualTo("1");
        assertThat(h264.feedback()).contains("nack", "nack pli", "ccm fir", "transport-cc");
        assertThat(video.extensions()).containsEntry(HeaderExtensions.MID, 4)
                .containsEntry(HeaderExtensions.PLAYOUT_DELAY, 5);
        assertThat(video.fidGroups()).containsEntry(1624948968L, 2830034191L);
        // udp and tcp candidates, IPv4 and IPv6
        assertThat(video.candidates()).hasSize(8).anySatisfy(c -> {
            assertThat(c.address()).isEqualTo("127.0.0.1");
            assertThat(c.port()).isEqualTo(54212);
            assertThat(c.isUdp()).isTrue();
            assertThat(c.type()).isEqualTo("host");
        });
        SdpMedia audio = d.media().get(0);
        assertThat(audio.codecs().getFirst()).satisfies(c -> {
            assertThat(c.name()).isEqualTo("opus");
            assertThat(c.channels()).isEqualTo(2);
            assertThat(c.parameter("useinbandfec")).isEqualTo("1");
        });
    }

    @Test
    void sessionLevelAttributesApplyToEverySection() {
        SessionDescription d = parse(SdpFixtures.offer("obs-30-publish.sdp"));
        for (SdpMedia m : d.media()) {
            assertThat(m.iceUfrag()).isEqualTo("Pq4r");
            assertThat(m.setup()).isEqualTo("actpass");
            assertThat(m.candidates()).isEmpty();
        }
        assertThat(d.media().get(1).ssrcs()).containsExactly(3120549211L);
    }

    @Test
    void lfLineEndsAndTrailingBlankLinesAreAccepted() {
        String lf = SdpFixtures.offer("ffmpeg-8.1-publish.sdp").replace("\r\n", "\n") + "\n\n";
        SessionDescription d = parse(lf);
        assertThat(d.media()).hasSize(2);
        assertThat(d.media().get(1).setup()).isEqualTo("passive");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|0|empty",
        "'x=0\r\n'|1|starts with v=0",
        "'v=1\r\no=- 1 1 IN IP4 0.0.0.0\r\n'|1|starts with v=0",
        "'v=0\r\nhello\r\n'|2|lower-case letter",
        "'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=video x UDP/TLS/RTP/SAVPF 96\r\n'|3|port",
        "'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nm=video 9\r\n'|3|formats",
        "'v=0\r\no=- 1 IN IP4\r\n'|2|six fields",
        "'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nc=IN IP9 x\r\n'|3|c=",
        "'v=0\r\ns=-\r\n'|0|no o= line",
        "'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\na=\r\n'|3|attribute needs a name",
        "'v=0\r\nv=0\r\n'|2|only once",
    })
    void malformedTextNamesTheLineAndTheReason(String text, int line, String reason) {
        SdpParseResult r = SdpParser.parse(text);
        assertThat(r).isInstanceOfSatisfying(SdpParseResult.Malformed.class, m -> {
            assertThat(m.line()).isEqualTo(line);
            assertThat(m.reason()).contains(reason);
        });
    }

    @Test
    void boundsStopHostileSizes() {
        StringBuilder many = new StringBuilder("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n");
        for (int i = 0; i < SdpParser.MAX_MEDIA + 1; i++) {
            many.append("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n");
        }
        assertThat(SdpParser.parse(many.toString())).isInstanceOf(SdpParseResult.Malformed.class);
        String longLine = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\na=x:" + "y".repeat(SdpParser.MAX_LINE_LENGTH) + "\r\n";
        assertThat(SdpParser.parse(longLine)).isInstanceOf(SdpParseResult.Malformed.class);
    }

    @Test
    void fingerprintsAndCandidatesRefuseMalformedValues() {
        String ok = SdpFixtures.offer("obs-30-publish.sdp");
        String fp = "a=fingerprint:sha-256 4E:3B:61:9A:7C:0D:22:85:1F:90:6E:B4:57:C8:2A:D1:93:0F:6B:48:E2:7D:15:AC:C9:38:F0:64:21:5E:BB:07";
        for (String bad : List.of("a=fingerprint:sha-256 AB:C", "a=fingerprint:sha-256 AB-CD", "a=fingerprint:sha-256",
                "a=fingerprint:sha-256 GG:00", "a=fingerprint:md9 AB:CD")) {
            SessionDescription d = parse(ok.replace(fp, bad));
            assertThat(d.media().getFirst().fingerprints()).as(bad).isEmpty();
        }
        assertThat(IceCandidate.parse("candidate:1 1 udp 2130706431 10.0.0.1 5000 typ host")).isNotNull();
        assertThat(IceCandidate.parse("1 1 udp 2130706431 10.0.0.1 70000 typ host")).isNull();
        assertThat(IceCandidate.parse("1 1 udp x 10.0.0.1 5000 typ host")).isNull();
        assertThat(IceCandidate.parse("1 1 udp 1 10.0.0.1 5000 host")).isNull();
    }
}
