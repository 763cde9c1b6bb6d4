package io.mediaplane.webrtc;

import io.mediaplane.net.PeerTransport;
import io.mediaplane.net.TransportState;
import io.mediaplane.crypto.SrtpContext;
import io.mediaplane.rtp.PacketStatus;
import io.mediaplane.rtp.RtcpCompound;
import io.mediaplane.rtp.RtcpFeedback;
import io.mediaplane.rtp.RtcpPacketType;
import io.mediaplane.rtp.RtpHeader;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * A WHEP viewer. Each forwarded packet is written anew into this viewer's own buffer: a fresh RTP header with
 * the viewer's payload type, SSRC, sequence number and timestamp ({@link TrackRewriter}), the publisher's
 * payload copied after it, then SRTP-sealed in place and sent. The shared packet is never written. Video is
 * gated until a keyframe starts, so the first picture a viewer gets is decodable.
 */
public final class ViewerSession extends WebRtcSession {
    private static final int[] NO_CSRCS = new int[0];
    /** An Ethernet-MTU datagram plus the largest SRTP tag; publishers' packets fit a 1500-byte path. */
    private static final int BUFFER = 1600;

    private final Track video;
    private final Track audio;
    private final byte[] out = new byte[BUFFER];
    private final MemorySegment outSegment = MemorySegment.ofArray(out);
    private final Keyframes keyframes = new Keyframes();
    private final RtcpCompound compound = new RtcpCompound(true);
    final LongAdder rtpSent = new LongAdder();
    final LongAdder rtpSkipped = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    final LongAdder keyframeRequestsReceived = new LongAdder();
    final LongAdder nacksReceived = new LongAdder();

    /** One sent track: what the viewer negotiated, and its numbering. */
    private static final class Track {
        final NegotiatedMedia media;
        final TrackRewriter rewriter;
        /** The generation whose keyframe has been seen (video only); until then, packets wait. */
        int keyframeGeneration = -1;

        Track(NegotiatedMedia media, SplittableRandom random) {
            this.media = media;
            int ticks = media.codec().isVideo() ? 3000 : 960;
            this.rewriter = new TrackRewriter(ticks, random.nextInt(0x10000), random.nextInt());
        }
    }

    ViewerSession(String id, Room room, AnswerResult.Answered negotiated, String etag, WebRtcService service,
                  SplittableRandom random) {
        super(id, room, negotiated, etag, service);
        this.video = negotiated.video() == null ? null : new Track(negotiated.video(), random);
        this.audio = negotiated.audio() == null ? null : new Track(negotiated.audio(), random);
    }

    @Override
    public SessionKind kind() {
        return SessionKind.WHEP;
    }

    public long rtpSent() {
        return rtpSent.sum();
    }

    /** On the media port thread: one publisher packet of {@code media}. */
    void forward(PublisherSession from, NegotiatedMedia media, RtpPacket p) {
        Track track = media.codec().isVideo() ? video : audio;
        PeerTransport t = transport;
        if (track == null || t == null || t.state() != TransportState.CONNECTED) {
            return;
        }
        SrtpContext srtp = t.srtp();
        if (srtp == null || track.media.codec() != media.codec()) {
            rtpSkipped.increment(); // a reconnecting publisher switched codec: this viewer cannot decode it
            return;
        }
        int generation = from.generation();
        int payloadLength = p.payloadLength();
        if (media.codec().isVideo() && track.keyframeGeneration != generation) {
            if (!keyframes.startsKeyframe(media.codec(), p.segment(), p.payloadOffset(), payloadLength)) {
                rtpSkipped.increment();
                room().requestKeyframe();
                return;
            }
            track.keyframeGeneration = generation;
        }
        int room = BUFFER - RtpHeader.FIXED_LENGTH - srtp.maxOverhead();
        if (payloadLength > room) {
            rtpSkipped.increment();
            return;
        }
        int seq = track.rewriter.sequence(generation, p.sequenceNumber(), p.timestamp());
        int ts = track.rewriter.timestamp(p.timestamp());
        int h = RtpHeader.write(outSegment, 0, p.marker(), track.media.payloadType(), seq, ts,
                (int) track.media.localSsrc(), NO_CSRCS);
        MemorySegment.copy(p.segment(), p.payloadOffset(), outSegment, h, payloadLength);
        int sealed = srtp.sealRtp(outSegment, 0, h + payloadLength, BUFFER);
        if (sealed < 0 || t.send(outSegment, 0, sealed) < 0) {
            sendFailures.increment();
            return;
        }
        rtpSent.increment();
    }

    @Override
    public void onRtp(PeerTransport t, MemorySegment s, long offset, int length) {
        // a recvonly peer sends no media; RTP here is counted by the port and ignored
    }

    @Override
    public void onRtcp(PeerTransport t, MemorySegment s, long offset, int length) {
        if (compound.wrap(s, offset, length) != PacketStatus.OK) {
            return;
        }
        while (compound.next()) {
            RtcpPacketType type = compound.type();
            if (type == RtcpPacketType.PSFB
                    && (compound.fmt() == RtcpFeedback.FMT_PLI || compound.fmt() == RtcpFeedback.FMT_FIR)) {
                keyframeRequestsReceived.increment();
                room().requestKeyframe();
            } else if (type == RtcpPacketType.RTPFB && compound.fmt() == RtcpFeedback.FMT_NACK) {
                nacksReceived.increment();
            }
        }
    }

    @Override
    public void onStateChange(PeerTransport t, TransportState state) {
        if (state == TransportState.CONNECTED) {
            room().requestKeyframe(); // a late joiner starts at the next keyframe, asked for once for everyone
        }
    }

    @Override
    void detach() {
        room().removeViewer(this);
    }
}
