package io.mediaplane.webrtc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/** The captured offers of {@code vectors/sdp} and a fixed local side to answer them with. */
final class SdpFixtures {
    static final List<String> PUBLISH_OFFERS = List.of("chromium-156-publish.sdp", "ffmpeg-8.1-publish.sdp",
            "obs-30-publish.sdp", "werift-0.24-publish.sdp", "pion-3.1-publish.sdp");

    private SdpFixtures() {}

    static String offer(String name) {
        try (InputStream in = SdpFixtures.class.getResourceAsStream("/vectors/sdp/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final io.mediaplane.net.DtlsFingerprint LOCAL_FINGERPRINT = new io.mediaplane.net.DtlsFingerprint("sha-256",
            HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));

    static SdpAnswerer answerer(boolean rtx) {
        return new SdpAnswerer(new SdpAnswerer.Local("mpUfrg01", "0123456789abcdefABCDEF", LOCAL_FINGERPRINT,
                List.of(new InetSocketAddress("127.0.0.1", 40000)), "mediaplane", rtx, false),
                new SplittableRandom(7));
    }

    /** Prefers {@code codec} in a Chromium offer's video section the way setCodecPreferences does. */
    static String preferVideo(String offer, String codec, String pmode) {
        SessionDescription d = ((SdpParseResult.Parsed) SdpParser.parse(offer)).description();
        SdpMedia video = d.media().stream().filter(m -> m.kind().equals("video")).findFirst().orElseThrow();
        List<RtpCodec> codecs = video.codecs();
        StringBuilder pts = new StringBuilder();
        for (RtpCodec c : codecs) {
            if (c.is(codec) && (pmode == null || pmode.equals(c.parameter("packetization-mode")))) {
                pts.append(' ').append(c.payloadType());
            }
        }
        for (RtpCodec c : codecs) {
            if (!(c.is(codec) && (pmode == null || pmode.equals(c.parameter("packetization-mode"))))) {
                pts.append(' ').append(c.payloadType());
            }
        }
        return offer.replaceFirst("m=video (\\d+) UDP/TLS/RTP/SAVPF[ 0-9]+\r\n",
                "m=video $1 UDP/TLS/RTP/SAVPF" + pts + "\r\n");
    }
}
