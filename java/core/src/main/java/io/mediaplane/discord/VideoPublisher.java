package io.mediaplane.discord;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.codec.AnnexB;
import io.mediaplane.codec.H264;
import io.mediaplane.codec.H264Packetizer;
import io.mediaplane.codec.PayloadStatus;
import io.mediaplane.reliability.NanoClock;
import io.mediaplane.reliability.RetransmissionHistory;
import io.mediaplane.reliability.SenderReporter;
import io.mediaplane.rtp.RtpExtensionWriter;
import io.mediaplane.stream.Codec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The send side of a {@code stream_publish} leg: H264 access units (Annex-B) in, paced encrypted datagrams out.
 * Each access unit goes through {@link FrameCrypto#seal} (the whole Annex-B unit, as DAVE expects), is packetized
 * (RFC 6184 mode 1, 90 kHz, marker on the last packet) straight into pooled datagrams carrying Discord's extension
 * form ({@code BE DE 00 01} + element id 5, two zero bytes: playout delay 0), sealed in place by the transport
 * cipher, and sent spread over {@value #PACING_SHARE_PERCENT}% of the frame interval, so a keyframe does not
 * leave as one burst. Sender Reports (RFC 3550 §6.4.1) go out every {@link PublishSettings#senderReportIntervalMillis}.
 * Every packet is kept (before sealing) for two seconds and resent over RTX (the RTX SSRC from Ready, payload type
 * 104) when a viewer's generic NACK names it, as Discord's docs ask of video senders.
 *
 * <p>{@link #start}, {@link #pause}, {@link #resume} and {@link #stop} send the matching Video (OP12, layer
 * active or not) and Speaking (OP5, 2 = soundshare, or 0) announcements. After start and resume, frames are held
 * back until a keyframe, so a viewer never starts on a delta frame. {@link #offer} may be called from any thread;
 * it copies the unit into a bounded queue ({@value #QUEUE_FRAMES} frames, clankvox's depth) and returns false when
 * the queue is full or the publisher is not playing. {@link #drained} tells when everything queued so far has gone.
 */
public final class VideoPublisher implements AutoCloseable {
    static final int PACING_SHARE_PERCENT = 80;
    static final int QUEUE_FRAMES = 90;
    /** The RTP header extension element Discord clients put on video: id 5, playout delay, two zero bytes. */
    static final int PLAYOUT_DELAY_ID = 5;
    /** Fixed header plus that one-element extension block: where the payload starts in every packet. */
    private static final int HEADER_LENGTH = 12 + 8;

    private record Queued(byte[] accessUnit, int timestamp, boolean explicitTimestamp) {
    }

    private final DiscordLeg leg;
    private final LegStats stats;
    private final PublishSettings settings;
    private final FrameCrypto frameCrypto;
    private final BlockingQueue<Queued> queue = new ArrayBlockingQueue<>(QUEUE_FRAMES);
    private final PacketPool pool = PacketPool.heap(2048, 1500);
    private final List<PacketBuffer> packets = new ArrayList<>();
    private final RtpExtensionWriter extensions = new RtpExtensionWriter();
    private final Object lock = new Object();
    private volatile PublishState state = PublishState.IDLE;
    private volatile boolean waitForKeyframe = true;
    private volatile boolean closed;
    private volatile long keyframeRequests;
    /** Units queued and not yet finished (sent, dropped, or cleared by pause/stop): what {@link #drained} waits on. */
    private final AtomicInteger unfinished = new AtomicInteger();
    private final List<CompletableFuture<Void>> drainWaiters = new CopyOnWriteArrayList<>();
    private Thread sender;
    private H264Packetizer packetizer;
    private int packetizerSsrc;
    private byte[] sealed = new byte[256 << 10];
    /** The RTP timestamp the next frame without an explicit one gets; assigned by the send thread under lock. */
    private int nextTimestamp = (int) (System.nanoTime() * 31);
    private final NanoClock clock = NanoClock.system();
    private final java.util.Queue<Integer> nacked = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final PacketPool historyPool = PacketPool.heap(RetransmissionHistory.DEFAULT_MAX_PACKETS + 256, 1500);
    private RetransmissionHistory history;
    private SenderReporter reporter;
    private long lastSenderReportNanos;
    private final long[] nalOffsets = new long[64];
    private final int[] nalLengths = new int[64];

    VideoPublisher(DiscordLeg leg, LegStats stats, PublishSettings settings, FrameCrypto frameCrypto) {
        this.leg = leg;
        this.stats = stats;
        this.settings = settings;
        this.frameCrypto = frameCrypto;
    }

    public PublishState state() {
        return state;
    }

    public PublishSettings settings() {
        return settings;
    }

    /** PLI/FIR received from viewers (through the server); a source that can should make a keyframe. */
    public long keyframeRequests() {
        return keyframeRequests;
    }

    void onKeyframeRequest() {
        keyframeRequests++;
    }

    /** A viewer reported {@code seq} lost (generic NACK, from the receive thread); resent from the send thread. */
    void onNack(int seq) {
        if (nacked.size() < 4096) {
            nacked.add(seq);
        }
    }

    /** Resends what was NACKed over RTX (RFC 4588), from the history of packets as they were before sealing. */
    private void answerNacks(MediaTransport transport) {
        Integer seq;
        RetransmissionHistory h = history;
        while ((seq = nacked.poll()) != null) {
            if (h == null) {
                continue;
            }
            h.resend(seq, clock.nanos(), rtx -> {
                int len = rtx.length();
                if (transport.sealAndSendRtp(rtx.segment(), rtx.offset(), len, len + rtx.tailroom()) > 0) {
                    stats.count(LegStats.Counter.RETRANSMISSIONS);
                }
                rtx.release();
            });
        }
    }

    /** Announces the stream (Video active, Speaking 2) and starts sending what {@link #offer} queues. */
    public void start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            waitForKeyframe = true;
            setState(PublishState.PLAYING, "start");
            if (sender == null) {
                sender = Thread.ofPlatform().daemon().name("discord-publish-" + leg.config().serverId())
                        .start(this::sendLoop);
            }
        }
    }

    /** Stops sending and announces the stream inactive (Speaking 0); queued frames are dropped. */
    public void pause() {
        synchronized (lock) {
            if (state == PublishState.PLAYING) {
                clearQueue();
                setState(PublishState.PAUSED, "pause");
            }
        }
    }

    /** Announces the stream active again; sending restarts at the next keyframe. */
    public void resume() {
        synchronized (lock) {
            if (state == PublishState.PAUSED) {
                waitForKeyframe = true;
                setState(PublishState.PLAYING, "resume");
            }
        }
    }

    /** Announces the stream gone (Video inactive, Speaking 0) and drops queued frames. */
    public void stop() {
        synchronized (lock) {
            if (state != PublishState.IDLE) {
                clearQueue();
                setState(PublishState.IDLE, "stop");
            }
        }
    }

    private void clearQueue() {
        List<Queued> dropped = new ArrayList<>();
        queue.drainTo(dropped);
        finished(dropped.size());
    }

    /** {@code n} queued units are done with (sent, dropped or cleared); the last one completes the drain waiters. */
    private void finished(int n) {
        if (n > 0 && unfinished.addAndGet(-n) == 0) {
            completeDrainWaiters();
        }
    }

    private void completeDrainWaiters() {
        for (CompletableFuture<Void> f : drainWaiters) {
            drainWaiters.remove(f);
            f.complete(null);
        }
    }

    /**
     * Completes once every access unit queued before this call has been sent, dropped (no keyframe yet, leg not
     * ready) or cleared by {@link #pause}/{@link #stop}, and the send thread is not in the middle of one: after the
     * last packet of the last unit left. A source that has ended and handed over its last unit uses it to know its
     * stream has gone out. Completes at once when nothing is queued, and when the publisher closes.
     */
    public CompletableFuture<Void> drained() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        drainWaiters.add(f);
        if (unfinished.get() == 0 || closed) { // checked after registering, so a concurrent last unit is not missed
            drainWaiters.remove(f);
            f.complete(null);
        }
        return f;
    }

    /**
     * The RTP timestamp the next frame sent without an explicit timestamp will carry. Read while paused, every
     * frame sent after resume carries this one or later, every frame sent before an earlier one.
     */
    int nextTimestamp() {
        synchronized (lock) {
            return nextTimestamp;
        }
    }

    private void setState(PublishState to, String reason) {
        state = to;
        leg.announcePublishing(to == PublishState.PLAYING);
        leg.publishStateChanged(to, reason);
    }

    /**
     * Queues one Annex-B access unit; its RTP timestamp is the previous one plus one frame interval at
     * {@link PublishSettings#framesPerSecond}. Returns false (and counts it) when not playing or the queue is full.
     */
    public boolean offer(MemorySegment accessUnit, long offset, long length) {
        return enqueue(accessUnit, offset, length, 0, false);
    }

    /** As {@link #offer(MemorySegment, long, long)} with the caller's 90 kHz RTP timestamp. */
    public boolean offer(MemorySegment accessUnit, long offset, long length, int rtpTimestamp) {
        return enqueue(accessUnit, offset, length, rtpTimestamp, true);
    }

    /** Queues an access unit given as a byte array. */
    public boolean offer(byte[] accessUnit) {
        return enqueue(MemorySegment.ofArray(accessUnit), 0, accessUnit.length, 0, false);
    }

    /**
     * As {@link #offer(byte[])} but waits while the queue is full, for sources that produce faster than real time
     * (a file): returns false when the publisher is not playing or the wait was interrupted.
     */
    public boolean put(byte[] accessUnit) throws InterruptedException {
        if (state != PublishState.PLAYING || closed) {
            return false;
        }
        unfinished.incrementAndGet();
        try {
            queue.put(new Queued(accessUnit.clone(), 0, false));
        } catch (InterruptedException e) {
            finished(1); // never queued
            throw e;
        }
        return true;
    }

    private boolean enqueue(MemorySegment au, long offset, long length, int ts, boolean explicit) {
        if (state != PublishState.PLAYING || closed || length <= 0 || length > (8 << 20)) {
            stats.drop(LegStats.Drop.PUBLISH_QUEUE_FULL);
            return false;
        }
        byte[] copy = au.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        unfinished.incrementAndGet();
        if (!queue.offer(new Queued(copy, ts, explicit))) {
            finished(1);
            stats.drop(LegStats.Drop.PUBLISH_QUEUE_FULL);
            return false;
        }
        return true;
    }

    /** Frames waiting to be sent. */
    public int queued() {
        return queue.size();
    }

    private void sendLoop() {
        long frameNanos = 1_000_000_000L / settings.framesPerSecond();
        while (!closed) {
            Queued q;
            try {
                q = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            maybeSendSenderReport();
            MediaTransport t = leg.transport();
            if (t != null) {
                answerNacks(t);
            }
            if (q == null) {
                continue;
            }
            long started = System.nanoTime();
            boolean sent;
            try {
                sent = sendAccessUnit(q, frameNanos * PACING_SHARE_PERCENT / 100);
            } finally {
                finished(1);
            }
            if (!sent) {
                continue;
            }
            // the next frame starts no earlier than one frame interval after this one (real-time pacing)
            long wait = frameNanos - (System.nanoTime() - started);
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /** Sends one unit; false when it was not sent (not playing, waiting for a keyframe, leg not ready). */
    private boolean sendAccessUnit(Queued q, long spreadNanos) {
        byte[] au = q.accessUnit();
        MemorySegment plain = MemorySegment.ofArray(au);
        int ts;
        // the state, the keyframe gate and the timestamp are decided together under the lock pause/resume take:
        // a unit taken from the queue just before a pause cannot slip out after the resume as a delta frame with a
        // post-resume timestamp (a viewer would start on it)
        synchronized (lock) {
            if (state != PublishState.PLAYING) {
                return false;
            }
            if (waitForKeyframe) {
                if (!containsIdr(plain)) {
                    return false;
                }
                waitForKeyframe = false;
            }
            if (q.explicitTimestamp()) {
                ts = q.timestamp();
            } else {
                ts = nextTimestamp;
                nextTimestamp += 90_000 / settings.framesPerSecond();
            }
        }
        int ssrc = leg.publishVideoSsrc();
        MediaTransport transport = leg.transport();
        if (ssrc == 0 || transport == null || leg.state() != LegState.READY) {
            stats.drop(LegStats.Drop.PUBLISH_QUEUE_FULL);
            waitForKeyframe = true; // whoever watches after the reconnect needs a keyframe first
            return false;
        }
        int need = frameCrypto.maxSealedSize(au.length);
        if (sealed.length < need) {
            sealed = new byte[Math.max(need, sealed.length * 2)];
        }
        int n = frameCrypto.seal(Codec.H264, plain, MemorySegment.ofArray(sealed));
        if (n < 0) {
            stats.frameCryptoFailed(FrameCryptoStatus.ofResult(n));
            return false;
        }
        if (packetizer == null || packetizerSsrc != ssrc) {
            packetizer = new H264Packetizer(pool, packets::add, GatewayCodec.H264_PT, ssrc,
                    (int) (System.nanoTime() & 0xFFFF), settings.mtu())
                    .aggregate(false) // one NAL unit per packet or FU-A, as clankvox and Discord-video-stream send
                    // a DAVE-sealed slice may end in a 00 byte of ciphertext right before the next start code;
                    // Discord clients' packetizer (WebRTC) keeps it, and so must we or the frame no longer opens
                    .opaqueUnits(true)
                    .headerExtensions(this::writeExtension, 8);
            packetizerSsrc = ssrc;
            reporter = new SenderReporter(ssrc, 90_000, clock);
            if (history != null) {
                history.close();
            }
            history = new RetransmissionHistory(historyPool).rtx(GatewayCodec.H264_RTX_PT, leg.publishRtxSsrc(),
                    (int) (System.nanoTime() >>> 8) & 0xFFFF);
            nacked.clear();
        }
        packets.clear();
        PayloadStatus st = packetizer.packetizeAnnexB(MemorySegment.ofArray(sealed), 0, n, ts);
        if (st != PayloadStatus.OK) {
            stats.drop(LegStats.Drop.PUBLISH_QUEUE_FULL);
        }
        int count = packets.size();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            PacketBuffer p = packets.get(i);
            if (i > 0 && count > 1) {
                long due = start + spreadNanos * i / count;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            answerNacks(transport);
            int len = p.length();
            history.store(p.segment(), p.offset(), len, clock.nanos()); // kept unsealed, for RTX
            int r = transport.sealAndSendRtp(p.segment(), p.offset(), len, len + p.tailroom());
            if (r > 0) {
                stats.count(LegStats.Counter.PACKETS_SENT);
                stats.add(LegStats.Counter.BYTES_SENT, r);
                reporter.onPacketSent(ts, len - HEADER_LENGTH, clock.nanos());
            } else {
                stats.count(LegStats.Counter.SEND_FAILURES);
            }
            p.release();
        }
        packets.clear();
        stats.count(LegStats.Counter.FRAMES_SENT);
        return true;
    }

    private int writeExtension(MemorySegment s, long packetOffset, int sequenceNumber) {
        extensions.begin(s, packetOffset, false);
        long at = extensions.add(PLAYOUT_DELAY_ID, 2);
        Bytes.put16(s, at, 0);
        return extensions.finish();
    }

    private boolean containsIdr(MemorySegment au) {
        int n = AnnexB.split(au, 0, au.byteSize(), nalOffsets, nalLengths);
        for (int i = 0; i < n; i++) {
            if (H264.type(Bytes.u8(au, nalOffsets[i])) == H264.IDR_SLICE) {
                return true;
            }
        }
        return n < 0; // more NAL units than we look at: let it through rather than stall
    }

    private void maybeSendSenderReport() {
        long now = clock.nanos();
        SenderReporter r = reporter;
        if (r == null || !r.sending()
                || now - lastSenderReportNanos < settings.senderReportIntervalMillis() * 1_000_000L) {
            return;
        }
        MediaTransport transport = leg.transport();
        if (transport == null) {
            return;
        }
        lastSenderReportNanos = now;
        if (transport.sealAndSendRtcp((s, o) -> r.write(s, o, now)) > 0) {
            stats.count(LegStats.Counter.SENDER_REPORTS_SENT);
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            closed = true;
            t = sender;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        clearQueue();
        completeDrainWaiters();
        if (history != null) {
            history.close();
        }
        historyPool.close();
        pool.close();
    }
}
