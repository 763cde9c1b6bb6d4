package io.mediaplane.discord;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.codec.FrameSink;
import io.mediaplane.codec.H264Depacketizer;
import io.mediaplane.codec.Vp8Depacketizer;
import io.mediaplane.crypto.DiscordTransportCipher;
import io.mediaplane.rtp.PacketStatus;
import io.mediaplane.rtp.RtcpFeedback;
import io.mediaplane.rtp.RtcpNack;
import io.mediaplane.reliability.KeyframeRequester;
import io.mediaplane.reliability.NackGenerator;
import io.mediaplane.reliability.ReliabilityStatus;
import io.mediaplane.reliability.ReorderBuffer;
import io.mediaplane.reliability.RtxUnwrapper;
import io.mediaplane.rtp.RtpPacket;
import io.mediaplane.stream.Codec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The receive path of a leg, on its UDP thread: transport open in place → RTCP filtered (payload types 72–76
 * with the marker bit masked are SR/RR/SDES/BYE/APP, RFC 5761 §4) → RTX unwrapped (RFC 4588 §4: the original
 * sequence number leads the payload) → padding and extension body stripped (the RTP view's payload excludes both)
 * → reordered per SSRC (a gap waits {@value #REORDER_DELAY_NANOS} ns while generic NACKs ask for the missing
 * packets) → depacketized → {@link FrameCrypto#open} →
 * SPS/PPS prepended → {@link LegListener#onVideoFrame}. A gap that is given up drops the frame it belongs to and
 * asks for a keyframe (PLI and FIR, coalesced and repeated until one arrives), as does joining a stream.
 */
final class VideoReceiver implements MediaTransport.DatagramHandler, AutoCloseable {
    /** Keyframe requests for one SSRC are sent at most this often. */
    static final long KEYFRAME_REQUEST_INTERVAL_NANOS = 500_000_000L;
    /** How long a gap may hold later packets back, waiting for a retransmission. */
    static final long REORDER_DELAY_NANOS = 150_000_000L;
    private static final int MAX_FRAME = 8 << 20;

    /** What a remote SSRC belongs to; set from the gateway thread, read on the receive thread. */
    record Binding(long userId, int primarySsrc, boolean rtx, VideoStreamDescriptor descriptor) {
    }

    private static final System.Logger LOG = System.getLogger(VideoReceiver.class.getName());

    private final DiscordLeg leg;
    private final LegRole role;
    private final java.util.function.Supplier<DiscordTransportCipher> cipherSource;
    private final java.util.function.Supplier<MediaTransport> transportSource;
    private final LegStats stats;
    private final LegListener listener;
    private final FrameCrypto frameCrypto;
    private final Map<Integer, Binding> bindings = new ConcurrentHashMap<>();
    private final java.util.Queue<Integer> keyframeWanted = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final PacketPool pool = PacketPool.heap(2048, 1500);
    private final Arena arena = Arena.ofShared();
    private final MemorySegment opened;
    private final MemorySegment output;
    private final RtpPacket packet = new RtpPacket();
    private final Map<Integer, Inbound> streams = new HashMap<>(); // receive thread only
    private volatile Runnable keyframeRequestHandler; // publish leg: what to do on an inbound PLI/FIR
    private volatile java.util.function.IntConsumer nackHandler; // publish leg: each sequence number NACKed
    private final RtcpNack nackView = new RtcpNack();
    private volatile int ownSsrc;

    VideoReceiver(DiscordLeg leg, LegStats stats, LegListener listener, FrameCrypto frameCrypto) {
        this(leg, leg.role(), leg::cipher, leg::transport, stats, listener, frameCrypto);
    }

    /**
     * A receiver fed from elsewhere than a leg's socket (benchmarks): the cipher and transport come from the
     * suppliers (a null transport sends no feedback), events name {@code leg}, which may be null.
     */
    VideoReceiver(DiscordLeg leg, LegRole role, java.util.function.Supplier<DiscordTransportCipher> cipherSource,
            java.util.function.Supplier<MediaTransport> transportSource, LegStats stats, LegListener listener,
            FrameCrypto frameCrypto) {
        this.leg = leg;
        this.role = role;
        this.cipherSource = cipherSource;
        this.transportSource = transportSource;
        this.stats = stats;
        this.listener = listener;
        this.frameCrypto = frameCrypto;
        this.opened = arena.allocate(MAX_FRAME + 4096);
        this.output = arena.allocate(MAX_FRAME + 8192);
    }

    void ownSsrc(int ssrc) {
        this.ownSsrc = ssrc;
    }

    void onKeyframeRequest(Runnable handler) {
        this.keyframeRequestHandler = handler;
    }

    void onNack(java.util.function.IntConsumer handler) {
        this.nackHandler = handler;
    }

    /** Binds {@code ssrc}; an identical re-announcement keeps the binding, so the stream's state survives it. */
    void bind(int ssrc, Binding b) {
        Binding old = bindings.get(ssrc);
        if (!b.equals(old)) {
            bindings.put(ssrc, b);
        }
    }

    void unbindUser(long userId) {
        bindings.values().removeIf(b -> b.userId() == userId);
    }

    boolean isBound(int ssrc) {
        return bindings.containsKey(ssrc);
    }

    @Override
    public void onDatagram(MemorySegment s, long off, int len) {
        stats.count(LegStats.Counter.DATAGRAMS_RECEIVED);
        long now = System.nanoTime();
        if (len == MediaTransport.KEEPALIVE_LENGTH) {
            stats.count(LegStats.Counter.KEEPALIVE_REPLIES);
            return;
        }
        if (len < 12 + 20 || Bytes.u8(s, off) >>> 6 != 2) {
            stats.drop(LegStats.Drop.MALFORMED_DATAGRAM);
            return;
        }
        DiscordTransportCipher cipher = cipherSource.get();
        if (cipher == null) {
            stats.drop(LegStats.Drop.TRANSPORT_OPEN_FAILED);
            return;
        }
        int b1 = Bytes.u8(s, off + 1);
        int masked = b1 & 0x7F;
        if (masked >= 72 && masked <= 78) { // RTCP 200..206 (RFC 5761 §4): reports and feedback
            stats.count(LegStats.Counter.RTCP_RECEIVED);
            onRtcp(cipher, s, off, len, b1);
            return;
        }
        int n = cipher.openRtp(s, off, len);
        if (n < 0) {
            stats.drop(LegStats.Drop.TRANSPORT_OPEN_FAILED);
            return;
        }
        PacketBuffer buffer = pool.acquire();
        if (buffer == null || n > buffer.writableLength()) {
            if (buffer != null) {
                buffer.release();
            }
            stats.drop(LegStats.Drop.POOL_EXHAUSTED);
            return;
        }
        // one copy, out of the receive batch into a buffer the reorder buffer may hold on to
        MemorySegment.copy(s, off, buffer.segment(), buffer.offset(), n);
        buffer.length(n);
        if (packet.wrap(buffer) != PacketStatus.OK) {
            buffer.release();
            stats.drop(LegStats.Drop.MALFORMED_RTP);
            return;
        }
        stats.count(LegStats.Counter.RTP_RECEIVED);
        if (packet.payloadType() == GatewayCodec.OPUS_PT) {
            buffer.release();
            stats.drop(LegStats.Drop.AUDIO_NOT_PROCESSED);
            return;
        }
        Binding binding = bindings.get(packet.ssrc());
        if (binding == null) {
            buffer.release();
            stats.drop(LegStats.Drop.UNKNOWN_SSRC);
            return;
        }
        Inbound in = inbound(binding, now);
        if (binding.rtx()) {
            ReliabilityStatus st = in.rtx.unwrap(packet, buffer);
            if (st != ReliabilityStatus.OK) {
                buffer.release();
                if (st != ReliabilityStatus.RTX_NO_OSN) { // padding-only probes are normal
                    stats.drop(LegStats.Drop.MALFORMED_RTX);
                }
                return;
            }
            stats.count(LegStats.Counter.RTX_UNWRAPPED);
        }
        Codec codec = codecOf(packet.payloadType());
        if (codec == null) {
            buffer.release();
            stats.drop(LegStats.Drop.UNKNOWN_PAYLOAD_TYPE);
            return;
        }
        in.select(codec);
        in.nack.onPacket(packet.sequenceNumber(), now);
        in.reorder.push(buffer, packet.sequenceNumber(), now);
        in.sendFeedback(now);
    }

    /** Called by the transport after every receive wait: releases reordered packets whose gap timed out. */
    @Override
    public void onIdle() {
        long now = System.nanoTime();
        Integer wanted;
        while ((wanted = keyframeWanted.poll()) != null) {
            for (Inbound in : streams.values()) {
                if (in.binding.primarySsrc() == wanted) {
                    in.requestKeyframe(now, true);
                }
            }
        }
        for (var it = streams.values().iterator(); it.hasNext();) {
            Inbound in = it.next();
            if (bindings.get(in.binding.primarySsrc()) != in.binding) {
                // the video ended or was announced anew: what was held, missing or half-assembled belongs to the
                // old stream (and must not be NACKed back into the new one)
                in.close();
                it.remove();
                continue;
            }
            in.reorder.poll(now);
            in.sendFeedback(now);
        }
    }

    private static Codec codecOf(int pt) {
        return pt == GatewayCodec.H264_PT ? Codec.H264 : pt == GatewayCodec.VP8_PT ? Codec.VP8 : null;
    }

    private void onRtcp(DiscordTransportCipher cipher, MemorySegment s, long off, int len, int b1) {
        if (b1 != 205 && b1 != 206) {
            return; // reports: counted, not used yet
        }
        int n = cipher.openRtcp(s, off, len);
        if (n < RtcpFeedback.FIXED_LENGTH) {
            stats.drop(LegStats.Drop.TRANSPORT_OPEN_FAILED);
            return;
        }
        int fmt = Bytes.u8(s, off) & 0x1F;
        if (b1 == 205 && fmt == RtcpFeedback.FMT_NACK) {
            java.util.function.IntConsumer h = nackHandler;
            if (h != null && nackView.wrap(s, off, n) == PacketStatus.OK) {
                stats.count(LegStats.Counter.NACKS_RECEIVED);
                nackView.forEachLost(h);
            }
            return;
        }
        if (b1 == 206 && (fmt == RtcpFeedback.FMT_PLI || fmt == RtcpFeedback.FMT_FIR)) {
            stats.count(LegStats.Counter.KEYFRAME_REQUESTS_RECEIVED);
            Runnable h = keyframeRequestHandler;
            if (h != null) {
                h.run();
            }
        }
    }

    private Inbound inbound(Binding binding, long now) {
        int ssrc = binding.primarySsrc();
        Binding primary = bindings.get(ssrc);
        if (primary == null) {
            primary = binding;
        }
        Inbound in = streams.get(ssrc);
        if (in == null || in.binding != primary) {
            if (in != null) {
                in.close();
            }
            in = new Inbound(primary, now);
            streams.put(ssrc, in);
        }
        if (binding.rtx()) {
            in.rtx.ssrc(ssrc, packet.ssrc());
        }
        return in;
    }

    /**
     * One remote video SSRC: reorder buffer (RTX repairs land in it too), depacketizer, keyframe requests (PLI and
     * FIR, coalesced by {@link KeyframeRequester}) and the parameter set cache.
     */
    private final class Inbound implements FrameSink, AutoCloseable {
        final Binding binding;
        final RtxUnwrapper rtx = new RtxUnwrapper().payloadType(GatewayCodec.H264_RTX_PT, GatewayCodec.H264_PT)
                .payloadType(GatewayCodec.VP8_RTX_PT, GatewayCodec.VP8_PT);
        final ReorderBuffer reorder = new ReorderBuffer(this::depacketize, ReorderBuffer.DEFAULT_CAPACITY,
                REORDER_DELAY_NANOS);
        final KeyframeRequester pli;
        final KeyframeRequester fir;
        final NackGenerator nack = new NackGenerator();
        final int[] lost = new int[NackGenerator.MAX_PER_NACK];
        final RtpPacket ordered = new RtpPacket();
        final ParameterSetPrepender parameterSets = new ParameterSetPrepender();
        Codec codec;
        H264Depacketizer h264;
        Vp8Depacketizer vp8;

        Inbound(Binding binding, long now) {
            this.binding = binding;
            int sender = ownSsrc;
            this.pli = new KeyframeRequester(KeyframeRequester.Method.PLI, sender, binding.primarySsrc(),
                    KEYFRAME_REQUEST_INTERVAL_NANOS);
            this.fir = new KeyframeRequester(KeyframeRequester.Method.FIR, sender, binding.primarySsrc(),
                    KEYFRAME_REQUEST_INTERVAL_NANOS);
            requestKeyframe(now, false); // joining: nothing decodes before the first keyframe
        }

        void select(Codec c) {
            if (c == codec) {
                return;
            }
            codec = c;
            if (c == Codec.H264) {
                // parameter sets go in after FrameCrypto.open, not here (see ParameterSetPrepender)
                h264 = new H264Depacketizer(this, MAX_FRAME).prependParameterSets(false);
                vp8 = null;
            } else {
                vp8 = new Vp8Depacketizer(this, MAX_FRAME);
                h264 = null;
            }
        }

        void requestKeyframe(long now, boolean force) {
            pli.request(now, force);
            fir.request(now, force);
        }

        /** Generic NACKs (RFC 4585 §6.2.1) for what is missing, then any keyframe request due. */
        void sendFeedback(long now) {
            MediaTransport t = transportSource.get();
            if (t == null) {
                return;
            }
            int n = nack.collect(now, lost);
            if (n > 0) {
                int sender = ownSsrc;
                int media = binding.primarySsrc();
                t.sealAndSendRtcp((seg, o) -> RtcpNack.write(seg, o, sender, media, lost, n));
                stats.count(LegStats.Counter.NACKS_SENT);
            }
            if (nack.takeKeyframeNeeded()) {
                requestKeyframe(now, false); // a loss was given up: the decoder cannot bridge it
            }
            boolean sent = false;
            if (pli.poll(now)) {
                t.sealAndSendRtcp((seg, o) -> pli.write(seg, o, now));
                sent = true;
            }
            if (fir.poll(now)) {
                t.sealAndSendRtcp((seg, o) -> fir.write(seg, o, now));
                sent = true;
            }
            if (sent) {
                stats.count(LegStats.Counter.KEYFRAME_REQUESTS_SENT);
            }
        }

        /** The reorder buffer's sink: packets in sequence order, with ownership. */
        private void depacketize(PacketBuffer buffer) {
            try {
                if (ordered.wrap(buffer) != PacketStatus.OK || codecOf(ordered.payloadType()) != codec) {
                    stats.drop(LegStats.Drop.MALFORMED_RTP);
                    return;
                }
                if (h264 != null) {
                    h264.push(ordered);
                } else if (vp8 != null) {
                    vp8.push(ordered);
                }
            } finally {
                buffer.release();
            }
        }

        @Override
        public void accept(MemorySegment data, long offset, int length, int timestamp, boolean keyframe,
                int lostPackets) {
            int ssrc = binding.primarySsrc();
            long now = System.nanoTime();
            if (keyframe) {
                pli.onKeyframe();
                fir.onKeyframe();
            } else if (lostPackets > 0) {
                requestKeyframe(now, false);
            }
            int r = frameCrypto.open(binding.userId(), codec, data.asSlice(offset, length), opened);
            if (r < 0) {
                FrameCryptoStatus status = FrameCryptoStatus.ofResult(r);
                long n = stats.frameCryptoFailed(status);
                if (Long.bitCount(n) == 1) { // the 1st, 2nd, 4th, 8th ... of each status: seen, not flooded
                    LOG.log(System.Logger.Level.WARNING, "discord {0}: frame of user {1} ({2}, {3} bytes, ts {4}) "
                            + "not opened: {5} (#{6})", role.wireName(), Long.toUnsignedString(binding.userId()),
                            codec, Integer.toString(length), Integer.toUnsignedString(timestamp), status,
                            Long.toString(n));
                }
                return;
            }
            MemorySegment frame;
            if (codec == Codec.H264) {
                int m = parameterSets.process(opened.asSlice(0, r), output);
                if (m < 0) {
                    stats.drop(LegStats.Drop.FRAME_TOO_LARGE);
                    return;
                }
                frame = output.asSlice(0, m);
            } else {
                frame = opened.asSlice(0, r);
            }
            VideoStreamDescriptor d = binding.descriptor();
            stats.count(LegStats.Counter.FRAMES_DELIVERED);
            // DAVE strips its supplemental trailer (tag, nonce, ranges, size, FA FA: at least 11 bytes) from a frame
            // it opens; a frame let through in the clear (before the group forms, in a transition's passthrough
            // window) keeps its length, so it does not count as end-to-end encrypted
            boolean e2ee = !(frameCrypto instanceof FrameCrypto.Passthrough) && r < length;
            VideoFrame f = new VideoFrame(role, binding.userId(), ssrc, codec, keyframe, timestamp,
                    d == null ? null : d.type(), d == null ? null : d.rid(), frame, lostPackets,
                    FrameCryptoStatus.OK, e2ee);
            try {
                listener.onVideoFrame(leg, f);
            } catch (RuntimeException e) {
                stats.count(LegStats.Counter.LISTENER_FAILURES);
            }
        }

        @Override
        public void close() {
            reorder.close();
        }
    }

    /**
     * Asks the sender of {@code mediaSsrc} for a keyframe (PLI, RFC 4585 §6.3.1, and FIR, RFC 5104 §4.3.1) from
     * the receive thread, which owns the requesters; any thread may call this.
     */
    void requestKeyframe(int mediaSsrc) {
        keyframeWanted.add(mediaSsrc);
    }

    /** After the transport's receive thread has stopped. */
    @Override
    public void close() {
        streams.values().forEach(Inbound::close);
        streams.clear();
        pool.close();
        arena.close();
    }
}
