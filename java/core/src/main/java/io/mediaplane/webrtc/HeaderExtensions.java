package io.mediaplane.webrtc;

import java.util.Map;

/**
 * The RTP header extensions we take part in, with the ids the peer's offer gave them (RFC 8285 §5: the answer
 * keeps the offered ids); 0 means not negotiated.
 */
public record HeaderExtensions(int mid, int absSendTime, int transportCc, int playoutDelay) {
    public static final String MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public static final String ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public static final String TRANSPORT_CC =
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    public static final String PLAYOUT_DELAY = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";

    public static final HeaderExtensions NONE = new HeaderExtensions(0, 0, 0, 0);

    static HeaderExtensions select(Map<String, Integer> offered, boolean transportCc) {
        return new HeaderExtensions(offered.getOrDefault(MID, 0), offered.getOrDefault(ABS_SEND_TIME, 0),
                transportCc ? offered.getOrDefault(TRANSPORT_CC, 0) : 0, offered.getOrDefault(PLAYOUT_DELAY, 0));
    }

    void write(StringBuilder sdp) {
        line(sdp, mid, MID);
        line(sdp, absSendTime, ABS_SEND_TIME);
        line(sdp, transportCc, TRANSPORT_CC);
        line(sdp, playoutDelay, PLAYOUT_DELAY);
    }

    private static void line(StringBuilder sdp, int id, String uri) {
        if (id != 0) {
            sdp.append("a=extmap:").append(id).append(' ').append(uri).append("\r\n");
        }
    }
}
