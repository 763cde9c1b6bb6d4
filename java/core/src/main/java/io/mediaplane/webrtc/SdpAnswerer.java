package io.mediaplane.webrtc;

import io.mediaplane.codec.H264ProfileLevelId;
import io.mediaplane.codec.H264ProfileLevelId.Profile;
import io.mediaplane.net.DtlsFingerprint;
import io.mediaplane.net.DtlsRole;
import io.mediaplane.stream.Codec;
import io.mediaplane.stream.MediaKind;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Builds JSEP answers (RFC 9429 §5.3) for WHIP publishers and WHEP viewers (RFC 9725 §4.2): an ICE-lite agent
 * (RFC 8445 §2.5) whose host candidates are the media port's addresses, one DTLS-SRTP transport for the whole
 * BUNDLE group (RFC 9143) with {@code rtcp-mux-only} (RFC 8858), and per section the one codec we forward plus
 * its RTX and feedback. Answers keep the offer's payload type numbers and extension ids (RFC 3264 §6.1,
 * RFC 8285 §5), so nothing has to be translated on the way in.
 */
public final class SdpAnswerer {
    /** H264 profiles every WebRTC decoder we forward to handles (RFC 7742 §6.2 names the first three). */
    private static final Set<Profile> H264_PROFILES = Set.of(Profile.CONSTRAINED_BASELINE, Profile.BASELINE,
            Profile.MAIN, Profile.CONSTRAINED_HIGH, Profile.HIGH);
    /** RFC 6184 §8.1: a missing profile-level-id means Baseline level 1. */
    private static final String DEFAULT_PROFILE_LEVEL_ID = "42000a";

    /**
     * Our side of the transport.
     *
     * @param candidates the media port's addresses, written as host candidates in this order
     * @param cname      the RTCP CNAME of what we send (RFC 7022)
     * @param rtx        whether to negotiate RTX (only when retransmissions are served from a history)
     * @param transportCc whether to negotiate transport-wide congestion control feedback
     */
    public record Local(String iceUfrag, String icePwd, DtlsFingerprint fingerprint, List<InetSocketAddress> candidates,
                        String cname, boolean rtx, boolean transportCc) {
        public Local {
            candidates = List.copyOf(candidates);
        }
    }

    private final Local local;
    private final RandomGenerator random;

    public SdpAnswerer(Local local, RandomGenerator random) {
        this.local = local;
        this.random = random;
    }

    /** Answers a publisher's offer: we receive one video (H264 mode 1 or VP8) and one audio (Opus) section. */
    public AnswerResult answerPublisher(String offerText) {
        return answer(offerText, null);
    }

    /**
     * Answers a viewer's offer: we send, in each section, the codec {@code published} uses for that kind, with
     * SSRCs of our own (a viewer never sees the publisher's).
     */
    public AnswerResult answerViewer(String offerText, List<NegotiatedMedia> published) {
        return answer(offerText, List.copyOf(published));
    }

    private AnswerResult answer(String offerText, List<NegotiatedMedia> published) {
        boolean viewer = published != null;
        SessionDescription offer;
        switch (SdpParser.parse(offerText)) {
            case SdpParseResult.Malformed m -> {
                return new AnswerResult.Refused(Refusal.MALFORMED, "The offer is not a session description: " + m
                        + ".");
            }
            case SdpParseResult.Parsed p -> offer = p.description();
        }
        List<SdpMedia> sections = offer.media();
        if (sections.isEmpty()) {
            return unsupported("The offer has no media sections.");
        }
        // one transport for everything: ICE and DTLS parameters of the first live section (RFC 9143 §7.1.3)
        SdpMedia first = null;
        for (SdpMedia m : sections) {
            if (m.port() != 0) {
                first = m;
                break;
            }
        }
        if (first == null) {
            return unsupported("Every media section of the offer is rejected (port 0).");
        }
        String ufrag = first.iceUfrag();
        String pwd = first.icePwd();
        if (ufrag == null || pwd == null || ufrag.isBlank() || pwd.isBlank()) {
            return new AnswerResult.Refused(Refusal.MALFORMED,
                    "The offer has no a=ice-ufrag and a=ice-pwd (RFC 8839 §5.4).");
        }
        if (!validIceChars(ufrag, 4, 256) || !validIceChars(pwd, 22, 256)) {
            return new AnswerResult.Refused(Refusal.MALFORMED,
                    "The offer's ice-ufrag or ice-pwd is not 4 / 22 to 256 ice-chars (RFC 8839 §5.4).");
        }
        List<DtlsFingerprint> fingerprints = first.fingerprints();
        if (fingerprints.isEmpty()) {
            return new AnswerResult.Refused(Refusal.MALFORMED,
                    "The offer has no usable a=fingerprint for DTLS (RFC 8122 §5).");
        }
        DtlsRole localSetup;
        try {
            localSetup = DtlsRole.answering(first.setup());
        } catch (IllegalArgumentException e) {
            return unsupported("The offer's a=setup:" + first.setup() + " leaves no DTLS role to take (RFC 4145 §4).");
        }
        List<String> bundle = offer.bundleMids();

        StringBuilder body = new StringBuilder(2048);
        List<NegotiatedMedia> accepted = new ArrayList<>();
        List<String> acceptedMids = new ArrayList<>();
        boolean haveAudio = false;
        boolean haveVideo = false;
        Map<String, IceCandidate> remoteCandidates = new LinkedHashMap<>();
        String streamId = viewer ? "mediaplane-" + Long.toHexString(random.nextLong() >>> 16) : null;

        for (SdpMedia m : sections) {
            String kind = m.kind();
            boolean rtpKind = kind.equals("audio") || kind.equals("video");
            if (m.port() == 0 || !rtpKind) {
                reject(body, m);
                continue;
            }
            if (!m.proto().toUpperCase(java.util.Locale.ROOT).contains("SAVP")
                    || !m.proto().toUpperCase(java.util.Locale.ROOT).contains("TLS")) {
                return unsupported("The " + kind + " section uses " + m.proto()
                        + "; WebRTC media is UDP/TLS/RTP/SAVPF (RFC 8827).");
            }
            if (!m.rtcpMux()) {
                return unsupported("The " + kind + " section has no a=rtcp-mux; RTP and RTCP share the port here "
                        + "(RFC 8858).");
            }
            if (!ufrag.equals(m.iceUfrag()) || bundle.size() > 0 && m.mid() != null && !bundle.contains(m.mid())) {
                return unsupported("Every media section must share one transport (BUNDLE, RFC 9143).");
            }
            Direction d = m.direction();
            if (viewer ? !d.receives() : !d.sends()) {
                return unsupported("The " + kind + " section is " + d.attribute() + "; a "
                        + (viewer ? "WHEP viewer must receive (recvonly or sendrecv)."
                                : "WHIP publisher must send (sendonly or sendrecv)."));
            }
            MediaKind mediaKind = kind.equals("audio") ? MediaKind.AUDIO : MediaKind.VIDEO;
            if (mediaKind == MediaKind.AUDIO ? haveAudio : haveVideo) {
                return unsupported("The offer has more than one " + kind
                        + " section; one media stream holds at most one audio and one video track (RFC 9725 §4.2).");
            }
            NegotiatedMedia source = null;
            if (viewer) {
                for (NegotiatedMedia p : published) {
                    if (p.kind() == mediaKind) {
                        source = p;
                    }
                }
                if (source == null) {
                    reject(body, m); // the publisher sends no such track
                    continue;
                }
            }
            RtpCodec codec = choose(m.codecs(), mediaKind, source);
            if (codec == null) {
                return new AnswerResult.Refused(Refusal.NO_ACCEPTABLE_CODEC, viewer
                        ? "The " + kind + " section offers none of the codec the stream is published in ("
                                + describe(source) + ")."
                        : "The " + kind + " section offers no codec we forward: "
                                + (mediaKind == MediaKind.VIDEO ? "H264 with packetization-mode=1 (Baseline, Main or "
                                        + "High profile) or VP8" : "Opus") + "; it offered " + names(m) + ".");
            }
            if (mediaKind == MediaKind.AUDIO) {
                haveAudio = true;
            } else {
                haveVideo = true;
            }
            // the BUNDLE transport is the first accepted section's (RFC 9143 §7.2); the others' candidates are
            // for a transport that bundling discards
            for (IceCandidate c : accepted.isEmpty() ? m.candidates() : List.<IceCandidate>of()) {
                if (c.isUdp() && c.component() == 1) {
                    remoteCandidates.putIfAbsent(c.address() + " " + c.port(), c);
                }
            }
            NegotiatedMedia n = negotiate(m, codec, mediaKind, source, viewer);
            accepted.add(n);
            if (m.mid() != null) {
                acceptedMids.add(m.mid());
            }
            writeSection(body, m, n, localSetup, viewer, streamId);
        }
        if (accepted.isEmpty()) {
            return new AnswerResult.Refused(Refusal.NO_ACCEPTABLE_CODEC, viewer
                    ? "The offer asks for no track the stream has."
                    : "The offer has no audio or video section we can receive.");
        }
        if (accepted.size() > 1 && acceptedMids.size() < accepted.size()) {
            return unsupported("Several media sections without a=mid cannot share one transport (RFC 9143 §7).");
        }

        StringBuilder sdp = new StringBuilder(body.length() + 256);
        sdp.append("v=0\r\n");
        sdp.append("o=mediaplane ").append(random.nextLong() >>> 2).append(" 2 IN ")
                .append(addressType(primaryAddress())).append(' ').append(primaryAddress().getHostString())
                .append("\r\n");
        sdp.append("s=-\r\nt=0 0\r\n");
        sdp.append("a=ice-lite\r\n");
        if (!acceptedMids.isEmpty()) {
            sdp.append("a=group:BUNDLE");
            for (String mid : acceptedMids) {
                sdp.append(' ').append(mid);
            }
            sdp.append("\r\n");
        }
        if (viewer) {
            sdp.append("a=msid-semantic: WMS ").append(streamId).append("\r\n");
        }
        sdp.append(body);
        return new AnswerResult.Answered(sdp.toString(), ufrag, pwd, fingerprints, localSetup,
                List.copyOf(remoteCandidates.values()), accepted);
    }

    private static AnswerResult unsupported(String sentence) {
        return new AnswerResult.Refused(Refusal.UNSUPPORTED_OFFER, sentence);
    }

    /** RFC 8839 §5.4 ice-char = ALPHA / DIGIT / "+" / "/". */
    private static boolean validIceChars(String s, int min, int max) {
        if (s.length() < min || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    private static String names(SdpMedia m) {
        Set<String> names = new LinkedHashSet<>();
        for (RtpCodec c : m.codecs()) {
            if (!c.is("rtx") && !c.is("red") && !c.is("ulpfec")) {
                names.add(c.name() + (c.is("H264") ? "(packetization-mode=" + c.parameters().getOrDefault(
                        "packetization-mode", "0") + ")" : ""));
            }
        }
        return names.isEmpty() ? "nothing" : String.join(", ", names);
    }

    private static String describe(NegotiatedMedia p) {
        String plid = p.parameters().get("profile-level-id");
        return p.codec() + (plid != null ? " profile-level-id " + plid : "");
    }

    /** The offerer's most preferred codec we can take (RFC 3264 §6.1: the answerer follows the offer's order). */
    private static RtpCodec choose(List<RtpCodec> offered, MediaKind kind, NegotiatedMedia source) {
        for (RtpCodec c : offered) {
            Codec codec = codecOf(c, kind);
            if (codec == null) {
                continue;
            }
            if (source == null) {
                return c;
            }
            if (codec == source.codec() && (codec != Codec.H264 || sameH264Profile(source, c))) {
                return c;
            }
        }
        return null;
    }

    /** What we forward as this kind, or null: H264 mode 1 in a profile in {@link #H264_PROFILES}, VP8, Opus. */
    static Codec codecOf(RtpCodec c, MediaKind kind) {
        if (kind == MediaKind.VIDEO) {
            if (c.is("VP8") && c.clockRate() == 90_000) {
                return Codec.VP8;
            }
            if (c.is("H264") && c.clockRate() == 90_000 && "1".equals(c.parameter("packetization-mode"))) {
                H264ProfileLevelId plid = H264ProfileLevelId.parse(
                        c.parameters().getOrDefault("profile-level-id", DEFAULT_PROFILE_LEVEL_ID));
                return plid != null && H264_PROFILES.contains(plid.profile()) ? Codec.H264 : null;
            }
            return null;
        }
        return c.is("opus") && c.clockRate() == 48_000 && c.channels() == 2 ? Codec.OPUS : null;
    }

    /**
     * A viewer can take the published H264 if it decodes the same profile (RFC 6184 §8.2.2: profiles must
     * match; the level may differ under level-asymmetry-allowed). A Constrained Baseline stream is also a valid
     * Baseline and Main stream (RFC 6184 Table 5, constraint_set1 and constraint_set0).
     */
    private static boolean sameH264Profile(NegotiatedMedia source, RtpCodec c) {
        H264ProfileLevelId published = H264ProfileLevelId.parse(
                source.parameters().getOrDefault("profile-level-id", DEFAULT_PROFILE_LEVEL_ID));
        H264ProfileLevelId offered = H264ProfileLevelId.parse(
                c.parameters().getOrDefault("profile-level-id", DEFAULT_PROFILE_LEVEL_ID));
        if (published == null || offered == null) {
            return false;
        }
        Profile p = published.profile();
        Profile o = offered.profile();
        return p == o || p == Profile.CONSTRAINED_BASELINE && (o == Profile.BASELINE || o == Profile.MAIN)
                || p == Profile.CONSTRAINED_HIGH && o == Profile.HIGH;
    }

    private NegotiatedMedia negotiate(SdpMedia m, RtpCodec codec, MediaKind kind, NegotiatedMedia source,
                                      boolean viewer) {
        Codec c = codecOf(codec, kind);
        int rtxPt = -1;
        if (local.rtx() && kind == MediaKind.VIDEO) {
            for (RtpCodec r : m.codecs()) {
                if (r.is("rtx") && String.valueOf(codec.payloadType()).equals(r.parameter("apt"))) {
                    rtxPt = r.payloadType();
                    break;
                }
            }
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        switch (c) {
            case H264 -> {
                String plid = viewer ? source.parameters().getOrDefault("profile-level-id", DEFAULT_PROFILE_LEVEL_ID)
                        : codec.parameters().getOrDefault("profile-level-id", DEFAULT_PROFILE_LEVEL_ID);
                parameters.put("level-asymmetry-allowed", "1");
                parameters.put("packetization-mode", "1");
                parameters.put("profile-level-id", plid.toLowerCase(java.util.Locale.ROOT));
            }
            case OPUS -> {
                parameters.put("minptime", "10");
                parameters.put("useinbandfec", "1");
            }
            default -> { }
        }
        boolean video = kind == MediaKind.VIDEO;
        long remoteSsrc = -1;
        long remoteRtxSsrc = -1;
        if (!viewer) {
            Map<Long, Long> fid = m.fidGroups();
            if (!fid.isEmpty()) {
                Map.Entry<Long, Long> e = fid.entrySet().iterator().next();
                remoteSsrc = e.getKey();
                remoteRtxSsrc = e.getValue();
            } else if (!m.ssrcs().isEmpty()) {
                remoteSsrc = m.ssrcs().getFirst();
            }
        }
        long localSsrc = viewer ? ssrc() : -1;
        long localRtxSsrc = viewer && rtxPt >= 0 ? ssrc() : -1;
        return new NegotiatedMedia(m.mid(), kind, c, codec.payloadType(), rtxPt, parameters,
                HeaderExtensions.select(m.extensions(), local.transportCc()),
                video && codec.hasFeedback("nack"), video && codec.hasFeedback("nack pli"),
                video && codec.hasFeedback("ccm fir"), m.hasAttribute("rtcp-rsize"), remoteSsrc, remoteRtxSsrc,
                localSsrc, localRtxSsrc, viewer ? Direction.SENDONLY : Direction.RECVONLY);
    }

    private long ssrc() {
        long s;
        do {
            s = random.nextInt() & 0xFFFF_FFFFL;
        } while (s == 0);
        return s;
    }

    private InetSocketAddress primaryAddress() {
        return local.candidates().getFirst();
    }

    private static String addressType(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address ? "IP6" : "IP4";
    }

    /** A rejected section (RFC 3264 §6): port 0, the offer's first format, its mid. */
    private static void reject(StringBuilder sdp, SdpMedia m) {
        sdp.append("m=").append(m.kind()).append(" 0 ").append(m.proto());
        if (m.formats().isEmpty()) {
            sdp.append(" 0");
        } else {
            sdp.append(' ').append(m.formats().getFirst());
        }
        sdp.append("\r\nc=IN IP4 0.0.0.0\r\n");
        if (m.mid() != null) {
            sdp.append("a=mid:").append(m.mid()).append("\r\n");
        }
        sdp.append("a=inactive\r\n");
    }

    private void writeSection(StringBuilder sdp, SdpMedia m, NegotiatedMedia n, DtlsRole setup, boolean viewer,
                              String streamId) {
        InetSocketAddress a = primaryAddress();
        sdp.append("m=").append(m.kind()).append(' ').append(a.getPort()).append(' ').append(m.proto()).append(' ')
                .append(n.payloadType());
        if (n.rtxPayloadType() >= 0) {
            sdp.append(' ').append(n.rtxPayloadType());
        }
        sdp.append("\r\n");
        sdp.append("c=IN ").append(addressType(a)).append(' ').append(a.getHostString()).append("\r\n");
        if (n.mid() != null) {
            sdp.append("a=mid:").append(n.mid()).append("\r\n");
        }
        sdp.append("a=ice-ufrag:").append(local.iceUfrag()).append("\r\n");
        sdp.append("a=ice-pwd:").append(local.icePwd()).append("\r\n");
        sdp.append("a=fingerprint:").append(local.fingerprint().toSdp()).append("\r\n");
        sdp.append("a=setup:").append(setup.sdpSetup()).append("\r\n");
        sdp.append("a=").append(n.direction().attribute()).append("\r\n");
        sdp.append("a=rtcp-mux\r\na=rtcp-mux-only\r\n");
        if (n.rtcpReducedSize()) {
            sdp.append("a=rtcp-rsize\r\n");
        }
        n.extensions().write(sdp);
        int pt = n.payloadType();
        sdp.append("a=rtpmap:").append(pt).append(' ').append(rtpmapName(n.codec())).append("\r\n");
        if (!n.parameters().isEmpty()) {
            sdp.append("a=fmtp:").append(pt).append(' ');
            // a stable order: the one the record was built in is lost by Map.copyOf
            List<String> keys = new ArrayList<>(n.parameters().keySet());
            keys.sort(null);
            for (int i = 0; i < keys.size(); i++) {
                sdp.append(i == 0 ? "" : ";").append(keys.get(i)).append('=').append(n.parameters().get(keys.get(i)));
            }
            sdp.append("\r\n");
        }
        if (n.nack()) {
            sdp.append("a=rtcp-fb:").append(pt).append(" nack\r\n");
        }
        if (n.pli()) {
            sdp.append("a=rtcp-fb:").append(pt).append(" nack pli\r\n");
        }
        if (n.fir()) {
            sdp.append("a=rtcp-fb:").append(pt).append(" ccm fir\r\n");
        }
        if (n.extensions().transportCc() != 0) {
            sdp.append("a=rtcp-fb:").append(pt).append(" transport-cc\r\n");
        }
        if (n.rtxPayloadType() >= 0) {
            sdp.append("a=rtpmap:").append(n.rtxPayloadType()).append(" rtx/90000\r\n");
            sdp.append("a=fmtp:").append(n.rtxPayloadType()).append(" apt=").append(pt).append("\r\n");
        }
        if (viewer) {
            String track = n.kind().name().toLowerCase(java.util.Locale.ROOT);
            sdp.append("a=msid:").append(streamId).append(' ').append(track).append("\r\n");
            if (n.localRtxSsrc() >= 0) {
                sdp.append("a=ssrc-group:FID ").append(n.localSsrc()).append(' ').append(n.localRtxSsrc())
                        .append("\r\n");
            }
            ssrcLines(sdp, n.localSsrc(), streamId, track);
            if (n.localRtxSsrc() >= 0) {
                ssrcLines(sdp, n.localRtxSsrc(), streamId, track);
            }
        }
        writeCandidates(sdp, local.candidates());
    }

    /** Host candidates for our addresses (RFC 8839 §5.1) and {@code a=end-of-candidates}: a lite agent has no others. */
    static void writeCandidates(StringBuilder sdp, List<InetSocketAddress> candidates) {
        int n = 0;
        for (InetSocketAddress c : candidates) {
            // RFC 8445 §5.1.2.1: type preference 126 (host), local preference falling per address, component 1
            long priority = (126L << 24) | ((65535L - n) << 8) | 255;
            sdp.append("a=candidate:").append(n + 1).append(" 1 udp ").append(priority).append(' ')
                    .append(c.getAddress().getHostAddress()).append(' ').append(c.getPort()).append(" typ host\r\n");
            n++;
        }
        sdp.append("a=end-of-candidates\r\n");
    }

    private void ssrcLines(StringBuilder sdp, long ssrc, String streamId, String track) {
        sdp.append("a=ssrc:").append(ssrc).append(" cname:").append(local.cname()).append("\r\n");
        sdp.append("a=ssrc:").append(ssrc).append(" msid:").append(streamId).append(' ').append(track).append("\r\n");
    }

    private static String rtpmapName(Codec c) {
        return switch (c) {
            case H264 -> "H264/90000";
            case VP8 -> "VP8/90000";
            case OPUS -> "opus/48000/2";
            default -> throw new IllegalStateException("not negotiated: " + c);
        };
    }
}
