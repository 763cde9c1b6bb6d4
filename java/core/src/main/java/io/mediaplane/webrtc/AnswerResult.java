package io.mediaplane.webrtc;

import io.mediaplane.net.DtlsFingerprint;
import io.mediaplane.net.DtlsRole;
import java.util.List;

/** The outcome of answering an offer: the answer and what it settled, or a refusal with a sentence for a person. */
public sealed interface AnswerResult {

    /**
     * @param sdp               the answer text (CRLF line ends)
     * @param remoteUfrag       the offerer's ICE username fragment
     * @param remotePwd         the offerer's ICE password
     * @param remoteFingerprints the certificate fingerprints the offerer's DTLS certificate must match
     * @param localRole         our DTLS role, from the offer's {@code a=setup} (RFC 8842 §5.3)
     * @param remoteCandidates  the offer's UDP candidates (possibly none: OBS gathers after the answer)
     * @param media             the accepted media sections in offer order
     */
    record Answered(String sdp, String remoteUfrag, String remotePwd, List<DtlsFingerprint> remoteFingerprints,
                    DtlsRole localRole, List<IceCandidate> remoteCandidates, List<NegotiatedMedia> media)
            implements AnswerResult {
        public Answered {
            remoteFingerprints = List.copyOf(remoteFingerprints);
            remoteCandidates = List.copyOf(remoteCandidates);
            media = List.copyOf(media);
        }

        public NegotiatedMedia video() {
            return media.stream().filter(m -> m.codec().isVideo()).findFirst().orElse(null);
        }

        public NegotiatedMedia audio() {
            return media.stream().filter(m -> !m.codec().isVideo()).findFirst().orElse(null);
        }
    }

    record Refused(Refusal reason, String detail) implements AnswerResult { }
}
