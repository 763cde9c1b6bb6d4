package io.mediaplane.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.stream.Codec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class SdpAnswererTest {
    static final List<String> PUBLISH = SdpFixtures.PUBLISH_OFFERS;

    private static AnswerResult.Answered answered(AnswerResult r) {
        assertThat(r).isInstanceOf(AnswerResult.Answered.class);
        return (AnswerResult.Answered) r;
    }

    private static AnswerResult.Refused refused(AnswerResult r) {
        assertThat(r).isInstanceOf(AnswerResult.Refused.class);
        return (AnswerResult.Refused) r;
    }

    @ParameterizedTest
    @FieldSource("PUBLISH")
    void everyPublisherOfferGetsAJsepAnswer(String name) {
        AnswerResult.Answered a = answered(SdpFixtures.answerer(true).answerPublisher(SdpFixtures.offer(name)));
        SessionDescription answer = ((SdpParseResult.Parsed) SdpParser.parse(a.sdp())).description();
        assertThat(answer.iceLite()).isTrue();
        List<SdpMedia> offered = ((SdpParseResult.Parsed) SdpParser.parse(SdpFixtures.offer(name))).description()
                .media();
        assertThat(answer.media()).hasSameSizeAs(offered);
        for (int i = 0; i < offered.size(); i++) {
            SdpMedia m = answer.media().get(i);
            assertThat(m.mid()).isEqualTo(offered.get(i).mid());
            assertThat(m.kind()).isEqualTo(offered.get(i).kind());
            assertThat(m.port()).isEqualTo(40000);
            assertThat(m.direction()).isEqualTo(Direction.RECVONLY);
            assertThat(m.hasAttribute("rtcp-mux")).isTrue();
            assertThat(m.hasAttribute("rtcp-mux-only")).isTrue();
            assertThat(m.iceUfrag()).isEqualTo("mpUfrg01");
            assertThat(m.fingerprints()).containsExactly(SdpFixtures.LOCAL_FINGERPRINT);
            assertThat(m.candidates()).singleElement().satisfies(c -> {
                assertThat(c.address()).isEqualTo("127.0.0.1");
                assertThat(c.port()).isEqualTo(40000);
            });
            assertThat(m.formats()).contains(String.valueOf(a.media().get(i).payloadType()));
        }
        assertThat(answer.bundleMids()).containsExactlyElementsOf(
                offered.stream().map(SdpMedia::mid).toList());
        assertThat(a.remoteFingerprints()).hasSize(1);
    }

    @Test
    void chromiumPreferringH264GetsH264PacketizationMode1WithItsFeedbackAndRtx() {
        String offer = SdpFixtures.preferVideo(SdpFixtures.offer("chromium-156-publish.sdp"), "H264", "1");
        AnswerResult.Answered a = answered(SdpFixtures.answerer(true).answerPublisher(offer));
        NegotiatedMedia v = a.video();
        assertThat(v.codec()).isEqualTo(Codec.H264);
        assertThat(v.payloadType()).isEqualTo(102);
        assertThat(v.rtxPayloadType()).isEqualTo(103);
        assertThat(v.parameters()).containsEntry("profile-level-id", "42001f").containsEntry("packetization-mode",
                "1");
        assertThat(v.nack()).isTrue();
        assertThat(v.pli()).isTrue();
        assertThat(v.fir()).isTrue();
        assertThat(v.remoteSsrc()).isEqualTo(1624948968L);
        assertThat(v.remoteRtxSsrc()).isEqualTo(2830034191L);
        assertThat(v.extensions()).isEqualTo(new HeaderExtensions(4, 2, 0, 5));
        assertThat(a.sdp()).contains("a=rtpmap:102 H264/90000\r\n", "a=fmtp:103 apt=102\r\n",
                "a=rtcp-fb:102 nack pli\r\n", "a=extmap:5 " + HeaderExtensions.PLAYOUT_DELAY + "\r\n",
                "a=setup:passive\r\n", "a=rtcp-rsize\r\n")
                .doesNotContain("transport-cc");
        assertThat(a.audio().codec()).isEqualTo(Codec.OPUS);
        assertThat(a.audio().payloadType()).isEqualTo(111);
        assertThat(a.localRole()).isEqualTo(io.mediaplane.net.DtlsRole.SERVER);
        assertThat(a.remoteCandidates()).extracting(IceCandidate::address)
                .containsExactly("127.0.0.1", "192.0.2.2", "::1", "fd00::2");
    }

    @Test
    void chromiumDefaultOrderGetsVp8() {
        AnswerResult.Answered a = answered(SdpFixtures.answerer(false)
                .answerPublisher(SdpFixtures.offer("chromium-156-publish.sdp")));
        assertThat(a.video().codec()).isEqualTo(Codec.VP8);
        assertThat(a.video().rtxPayloadType()).isEqualTo(-1);
        assertThat(a.sdp()).doesNotContain("rtx");
    }

    @Test
    void h264PacketizationMode0AloneIsRefusedAsNotAcceptable() {
        String offer = SdpFixtures.offer("werift-0.24-publish.sdp").replace("packetization-mode=1",
                "packetization-mode=0");
        AnswerResult.Refused r = refused(SdpFixtures.answerer(true).answerPublisher(offer));
        assertThat(r.reason()).isEqualTo(Refusal.NO_ACCEPTABLE_CODEC);
        assertThat(r.reason().httpStatus()).isEqualTo(406);
        assertThat(r.detail()).contains("packetization-mode=0");
    }

    @Test
    void ffmpegPassiveOfferMakesUsTheDtlsClient() {
        AnswerResult.Answered a = answered(SdpFixtures.answerer(true)
                .answerPublisher(SdpFixtures.offer("ffmpeg-8.1-publish.sdp")));
        assertThat(a.localRole()).isEqualTo(io.mediaplane.net.DtlsRole.CLIENT);
        assertThat(a.sdp()).contains("a=setup:active\r\n");
        assertThat(a.video().codec()).isEqualTo(Codec.H264);
        assertThat(a.video().remoteSsrc()).isEqualTo(2367752187L);
        assertThat(a.audio().remoteSsrc()).isEqualTo(2367752186L);
        assertThat(a.remoteCandidates()).isEmpty();
    }

    @Test
    void viewerGetsOnlyThePublishedCodecUnderItsOwnPayloadTypesAndNewSsrcs() {
        AnswerResult.Answered pub = answered(SdpFixtures.answerer(true).answerPublisher(
                SdpFixtures.preferVideo(SdpFixtures.offer("chromium-156-publish.sdp"), "H264", "1")));
        AnswerResult.Answered view = answered(SdpFixtures.answerer(true)
                .answerViewer(SdpFixtures.offer("chromium-156-view.sdp"), pub.media()));
        NegotiatedMedia v = view.video();
        assertThat(v.codec()).isEqualTo(Codec.H264);
        assertThat(v.direction()).isEqualTo(Direction.SENDONLY);
        // the viewer's numbering: H264 mode 1 42001f is PT 102 in that offer, not necessarily the publisher's
        SdpMedia viewerVideo = ((SdpParseResult.Parsed) SdpParser.parse(SdpFixtures.offer("chromium-156-view.sdp")))
                .description().media().getFirst();
        RtpCodec offered = viewerVideo.codecs().stream().filter(c -> c.payloadType() == v.payloadType())
                .findFirst().orElseThrow();
        assertThat(offered.name()).isEqualTo("H264");
        assertThat(offered.parameter("packetization-mode")).isEqualTo("1");
        assertThat(v.extensions().mid()).isEqualTo(9);
        assertThat(v.localSsrc()).isNotEqualTo(pub.video().remoteSsrc()).isPositive();
        assertThat(v.localRtxSsrc()).isPositive();
        assertThat(view.sdp()).contains("a=ssrc-group:FID " + v.localSsrc() + " " + v.localRtxSsrc(),
                "a=msid:", "a=sendonly");
        SessionDescription answer = ((SdpParseResult.Parsed) SdpParser.parse(view.sdp())).description();
        assertThat(answer.media().getFirst().codecs()).extracting(RtpCodec::name).containsExactly("H264", "rtx");
    }

    @Test
    void viewerOfAVideoOnlyStreamHasItsAudioSectionRejected() {
        AnswerResult.Answered pub = answered(SdpFixtures.answerer(false)
                .answerPublisher(SdpFixtures.offer("werift-0.24-publish.sdp")));
        AnswerResult.Answered view = answered(SdpFixtures.answerer(false)
                .answerViewer(SdpFixtures.offer("chromium-156-view.sdp"), pub.media()));
        assertThat(view.media()).hasSize(1);
        SessionDescription answer = ((SdpParseResult.Parsed) SdpParser.parse(view.sdp())).description();
        assertThat(answer.media().get(1).port()).isZero();
        assertThat(answer.bundleMids()).containsExactly("0");
    }

    @Test
    void viewerWithoutThePublishedCodecIsNotAcceptable() {
        AnswerResult.Answered pub = answered(SdpFixtures.answerer(false)
                .answerPublisher(SdpFixtures.offer("pion-3.1-publish.sdp")));
        assertThat(pub.video().codec()).isEqualTo(Codec.VP8);
        String noVp8 = SdpFixtures.offer("werift-0.24-publish.sdp").replace("a=sendonly", "a=recvonly");
        AnswerResult.Refused r = refused(SdpFixtures.answerer(false).answerViewer(noVp8, pub.media()));
        assertThat(r.reason()).isEqualTo(Refusal.NO_ACCEPTABLE_CODEC);
        assertThat(r.detail()).contains("VP8");
    }

    @Test
    void directionsThatCannotWorkAreUnprocessable() {
        String recvonly = SdpFixtures.offer("obs-30-publish.sdp").replace("a=sendonly", "a=recvonly");
        assertThat(refused(SdpFixtures.answerer(false).answerPublisher(recvonly)).reason())
                .isEqualTo(Refusal.UNSUPPORTED_OFFER);
        AnswerResult.Answered pub = answered(SdpFixtures.answerer(false)
                .answerPublisher(SdpFixtures.offer("obs-30-publish.sdp")));
        assertThat(refused(SdpFixtures.answerer(false).answerViewer(SdpFixtures.offer("obs-30-publish.sdp"),
                pub.media())).reason()).isEqualTo(Refusal.UNSUPPORTED_OFFER);
    }

    @Test
    void missingTransportAttributesAreMalformedAndOtherShapesUnprocessable() {
        String obs = SdpFixtures.offer("obs-30-publish.sdp");
        assertThat(refused(SdpFixtures.answerer(false).answerPublisher(obs.replace("a=ice-ufrag:Pq4r\r\n", "")))
                .reason()).isEqualTo(Refusal.MALFORMED);
        assertThat(refused(SdpFixtures.answerer(false).answerPublisher(
                obs.replaceAll("a=fingerprint:[^\r]*\r\n", ""))).reason()).isEqualTo(Refusal.MALFORMED);
        assertThat(refused(SdpFixtures.answerer(false).answerPublisher("not sdp")).reason())
                .isEqualTo(Refusal.MALFORMED);
        assertThat(refused(SdpFixtures.answerer(false).answerPublisher(obs.replace("a=rtcp-mux\r\n", "")))
                .reason()).isEqualTo(Refusal.UNSUPPORTED_OFFER);
        String twoVideos = obs.replace("m=audio 9 UDP/TLS/RTP/SAVPF 111", "m=video 9 UDP/TLS/RTP/SAVPF 96")
                .replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:96 VP8/90000");
        assertThat(refused(SdpFixtures.answerer(false).answerPublisher(twoVideos)).detail())
                .contains("more than one video");
        String rtpAvp = obs.replace("UDP/TLS/RTP/SAVPF", "RTP/AVP");
        assertThat(refused(SdpFixtures.answerer(false).answerPublisher(rtpAvp)).reason())
                .isEqualTo(Refusal.UNSUPPORTED_OFFER);
    }

    @Test
    void dataChannelSectionsAreRejectedNotFatal() {
        String withData = SdpFixtures.offer("werift-0.24-publish.sdp").replace("a=group:BUNDLE 0", "a=group:BUNDLE 0 1")
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\n"
                + "a=sctp-port:5000\r\n";
        AnswerResult.Answered a = answered(SdpFixtures.answerer(false).answerPublisher(withData));
        assertThat(a.sdp()).contains("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n");
        assertThat(a.sdp()).contains("a=group:BUNDLE 0\r\n");
    }
}
