package io.mediaplane.webrtc;

import io.mediaplane.stream.Codec;
import io.mediaplane.stream.MediaKind;
import java.util.Map;

/**
 * What one accepted media section settled on, from our side of the session.
 *
 * @param payloadType     the codec's payload type in this session (the peer's number: answers keep offered ones)
 * @param rtxPayloadType  the RTX payload type (RFC 4588) bound to it, or -1
 * @param parameters      the codec's fmtp parameters we answered with
 * @param remoteSsrc      the SSRC the peer announced for this section's media, or -1 (OBS/FFmpeg may not say)
 * @param remoteRtxSsrc   the peer's RTX SSRC from its FID group, or -1
 * @param localSsrc       the SSRC we send this section's media with, or -1 when we only receive
 * @param localRtxSsrc    the SSRC we retransmit with, or -1
 */
public record NegotiatedMedia(String mid, MediaKind kind, Codec codec, int payloadType, int rtxPayloadType,
                              Map<String, String> parameters, HeaderExtensions extensions, boolean nack,
                              boolean pli, boolean fir, boolean rtcpReducedSize, long remoteSsrc,
                              long remoteRtxSsrc, long localSsrc, long localRtxSsrc, Direction direction) {

    public NegotiatedMedia {
        parameters = Map.copyOf(parameters);
    }

    public int clockRate() {
        return codec.clockRate();
    }
}
