package io.mediaplane.discord;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.codec.FrameSink;
import io.mediaplane.codec.H264Depacketizer;
import io.mediaplane.codec.Vp8Depacketizer;
import io.mediaplane.crypto.DiscordTransportCipher;
import io.mediaplane.rtp.PacketStatus;
import io.mediaplane.rtp.RtcpFeedback;
import io.mediaplane.rtp.RtcpFir;
import io.mediaplane.rtp.RtcpPli;
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
 * → depacketized per SSRC → {@link FrameCrypto#open} → SPS/PPS prepended → {@link LegListener#onVideoFrame}.
 * Packets must arrive in order: a gap drops the frame being assembled and asks for a keyframe (PLI and FIR,
 * coalesced per SSRC). There is no reorder buffer yet.
 */
final class VideoReceiver implements MediaTransport.DatagramHandler, AutoCloseable {
    /** Keyframe requests for one SSRC are sent at most this often. */
    static final long KEYFRAME_REQUEST_INTERVAL_NANOS = 500_000_000L;
    private static final int MAX_FRAME = 8 << 20;

    /** What a remote SSRC belongs to; set from the gateway thread, read on the receive thread. */
    record Binding(long userId, int primarySsrc, boolean rtx, VideoStreamDescriptor descriptor) {
    }

    private final DiscordLeg leg;
    private final LegStats stats;
    private final LegListener listener;
    private final FrameCrypto frameCrypto;
    private final Map<Integer, Binding> bindings = new ConcurrentHashMap<>();
    private final Map<Integer, Long> keyframeRequested = new ConcurrentHashMap<>();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment opened;
    private final MemorySegment output;
    private final RtpPacket packet = new RtpPacket();
    private final Map<Integer, Inbound> streams = new HashMap<>(); // receive thread only
    private volatile Runnable keyframeRequestHandler; // publish leg: what to do on an inbound PLI/FIR
    private volatile int ownSsrc;
    private int firSequence;

    VideoReceiver(DiscordLeg leg, LegStats stats, LegListener listener, FrameCrypto frameCrypto) {
        this.leg = leg;
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

    void bind(int ssrc, Binding b) {
        bindings.put(ssrc, b);
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
        if (len == MediaTransport.KEEPALIVE_LENGTH) {
            stats.count(LegStats.Counter.KEEPALIVE_REPLIES);
            return;
        }
        if (len < 12 + 20 || Bytes.u8(s, off) >>> 6 != 2) {
            stats.drop(LegStats.Drop.MALFORMED_DATAGRAM);
            return;
        }
        DiscordTransportCipher cipher = leg.cipher();
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
        if (packet.wrap(s, off, n) != PacketStatus.OK) {
            stats.drop(LegStats.Drop.MALFORMED_RTP);
            return;
        }
        stats.count(LegStats.Counter.RTP_RECEIVED);
        int pt = packet.payloadType();
        if (pt == GatewayCodec.OPUS_PT) {
            stats.drop(LegStats.Drop.AUDIO_NOT_PROCESSED);
            return;
        }
        Binding binding = bindings.get(packet.ssrc());
        if (binding == null) {
            stats.drop(LegStats.Drop.UNKNOWN_SSRC);
            return;
        }
        long payload = packet.payloadOffset();
        int payloadLength = packet.payloadLength();
        int seq = packet.sequenceNumber();
        int primaryPt;
        if (pt == GatewayCodec.H264_RTX_PT || pt == GatewayCodec.VP8_RTX_PT) {
            if (payloadLength < 2) {
                stats.drop(LegStats.Drop.MALFORMED_RTX);
                return;
            }
            seq = Bytes.u16(s, payload); // RFC 4588 §4: OSN, then the original payload
            payload += 2;
            payloadLength -= 2;
            primaryPt = pt - 1;
            stats.count(LegStats.Counter.RTX_UNWRAPPED);
            if (payloadLength == 0) {
                return; // padding-only probe
            }
        } else {
            primaryPt = pt;
        }
        Codec codec = primaryPt == GatewayCodec.H264_PT ? Codec.H264 : primaryPt == GatewayCodec.VP8_PT ? Codec.VP8
                : null;
        if (codec == null) {
            stats.drop(LegStats.Drop.UNKNOWN_PAYLOAD_TYPE);
            return;
        }
        Inbound in = inbound(binding, codec);
        if (codec == Codec.H264) {
            in.h264.push(s, payload, payloadLength, seq, packet.timestamp(), packet.marker());
        } else {
            in.vp8.push(s, payload, payloadLength, seq, packet.timestamp(), packet.marker());
        }
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
        if (b1 == 206 && (fmt == RtcpFeedback.FMT_PLI || fmt == RtcpFeedback.FMT_FIR)) {
            stats.count(LegStats.Counter.KEYFRAME_REQUESTS_RECEIVED);
            Runnable h = keyframeRequestHandler;
            if (h != null) {
                h.run();
            }
        }
    }

    private Inbound inbound(Binding binding, Codec codec) {
        int ssrc = binding.primarySsrc();
        Inbound in = streams.get(ssrc);
        if (in == null || in.binding.userId() != binding.userId() || in.codec != codec) {
            in = new Inbound(binding, codec);
            streams.put(ssrc, in);
        }
        return in;
    }

    /** One remote video SSRC's depacketizer and parameter set cache. */
    private final class Inbound implements FrameSink {
        final Binding binding;
        final Codec codec;
        final H264Depacketizer h264;
        final Vp8Depacketizer vp8;
        final ParameterSetPrepender parameterSets = new ParameterSetPrepender();
        boolean keyframeSeen;

        Inbound(Binding binding, Codec codec) {
            this.binding = binding;
            this.codec = codec;
            if (codec == Codec.H264) {
                // parameter sets go in after FrameCrypto.open, not here (see ParameterSetPrepender)
                this.h264 = new H264Depacketizer(this, MAX_FRAME).prependParameterSets(false);
                this.vp8 = null;
            } else {
                this.h264 = null;
                this.vp8 = new Vp8Depacketizer(this, MAX_FRAME);
            }
        }

        @Override
        public void accept(MemorySegment data, long offset, int length, int timestamp, boolean keyframe,
                int lostPackets) {
            int ssrc = binding.primarySsrc();
            if (lostPackets > 0 || !keyframeSeen && !keyframe) {
                requestKeyframe(ssrc);
            }
            int r = frameCrypto.open(binding.userId(), codec, data.asSlice(offset, length), opened);
            if (r < 0) {
                stats.drop(LegStats.Drop.FRAME_CRYPTO_FAILED);
                return;
            }
            MemorySegment frame;
            if (codec == Codec.H264) {
                int m = parameterSets.process(opened.asSlice(0, r), output);
                if (m < 0) {
                    stats.drop(LegStats.Drop.FRAME_CRYPTO_FAILED);
                    return;
                }
                frame = output.asSlice(0, m);
            } else {
                frame = opened.asSlice(0, r);
            }
            keyframeSeen |= keyframe;
            VideoStreamDescriptor d = binding.descriptor();
            stats.count(LegStats.Counter.FRAMES_DELIVERED);
            boolean e2ee = !(frameCrypto instanceof FrameCrypto.Passthrough);
            VideoFrame f = new VideoFrame(leg.role(), binding.userId(), ssrc, codec, keyframe, timestamp,
                    d == null ? null : d.type(), d == null ? null : d.rid(), frame, lostPackets,
                    FrameCryptoStatus.OK, e2ee);
            try {
                listener.onVideoFrame(leg, f);
            } catch (RuntimeException e) {
                stats.count(LegStats.Counter.LISTENER_FAILURES);
            }
        }
    }

    /**
     * Asks the sender of {@code mediaSsrc} for a keyframe with a PLI (RFC 4585 §6.3.1) and a FIR (RFC 5104
     * §4.3.1), at most once per {@link #KEYFRAME_REQUEST_INTERVAL_NANOS} per SSRC. Returns whether it sent.
     */
    boolean requestKeyframe(int mediaSsrc) {
        long now = System.nanoTime();
        Long last = keyframeRequested.get(mediaSsrc);
        if (last != null && now - last < KEYFRAME_REQUEST_INTERVAL_NANOS) {
            return false;
        }
        keyframeRequested.put(mediaSsrc, now);
        MediaTransport t = leg.transport();
        if (t == null) {
            return false;
        }
        int sender = ownSsrc;
        t.sealAndSendRtcp((seg, o) -> RtcpPli.write(seg, o, sender, mediaSsrc));
        int fir;
        synchronized (this) {
            fir = firSequence++ & 0xFF;
        }
        t.sealAndSendRtcp((seg, o) -> RtcpFir.write(seg, o, sender, mediaSsrc, fir));
        stats.count(LegStats.Counter.KEYFRAME_REQUESTS_SENT);
        return true;
    }

    @Override
    public void close() {
        arena.close();
    }
}
