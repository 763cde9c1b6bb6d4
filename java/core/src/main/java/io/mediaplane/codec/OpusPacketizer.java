package io.mediaplane.codec;

import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import java.lang.foreign.MemorySegment;

/**
 * Opus packets to RTP, RFC 7587: one Opus packet per RTP packet (§4.2), 48 kHz timestamps advancing by each
 * packet's duration (§4.1). DTX aware (§3.1.3): when enabled, the encoder's one- and two-byte DTX packets are not
 * sent (the timestamp still advances), and the first packet after such a silence carries the marker bit (RFC 3551
 * §4.1), so the receiver does not mistake the silence for loss.
 */
public final class OpusPacketizer {
    private final RtpWriter rtp;
    private boolean suppressDtx = true;
    private boolean afterSilence = true;
    private int timestamp;

    public OpusPacketizer(PacketPool pool, PacketSink sink, int payloadType, int ssrc, int initialSequence,
            int initialTimestamp) {
        this.rtp = new RtpWriter(pool, sink, payloadType, ssrc, initialSequence, Math.min(pool.capacity(), 1500));
        this.timestamp = initialTimestamp;
    }

    /** Whether DTX packets are withheld (default true). */
    public OpusPacketizer suppressDtx(boolean on) {
        suppressDtx = on;
        return this;
    }

    /**
     * Sends one Opus packet from our encoder. Returns {@link PayloadStatus#DTX_SUPPRESSED} when it was withheld;
     * a packet with invalid framing or larger than the MTU is a caller bug and throws.
     */
    public PayloadStatus packetize(MemorySegment packet, long offset, int length) {
        int samples = Opus.samples(packet, offset, length);
        if (samples < 0) {
            throw new IllegalArgumentException("not a valid Opus packet (RFC 6716 §3.2)");
        }
        int ts = timestamp;
        timestamp += samples;
        if (suppressDtx && Opus.isDtx(length)) {
            afterSilence = true;
            return rtp.counters.count(PayloadStatus.DTX_SUPPRESSED);
        }
        if (length > rtp.maxPayload()) {
            throw new IllegalArgumentException("Opus packet of " + length + " bytes exceeds the MTU");
        }
        PacketBuffer b = rtp.acquire();
        if (b == null) {
            return PayloadStatus.POOL_EXHAUSTED;
        }
        MemorySegment.copy(packet, offset, b.segment(), rtp.payloadOffset(b), length);
        rtp.send(b, length, afterSilence, ts);
        afterSilence = false;
        rtp.counters.unitDelivered();
        return PayloadStatus.OK;
    }

    /** The timestamp the next packet will carry. */
    public int nextTimestamp() {
        return timestamp;
    }

    public int nextSequenceNumber() {
        return rtp.nextSequence();
    }

    public PayloadCounters counters() {
        return rtp.counters;
    }

    /**
     * Has {@code writer} add header extensions to every packet, keeping {@code maxBlockLength} bytes (preamble and
     * padding included, a multiple of 4) of each packet's MTU for them; null turns them off.
     */
    public OpusPacketizer headerExtensions(HeaderExtensionWriter writer, int maxBlockLength) {
        rtp.extensions(writer, maxBlockLength);
        return this;
    }
}
