package io.mediaplane.webrtc;

import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.buffer.PacketRing;
import io.mediaplane.codec.PacketSink;
import io.mediaplane.net.PeerTransport;
import io.mediaplane.net.SendStatus;
import io.mediaplane.net.SrtpSendBatch;
import io.mediaplane.net.TransportState;
import io.mediaplane.reliability.NanoClock;
import io.mediaplane.reliability.RetransmissionHistory;
import io.mediaplane.reliability.SenderReporter;
import io.mediaplane.rtp.PacketStatus;
import io.mediaplane.rtp.RtcpCompound;
import io.mediaplane.rtp.RtcpFeedback;
import io.mediaplane.rtp.RtcpNack;
import io.mediaplane.rtp.RtcpPacketType;
import io.mediaplane.rtp.RtcpReceiverReport;
import io.mediaplane.rtp.RtcpReport;
import io.mediaplane.rtp.RtcpReportBlock;
import io.mediaplane.rtp.RtcpSenderReport;
import io.mediaplane.rtp.RtpHeader;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * A WHEP viewer. Each forwarded packet is written anew into this viewer's own buffer: a fresh RTP header with
 * the viewer's payload type, SSRC, sequence number and timestamp ({@link TrackRewriter}), the publisher's
 * payload copied after it, then SRTP-sealed in place and sent. The shared packet is never written. Video is
 * gated until a keyframe starts, so the first picture a viewer gets is decodable. Sent video is remembered in a
 * {@link RetransmissionHistory} — by reference to the publisher's one copy (its {@link PacketRing}, or its cached
 * group of pictures for a replay), rewritten again on demand — and the viewer's NACKs (RFC 4585 §6.2.1) are
 * answered from it, over RTX (RFC 4588) when the viewer negotiated it. Sender reports (RFC 3550 §6.4.1) go out
 * about once a second, so the viewer can line audio up with video; the round trip its receiver reports show paces
 * retransmissions.
 */
public final class ViewerSession extends WebRtcSession {
    private static final int[] NO_CSRCS = new int[0];
    /** An Ethernet-MTU datagram plus the largest SRTP tag; publishers' packets fit a 1500-byte path. */
    static final int BUFFER = 1600;
    private static final NanoClock CLOCK = NanoClock.system();
    private static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    /** Stored in the history as a copy: a packet no publisher keeps for us (tests drive {@link #write} this way). */
    static final long NO_REFERENCE = Long.MIN_VALUE;

    private final Track video;
    private final Track audio;
    private final byte[] out = new byte[BUFFER];
    private final MemorySegment outSegment = MemorySegment.ofArray(out);
    private final Keyframes keyframes = new Keyframes();
    private final RtcpCompound compound = new RtcpCompound(true);
    private final RtcpNack nack = new RtcpNack();
    private final RtcpReceiverReport rr = new RtcpReceiverReport();
    private final RtcpSenderReport sr = new RtcpSenderReport();
    private final RtcpReportBlock block = new RtcpReportBlock();
    private long lastReport = System.nanoTime();
    /** Sent video for retransmission; heap slots, so it needs no closing and the session's GC frees it. */
    private final RetransmissionHistory history;
    private final PacketSink resend = this::resend;
    /** Per history slot (sequence number modulo its size): the timestamp that packet was sent with. */
    private final int[] sentTimestamps;
    /** The current publisher's packets and cached group, which the history's references point into. */
    private PacketRing sentFrom;
    private RtpGopCache replayedFrom;
    private final RtpPacket regenerated = new RtpPacket();
    /** Seals and sends one packet of ours; the transport's SRTP by default, replaced by tests of the wiring. */
    private Egress egress = this::sealAndSend;
    final LongAdder retransmitted = new LongAdder();
    final LongAdder rtpSent = new LongAdder();
    final LongAdder rtpSkipped = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    final LongAdder keyframeRequestsReceived = new LongAdder();
    final LongAdder nacksReceived = new LongAdder();
    final LongAdder replayedPackets = new LongAdder();

    /** One sent track: what the viewer negotiated, and its numbering. */
    private static final class Track {
        final NegotiatedMedia media;
        final TrackRewriter rewriter;
        final SenderReporter reporter;
        /** The generation whose keyframe has been seen (video only); until then, packets wait. */
        int keyframeGeneration = -1;

        Track(NegotiatedMedia media, SplittableRandom random) {
            this.media = media;
            int ticks = media.codec().isVideo() ? 3000 : 960;
            this.rewriter = new TrackRewriter(ticks, random.nextInt(0x10000), random.nextInt());
            this.reporter = new SenderReporter((int) media.localSsrc(), media.clockRate(), CLOCK);
        }
    }

    ViewerSession(String id, Room room, AnswerResult.Answered negotiated, String etag, WebRtcService service,
                  SplittableRandom random) {
        super(id, room, negotiated, etag, service);
        this.video = negotiated.video() == null ? null : new Track(negotiated.video(), random);
        this.audio = negotiated.audio() == null ? null : new Track(negotiated.audio(), random);
        NegotiatedMedia v = negotiated.video();
        if (v != null && v.nack()) {
            // the pool holds retransmissions on their way and the copies of packets no publisher keeps for us
            history = new RetransmissionHistory(PacketPool.heap(HISTORY_COPIES, BUFFER), HISTORY_PACKETS,
                    RetransmissionHistory.DEFAULT_MAX_AGE_NANOS).regenerator(this::regenerate);
            if (v.rtxPayloadType() >= 0) {
                history.rtx(v.rtxPayloadType(), (int) v.localRtxSsrc(), random.nextInt(0x10000));
            }
            sentTimestamps = new int[HISTORY_PACKETS];
        } else {
            history = null;
            sentTimestamps = null;
        }
    }

    /** About 2 s of 2.5 Mbit/s video in 1200-byte packets. */
    static final int HISTORY_PACKETS = 512;
    /** Pool buffers of a viewer's history (it used to copy all {@link #HISTORY_PACKETS}: 870 KB per viewer). */
    static final int HISTORY_COPIES = 64;

    /** Seals an RTP packet of ours at {@code [0, length)} of {@code s} (room up to {@code capacity}) and sends it. */
    @FunctionalInterface
    interface Egress {
        /** @return false when it could not be sealed or sent (counted by the caller) */
        boolean send(MemorySegment s, long offset, int length, int capacity);
    }

    void egress(Egress e) {
        egress = e;
    }

    /** Copies the retransmission history holds (none while every packet sent is remembered by reference). */
    int historyCopies() {
        return history == null ? 0 : history.buffersHeld();
    }

    public long retransmitted() {
        return retransmitted.sum();
    }

    private boolean sealAndSend(MemorySegment s, long offset, int length, int capacity) {
        PeerTransport t = transport;
        // sealAndSend serialises with the RTCP sender on the same SRTP context and returns a status, not an
        // exception, when the transport ends under us
        return t != null && t.sealAndSend(s, offset, length, capacity, false) == SendStatus.SENT;
    }

    @Override
    public SessionKind kind() {
        return SessionKind.WHEP;
    }

    public long nacksReceived() {
        return nacksReceived.sum();
    }

    /** PLI and FIR from this viewer. */
    public long keyframeRequestsReceived() {
        return keyframeRequestsReceived.sum();
    }

    public long rtpSent() {
        return rtpSent.sum();
    }

    /**
     * On the media port thread: one publisher packet of {@code media}, rewritten straight into a slot of the
     * publisher's fan-out {@code batch} (this viewer's own buffer for this packet), sealed there with this viewer's
     * SRTP context and sent with the other viewers' copies by the batch's flush. {@code now} is the packet's
     * arrival ({@link System#nanoTime()}), read once for all viewers: a clock read per copy was 15 % of the
     * forwarding thread at 500 viewers, where one costs 60–160 ns. {@code generation} and {@code ticket} are the
     * publisher's when the packet arrived (its {@link PacketRing} ticket for video), as it may have moved on.
     *
     * @return true when this viewer started from the publisher's GOP replay instead, which ends with the newest
     *         video packet cached, so the viewer must not be given the publisher's later waiting video packets
     */
    boolean forward(PublisherSession from, NegotiatedMedia media, RtpPacket p, SrtpSendBatch batch, long now,
                    int generation, long ticket) {
        PeerTransport t = transport;
        if (t == null || t.state() != TransportState.CONNECTED || t.srtp() == null) {
            return false;
        }
        int overhead = t.srtp().maxOverhead();
        long reference = NO_REFERENCE;
        if (media == from.video()) {
            WebRtcService service = from.service();
            boolean compress = service == null || service.lateJoin() != LateJoin.GOP_REPLAY_SPACED;
            if (startFromReplay(generation, media, from.replayCache(), overhead, compress, now)) {
                return true;
            }
            sentFrom = from.videoRing();
            reference = ticket;
        }
        write(generation, media, p, p.timestamp(), overhead, t, batch, now, reference);
        return false;
    }

    /**
     * A viewer still waiting for a keyframe of this publication starts from the publisher's cached group of
     * pictures instead ({@link LateJoin#GOP_REPLAY}): every packet since the keyframe, ending with the live packet
     * being forwarded, goes through the rewrite now (so numbering is continuous), then live packets follow. With
     * {@code compress} the pictures' timestamps are moved to just before the live one so the viewer plays live at
     * once ({@link RtpGopCache#replay}); without, they keep their spacing. False (nothing sent) when the viewer
     * already started or there is no cache.
     */
    boolean startFromReplay(int generation, NegotiatedMedia media, RtpGopCache gop, int sealOverhead,
                            boolean compress, long now) {
        if (gop == null || video == null || video.keyframeGeneration == generation
                || video.media.codec() != media.codec()) {
            return false;
        }
        long before = rtpSent.sum();
        replayedFrom = gop;
        if (!gop.replay(compress, (p, ts, ref) -> write(generation, media, p, ts, sealOverhead, null, null, now,
                ref))) {
            return false;
        }
        replayedPackets.add(rtpSent.sum() - before);
        return true;
    }

    /**
     * The packet as this viewer gets it (RFC 3550 §5.1): a header of ours — its payload type, SSRC, sequence number
     * and timestamp, the publisher's marker, no CSRCs or extensions — then the publisher's payload. Returns its
     * length.
     */
    private static int rewrite(MemorySegment target, long at, RtpPacket p, Track track, int seq, int ts) {
        int h = RtpHeader.write(target, at, p.marker(), track.media.payloadType(), seq, ts,
                (int) track.media.localSsrc(), NO_CSRCS);
        MemorySegment.copy(p.segment(), p.payloadOffset(), target, at + h, p.payloadLength());
        return h + p.payloadLength();
    }

    /**
     * The history's {@link RetransmissionHistory.Regenerator}: a video packet remembered by reference, rewritten
     * again exactly as it was sent, while its publisher still holds it (on the media port's receive thread, which
     * both writes the publisher's copies and handles this viewer's NACKs).
     */
    private int regenerate(long reference, int seq, MemorySegment dst, long offset, int capacity) {
        RtpPacket p = regenerated;
        boolean found;
        if (reference >= 0) {
            PacketRing ring = sentFrom;
            found = ring != null && ring.holds(reference)
                    && p.wrap(ring.slab(), ring.offset(reference), ring.length(reference)) == PacketStatus.OK;
        } else {
            RtpGopCache gop = replayedFrom;
            found = gop != null && gop.view(reference, p);
        }
        if (!found || RtpHeader.FIXED_LENGTH + p.payloadLength() > capacity) {
            return -1;
        }
        return rewrite(dst, offset, p, video, seq, sentTimestamps[seq & (HISTORY_PACKETS - 1)]);
    }

    /**
     * The RTP timestamp of the newest video packet sent to this viewer, in its own numbering: compared with the
     * timestamp the viewer is playing out, it tells how far behind live the viewer is.
     */
    public int videoTimestamp() {
        return video == null ? 0 : video.rewriter.lastTimestamp(); // a racy read of an int: monitoring only
    }

    /** Packets this viewer got from a publisher's cached group of pictures when it joined. */
    public long replayedPackets() {
        return replayedPackets.sum();
    }

    /** Rewrites {@code p} into this viewer's buffer and hands it to {@link #egress}; video is kept for NACKs. */
    void write(int generation, NegotiatedMedia media, RtpPacket p, int sealOverhead) {
        write(generation, media, p, p.timestamp(), sealOverhead, null, null, System.nanoTime(), NO_REFERENCE);
    }

    /**
     * Rewrites {@code p} into a slot of {@code batch} and queues it there for {@code t} — or, without a batch, into
     * this viewer's buffer for {@link #egress}. {@code timestamp} is the publisher-clock timestamp to send it with
     * (its own, or a replayed picture's moved one). Video is remembered for NACKs: by {@code reference} (a ticket of
     * the publisher's {@link PacketRing}, or of its {@link RtpGopCache}) or, with {@link #NO_REFERENCE}, as a copy.
     */
    private void write(int generation, NegotiatedMedia media, RtpPacket p, int timestamp, int sealOverhead,
                       PeerTransport t, SrtpSendBatch batch, long now, long reference) {
        Track track = media.codec().isVideo() ? video : audio;
        if (track == null) {
            return;
        }
        if (track.media.codec() != media.codec()) {
            rtpSkipped.increment(); // a reconnecting publisher switched codec: this viewer cannot decode it
            return;
        }
        int payloadLength = p.payloadLength();
        if (media.codec().isVideo() && track.keyframeGeneration != generation) {
            if (!keyframes.startsKeyframe(media.codec(), p.segment(), p.payloadOffset(), payloadLength)) {
                rtpSkipped.increment();
                room().requestKeyframe();
                return;
            }
            track.keyframeGeneration = generation;
        }
        MemorySegment target = batch == null ? outSegment : batch.slab();
        int capacity = batch == null ? BUFFER : Math.min(BUFFER, batch.slotCapacity());
        if (payloadLength > capacity - RtpHeader.FIXED_LENGTH - sealOverhead) {
            rtpSkipped.increment();
            return;
        }
        long at = batch == null ? 0 : batch.nextOffset();
        int seq = track.rewriter.sequence(generation, p.sequenceNumber(), timestamp);
        int ts = track.rewriter.timestamp(timestamp);
        int length = rewrite(target, at, p, track, seq, ts);
        if (track == video && history != null) {
            if (reference != NO_REFERENCE) {
                sentTimestamps[seq & (HISTORY_PACKETS - 1)] = ts;
                history.storeReference(seq, reference, now);
            } else {
                history.store(target, at, length, now);
            }
        }
        boolean queued = batch == null ? egress.send(target, at, length, capacity)
                : batch.add(t, length, false) == SendStatus.SENT;
        if (!queued) {
            sendFailures.increment();
            return;
        }
        rtpSent.increment();
        track.reporter.onPacketSent(ts, payloadLength, now);
        if (now - lastReport >= REPORT_INTERVAL_NANOS) {
            lastReport = now;
            sendRtcp(s -> {
                int len = 0;
                for (Track k : new Track[] {video, audio}) {
                    if (k != null && k.reporter.sending()) {
                        len += k.reporter.write(s, len, now);
                    }
                }
                return len;
            });
        }
    }

    /** A retransmission from the history (a buffer of its pool, with tailroom for the SRTP tag). */
    private void resend(PacketBuffer b) {
        try {
            if (egress.send(b.segment(), b.offset(), b.length(), b.length() + b.tailroom())) {
                retransmitted.increment();
            } else {
                sendFailures.increment();
            }
        } finally {
            b.release();
        }
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
            } else if (type == RtcpPacketType.RR && compound.read(rr) == PacketStatus.OK) {
                onReport(rr);
            } else if (type == RtcpPacketType.SR && compound.read(sr) == PacketStatus.OK) {
                onReport(sr);
            } else if (type == RtcpPacketType.RTPFB && compound.fmt() == RtcpFeedback.FMT_NACK) {
                nacksReceived.increment();
                if (history != null && compound.read(nack) == PacketStatus.OK) {
                    history.onNack(nack, System.nanoTime(), resend);
                }
            }
        }
    }

    /** The viewer's report blocks about our video give the round trip, which paces retransmissions. */
    private void onReport(RtcpReport report) {
        if (video == null) {
            return;
        }
        for (int i = 0; i < report.reportCount(); i++) {
            if (report.reportBlock(i, block) != null && (block.ssrc() & 0xFFFF_FFFFL) == video.media.localSsrc()) {
                long rtt = video.reporter.onReportBlock(block, System.nanoTime());
                if (rtt > 0 && history != null) {
                    history.rttNanos(rtt);
                }
            }
        }
    }

    @Override
    public void onStateChange(PeerTransport t, TransportState state) {
        PublisherSession p = room().publisher();
        if (state == TransportState.CONNECTED && (p == null || p.replayCache() == null)) {
            room().requestKeyframe(); // a late joiner starts at the next keyframe, asked for once for everyone
        }
    }

    @Override
    void detach() {
        room().removeViewer(this);
    }
}
