package io.mediaplane.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Jazzer target for SDP from outside: the parser, every accessor of what it returns, and both answerers. Nothing
 * may throw; an answer must itself parse and keep one section per offered one. Replays the captured offers under
 * {@code SdpFuzzTestInputs/offer/} in every test run; fuzzes with JAZZER_FUZZ=1.
 */
class SdpFuzzTest {
    private static final List<NegotiatedMedia> PUBLISHED = published();

    private static List<NegotiatedMedia> published() {
        AnswerResult r = SdpFixtures.answerer(true).answerPublisher(
                SdpFixtures.preferVideo(SdpFixtures.offer("chromium-156-publish.sdp"), "H264", "1"));
        return ((AnswerResult.Answered) r).media();
    }

    @FuzzTest(maxDuration = "20s")
    void offer(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        if (SdpParser.parse(text) instanceof SdpParseResult.Parsed p) {
            SessionDescription d = p.description();
            d.bundleMids();
            d.iceLite();
            d.direction();
            for (SdpMedia m : d.media()) {
                m.mid();
                m.direction();
                m.iceUfrag();
                m.icePwd();
                m.fingerprints();
                m.setup();
                m.candidates();
                m.codecs();
                m.extensions();
                m.ssrcs();
                m.fidGroups();
                m.connectionAddress();
            }
        }
        check(SdpFixtures.answerer(true).answerPublisher(text), text);
        check(SdpFixtures.answerer(false).answerViewer(text, PUBLISHED), text);
        String[] error = new String[1];
        IceFragment.parse(text, error);
    }

    private static void check(AnswerResult r, String offer) {
        if (r instanceof AnswerResult.Answered a) {
            SdpParseResult answer = SdpParser.parse(a.sdp());
            assertThat(answer).isInstanceOf(SdpParseResult.Parsed.class);
            int offered = ((SdpParseResult.Parsed) SdpParser.parse(offer)).description().media().size();
            assertThat(((SdpParseResult.Parsed) answer).description().media()).hasSize(offered);
        }
    }
}
