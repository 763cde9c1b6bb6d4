package io.mediaplane.webrtc;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketRing;
import io.mediaplane.net.PeerTransport;
import io.mediaplane.net.TransportState;
import io.mediaplane.reliability.KeyframeRequester;
import io.mediaplane.reliability.NackGenerator;
import io.mediaplane.reliability.ReliabilityStatus;
import io.mediaplane.reliability.ReceiverStatistics;
import io.mediaplane.reliability.RtxUnwrapper;
import io.mediaplane.reliability.TransportFeedbackGenerator;
import io.mediaplane.rtp.PacketStatus;
import io.mediaplane.rtp.RtcpReceiverReport;
import io.mediaplane.rtp.RtpExtensions;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.LongAdder;

/**
 * A WHIP publisher: its opened RTP is classified by payload type (the answer kept the offer's numbers, so PTs
 * are unique across the BUNDLE group) and handed to every viewer of the room, each of which rewrites it into a
 * buffer of its own; optionally it also feeds a {@link StreamFeed} (depacketized frames for the stream kernel).
 * Video loss is NACKed upstream (RFC 4585 §6.2.1); a retransmission comes over RTX when the publisher offered it
 * (RFC 4588: unwrapped in place into the original packet, then forwarded like any other) or else as the original
 * packet on the media SSRC. Receiver reports (RFC 3550 §6.4.2) give the
 * publisher's congestion control its loss figures.
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
    private final Keyframes keyframes = new Keyframes();
    /** The current group of pictures for joining viewers ({@link LateJoin#GOP_REPLAY}); null without video. */
    private final RtpGopCache gop;
    /** About 13 s of 2.5 Mbit/s or 5 s of 6 Mbit/s video: OBS's default 2 s keyframe interval fits at any rate. */
    static final int GOP_CACHE_BYTES = 4 << 20;
    /**
     * The video packets last forwarded, each kept once for every viewer's retransmission history (twice a viewer's
     * history, so a packet a viewer still remembers is still here); null without video.
     */
    private final PacketRing videoRing;
    /** {@link #videoRing}'s ticket of the video packet being forwarded (-1: not kept). */
    private long videoTicket = -1;
    private final Object keyframeLock = new Object();
    /** PLI or FIR towards the publisher, coalesced and repeated until a keyframe comes; null until the SSRC is known. */
    private KeyframeRequester keyframeRequester;
    /** Feedback at most this often; a receiver report at least every {@link #REPORT_INTERVAL_NANOS}. */
    private static final long FEEDBACK_INTERVAL_NANOS = 20_000_000L;
    private static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    /**
     * An unanswered keyframe request is repeated after this long (and asks within it are coalesced): a joining
     * viewer waits for the answer, and an encoder may skip a request that comes right after a keyframe it just made.
     * Measured with Chromium on loopback (loaded 2-core machine): from the start of a WHEP viewer to its first
     * decoded frame took 1.1–1.4 s with a 1 s interval and 0.3–0.5 s with this one.
     */
    private static final long KEYFRAME_REPEAT_NANOS = 250_000_000L;
    /** The transport-wide sequence number's extension id (0: transport-cc not negotiated), and its feedback. */
    private final int transportCcId;
    private final TransportFeedbackGenerator transportFeedback;
    /** Transport-cc feedback about this often, as libwebrtc's receivers send it. */
    private static final long TRANSPORT_FEEDBACK_INTERVAL_NANOS = 50_000_000L;
    private long lastTransportFeedback;
    // receive-thread state
    /** The service's fan-out (one per media port); on the receive thread only. */
    private FanOut fanOut;
    private final NackGenerator nacks;
    /** Turns the publisher's RTX packets back into the video packets they repair; null without RTX or NACK. */
    private final RtxUnwrapper rtx;
    private volatile ReceiverStatistics videoStats;
    private long lastFeedback;
    private long lastReport;
    final LongAdder nacksSent = new LongAdder();
    /** Sequence numbers asked for in those NACKs (one per number per NACK: a retry counts again). */
    final LongAdder nackRequests = new LongAdder();
    /** Missing video packets that came after all (retransmitted, or merely late). */
    final LongAdder nackRecovered = new LongAdder();
    final LongAdder rtpReceived = new LongAdder();
    final LongAdder rtpForwarded = new LongAdder();
    final LongAdder rtpDropped = new LongAdder();
    final LongAdder rtxDropped = new LongAdder();
    final LongAdder rtxRepaired = new LongAdder();

    PublisherSession(String id, Room room, AnswerResult.Answered negotiated, String etag, WebRtcService service,
                     StreamFeed feed) {
        super(id, room, negotiated, etag, service);
        this.video = negotiated.video();
        this.audio = negotiated.audio();
        this.videoSsrc = video == null ? -1 : video.remoteSsrc();
        this.feed = feed;
        this.fanOut = service == null ? null : service.fanOut();
        this.nacks = video != null && video.nack() ? new NackGenerator() : null;
        this.rtx = nacks != null && video.rtxPayloadType() >= 0 && video.remoteSsrc() >= 0 && video.remoteRtxSsrc() >= 0
                ? new RtxUnwrapper().payloadType(video.rtxPayloadType(), video.payloadType())
                        .ssrc((int) video.remoteSsrc(), (int) video.remoteRtxSsrc())
                : null;
        this.gop = video == null ? null : new RtpGopCache(GOP_CACHE_BYTES);
        this.videoRing = video == null ? null : new PacketRing(2 * ViewerSession.HISTORY_PACKETS, ViewerSession.BUFFER);
        int cc = video != null ? video.extensions().transportCc() : 0;
        this.transportCcId = cc != 0 || audio == null ? cc : audio.extensions().transportCc();
        this.transportFeedback = transportCcId != 0 ? new TransportFeedbackGenerator() : null;
        this.lastReport = System.nanoTime();
        this.lastFeedback = lastReport;
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
        long now = System.nanoTime();
        rtpReceived.increment();
        if (packet.wrap(s, offset, length) != PacketStatus.OK) {
            rtpDropped.increment();
            return;
        }
        if (transportFeedback != null) {
            onTransportSequence(now); // every packet counts, bandwidth probes included (RFC 4588 RTX or padding)
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
            if (!repairs()) {
                rtxDropped.increment();
                return;
            }
            rtxRepaired.increment();
            media = video;
        } else {
            rtpDropped.increment();
            return;
        }
        if (media == video) {
            boolean keyframeStart = keyframes.startsKeyframe(video.codec(), packet.segment(),
                    packet.payloadOffset(), packet.payloadLength());
            if (keyframeStart) {
                synchronized (keyframeLock) {
                    if (keyframeRequester != null) {
                        keyframeRequester.onKeyframe();
                    }
                }
            }
            gop.onPacket(packet, keyframeStart); // before the viewers: a replay ends with this packet
            onVideoPacket(packet.ssrc(), packet.sequenceNumber(), packet.timestamp(), now);
        }
        ViewerSession[] viewers = room().viewerArray();
        if (viewers.length > 0) {
            if (media == video) {
                // one copy for every viewer's retransmission history, which keeps only the ticket
                videoTicket = videoRing.put(packet.segment(), packet.offset(), packet.length());
            }
            fanOut(t).forward(this, media, packet, viewers, now, generation,
                    media == video ? videoTicket() : ViewerSession.NO_REFERENCE);
        }
        rtpForwarded.increment();
        if (feed != null) {
            feed.accept(media, packet);
        }
    }

    /** The service's fan-out, or for a session made without a service (tests) one of its own, without helpers. */
    FanOut fanOut(PeerTransport t) {
        FanOut f = fanOut;
        if (f == null) {
            f = new FanOut(t.port(), 1);
            fanOut = f;
        }
        return f;
    }

    /**
     * Whether the RTX packet in {@link #packet} repairs a video packet we lack; if so it is now that packet
     * (unwrapped in place, RFC 4588 §4). Only asked-for retransmissions matter: libwebrtc also sends bandwidth
     * probes on the RTX stream, padding-only or as copies of packets we already have.
     */
    private boolean repairs() {
        RtxUnwrapper u = rtx;
        if (u == null) {
            return false;
        }
        int osn = u.originalSequenceNumber(packet);
        return osn >= 0 && nacks.wants(osn) && u.unwrap(packet) == ReliabilityStatus.OK;
    }

    private void onVideoPacket(int ssrc, int seq, int ts, long now) {
        if (videoStats == null || videoStats.ssrc() != ssrc) {
            videoStats = new ReceiverStatistics(ssrc, video.clockRate());
            if (nacks != null) {
                nacks.reset();
            }
        }
        videoStats.onPacket(seq, ts, now);
        repeatKeyframeRequest(now);
        if (nacks != null) {
            long recovered = nacks.recovered();
            nacks.onPacket(seq, now);
            if (nacks.recovered() != recovered) {
                nackRecovered.increment();
            }
        }
        if (now - lastFeedback < FEEDBACK_INTERVAL_NANOS) {
            return;
        }
        lastFeedback = now;
        boolean reportDue = now - lastReport >= REPORT_INTERVAL_NANOS;
        boolean nackDue = nacks != null && nacks.missing() > 0;
        if (!reportDue && !nackDue) {
            return;
        }
        if (reportDue) {
            lastReport = now;
        }
        ReceiverStatistics stats = videoStats;
        int[] nackLength = new int[1];
        long requested = nacks == null ? 0 : nacks.requested();
        // a compound: RR first (RFC 3550 §6.1), so it is valid whether or not rtcp-rsize was negotiated
        sendRtcp(s -> {
            int len = RtcpReceiverReport.write(s, 0, FEEDBACK_SSRC);
            len += stats.appendReportBlock(s, 0, now);
            if (nacks != null) {
                nackLength[0] = nacks.writeNack(now, s, len, FEEDBACK_SSRC, ssrc);
                len += nackLength[0];
            }
            return len;
        });
        if (nackLength[0] > 0) {
            nacksSent.increment();
            nackRequests.add(nacks.requested() - requested);
        }
        if (nacks != null && nacks.takeKeyframeNeeded()) {
            room().requestKeyframe(); // a loss NACK could not repair: only a new keyframe fixes the pictures
        }
    }

    /** Where the video packet being forwarded is kept for the viewers' retransmissions. */
    PacketRing videoRing() {
        return videoRing;
    }

    /**
     * {@link #videoRing()}'s ticket of the video packet being forwarded, or {@link ViewerSession#NO_REFERENCE} when it
     * was not kept (larger than a slot): then each viewer keeps a copy.
     */
    long videoTicket() {
        return videoTicket >= 0 ? videoTicket : ViewerSession.NO_REFERENCE;
    }

    /**
     * The cached group of pictures a joining viewer starts from, or null: when the service asks viewers to wait for
     * a requested keyframe instead, or when no whole group is cached.
     */
    RtpGopCache replayCache() {
        WebRtcService s = service();
        RtpGopCache g = gop;
        return g != null && g.holdsKeyframe() && (s == null || s.lateJoin() != LateJoin.KEYFRAME_REQUEST)
                ? g : null;
    }

    /**
     * Records the packet's transport-wide sequence number and arrival (draft-holmer-rmcat-transport-wide-cc-
     * extensions-01 §2) and sends feedback (§3.1) every {@link #TRANSPORT_FEEDBACK_INTERVAL_NANOS}, after an empty
     * receiver report so the compound is valid without reduced-size RTCP (RFC 3550 §6.1).
     */
    private void onTransportSequence(long now) {
        long ref = packet.findExtension(transportCcId);
        if (ref == RtpExtensions.NOT_FOUND || RtpExtensions.length(ref) != 2) {
            return;
        }
        transportFeedback.onPacket(Bytes.u16(packet.segment(), RtpExtensions.offset(ref)), now / 1000);
        if (now - lastTransportFeedback < TRANSPORT_FEEDBACK_INTERVAL_NANOS) {
            return;
        }
        lastTransportFeedback = now;
        int mediaSsrc = packet.ssrc();
        sendRtcp(s -> {
            int len = RtcpReceiverReport.write(s, 0, FEEDBACK_SSRC);
            return len + transportFeedback.write(s, len, FEEDBACK_SSRC, mediaSsrc);
        });
    }

    /** Transport-cc feedback packets sent to this publisher (0 when it did not negotiate transport-cc). */
    public long transportFeedbackSent() {
        TransportFeedbackGenerator g = transportFeedback;
        return g == null ? 0 : g.feedbackSent();
    }

    /** Video packets lost upstream so far (RFC 3550 A.3 cumulative count; read from another thread, so approximate). */
    public long videoPacketsLost() {
        ReceiverStatistics stats = videoStats;
        return stats == null ? 0 : Math.max(0, stats.cumulativeLost());
    }

    /** Video packets expected from the publisher so far (RFC 3550 A.3). */
    public long videoPacketsExpected() {
        ReceiverStatistics stats = videoStats;
        return stats == null ? 0 : stats.expected();
    }

    /** Generic NACK packets sent to this publisher (RFC 4585 §6.2.1). */
    public long nacksSent() {
        return nacksSent.sum();
    }

    /** Sequence numbers requested in those NACKs, a retry of the same number counted again. */
    public long nackRequests() {
        return nackRequests.sum();
    }

    /** Video packets that were missing (so NACKed, when negotiated) and arrived later: the repaired losses. */
    public long nackRecovered() {
        return nackRecovered.sum();
    }

    /** RTX packets (RFC 4588) that repaired a missing video packet. */
    public long rtxRepaired() {
        return rtxRepaired.sum();
    }

    /** RTX packets not needed: padding-only probes, copies of packets we have, RTX without NACK negotiated. */
    public long rtxDropped() {
        return rtxDropped.sum();
    }

    /** Missing video packets no longer asked for (retry or age limit): losses NACK did not repair. */
    public long nackGivenUp() {
        NackGenerator g = nacks;
        return g == null ? 0 : g.counters().get(ReliabilityStatus.GIVEN_UP);
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

    /** What became of a keyframe request. */
    enum KeyframeRequest { SENT, COALESCED, NOT_POSSIBLE }

    /**
     * Asks for a keyframe: a PLI (RFC 4585 §6.3.1), or a FIR (RFC 5104 §4.3.1) if the publisher negotiated only
     * that. A request while an earlier one is still unanswered and recent is coalesced into it
     * ({@link KeyframeRequester}); NOT_POSSIBLE before the video SSRC is known or without PLI/FIR.
     */
    KeyframeRequest requestKeyframe() {
        long now = System.nanoTime();
        synchronized (keyframeLock) {
            KeyframeRequester r = requester();
            if (r == null) {
                return KeyframeRequest.NOT_POSSIBLE;
            }
            if (r.request(now, false) == ReliabilityStatus.COALESCED || !r.poll(now)) {
                return KeyframeRequest.COALESCED;
            }
            return sendRtcp(s -> r.write(s, 0, now)) ? KeyframeRequest.SENT : KeyframeRequest.NOT_POSSIBLE;
        }
    }

    /** PLI and FIR can be lost: an unanswered request is repeated (at most once a second). */
    private void repeatKeyframeRequest(long now) {
        synchronized (keyframeLock) {
            KeyframeRequester r = keyframeRequester;
            if (r != null && r.awaitingKeyframe() && r.sent() > 0 && r.poll(now)) {
                sendRtcp(s -> r.write(s, 0, now));
            }
        }
    }

    private KeyframeRequester requester() {
        NegotiatedMedia v = video;
        long ssrc = videoSsrc;
        if (keyframeRequester == null && v != null && ssrc >= 0 && (v.pli() || v.fir())) {
            keyframeRequester = new KeyframeRequester(v.pli() ? KeyframeRequester.Method.PLI
                    : KeyframeRequester.Method.FIR, FEEDBACK_SSRC, (int) ssrc, KEYFRAME_REPEAT_NANOS);
        }
        return keyframeRequester;
    }

    @Override
    void detach() {
        room().removePublisher(this);
        if (feed != null) {
            feed.close();
        }
    }
}
