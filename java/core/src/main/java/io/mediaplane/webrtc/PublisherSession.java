package io.mediaplane.webrtc;

import io.mediaplane.net.PeerTransport;
import io.mediaplane.net.TransportState;
import io.mediaplane.rtp.PacketStatus;
import io.mediaplane.rtp.RtcpFir;
import io.mediaplane.rtp.RtcpPli;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.LongAdder;

/**
 * A WHIP publisher: its opened RTP is classified by payload type (the answer kept the offer's numbers, so PTs
 * are unique across the BUNDLE group) and handed to every viewer of the room, each of which rewrites it into a
 * buffer of its own; optionally it also feeds a {@link StreamFeed} (depacketized frames for the stream kernel).
 */
public final class PublisherSession extends WebRtcSession {
    /** Our RTCP sender SSRC towards the publisher (RFC 4585 §6.1 needs one; nothing is sent with it). */
    private static final int FEEDBACK_SSRC = 1;

    private final NegotiatedMedia video;
    private final NegotiatedMedia audio;
    private final RtpPacket packet = new RtpPacket();
    private final StreamFeed feed;
    private volatile int generation;
    /** The publisher's video SSRC: from its offer, else learned from the first video packet. */
    private volatile long videoSsrc;
    private int firSequence;
    final LongAdder rtpReceived = new LongAdder();
    final LongAdder rtpForwarded = new LongAdder();
    final LongAdder rtpDropped = new LongAdder();
    final LongAdder rtxDropped = new LongAdder();

    PublisherSession(String id, Room room, AnswerResult.Answered negotiated, String etag, WebRtcService service,
                     StreamFeed feed) {
        super(id, room, negotiated, etag, service);
        this.video = negotiated.video();
        this.audio = negotiated.audio();
        this.videoSsrc = video == null ? -1 : video.remoteSsrc();
        this.feed = feed;
    }

    @Override
    public SessionKind kind() {
        return SessionKind.WHIP;
    }

    void generation(int g) {
        generation = g;
    }

    int generation() {
        return generation;
    }

    public NegotiatedMedia video() {
        return video;
    }

    public NegotiatedMedia audio() {
        return audio;
    }

    public long rtpReceived() {
        return rtpReceived.sum();
    }

    public long rtpDropped() {
        return rtpDropped.sum();
    }

    @Override
    public void onRtp(PeerTransport t, MemorySegment s, long offset, int length) {
        rtpReceived.increment();
        if (packet.wrap(s, offset, length) != PacketStatus.OK) {
            rtpDropped.increment();
            return;
        }
        int pt = packet.payloadType();
        NegotiatedMedia media;
        if (video != null && pt == video.payloadType()) {
            media = video;
            if (videoSsrc < 0) {
                videoSsrc = packet.ssrc() & 0xFFFF_FFFFL;
            }
        } else if (audio != null && pt == audio.payloadType()) {
            media = audio;
        } else if (video != null && pt == video.rtxPayloadType()) {
            rtxDropped.increment(); // retransmissions and bandwidth probes: only asked-for ones matter (RFC 4588 §4)
            return;
        } else {
            rtpDropped.increment();
            return;
        }
        Object[] viewers = room().viewerArray();
        for (Object v : viewers) {
            ((ViewerSession) v).forward(this, media, packet);
        }
        rtpForwarded.increment();
        if (feed != null) {
            feed.accept(media, packet);
        }
    }

    @Override
    public void onRtcp(PeerTransport t, MemorySegment s, long offset, int length) {
        // sender reports and SDES: nothing we forward yet
    }

    @Override
    public void onStateChange(PeerTransport t, TransportState state) {
        if (state == TransportState.CONNECTED) {
            room().requestKeyframe(); // viewers already waiting get a picture now
        }
    }

    /** One PLI (RFC 4585 §6.3.1), or a FIR (RFC 5104 §4.3.1) if the publisher negotiated only that. */
    boolean requestKeyframe() {
        NegotiatedMedia v = video;
        long ssrc = videoSsrc;
        if (v == null || ssrc < 0 || !(v.pli() || v.fir())) {
            return false;
        }
        if (v.pli()) {
            return sendRtcp(s -> RtcpPli.write(s, 0, FEEDBACK_SSRC, (int) ssrc));
        }
        int seq;
        synchronized (this) {
            seq = firSequence++ & 0xFF;
        }
        return sendRtcp(s -> RtcpFir.write(s, 0, FEEDBACK_SSRC, (int) ssrc, seq));
    }

    @Override
    void detach() {
        room().removePublisher(this);
        if (feed != null) {
            feed.close();
        }
    }
}
