package io.mediaplane.discord;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters of one leg: what arrived, what was dropped and why, what went out. Every drop has a reason
 * ({@link Drop}); readable from any thread while the leg runs.
 */
public final class LegStats {

    /** Why an inbound datagram or frame was dropped. */
    public enum Drop {
        /** Shorter than an RTP header plus the AEAD overhead, or not RTP version 2. */
        MALFORMED_DATAGRAM,
        /** Transport decryption failed (tag, replay, too short). */
        TRANSPORT_OPEN_FAILED,
        /** Decrypted but not a valid RTP packet (extension or padding runs past the end). */
        MALFORMED_RTP,
        /** An SSRC no Video or Speaking announcement bound to a user. */
        UNKNOWN_SSRC,
        /** A payload type we did not negotiate. */
        UNKNOWN_PAYLOAD_TYPE,
        /** An RTX packet too short to carry its original sequence number (RFC 4588 §4). */
        MALFORMED_RTX,
        /** Audio: received and counted, not processed yet. */
        AUDIO_NOT_PROCESSED,
        /** No free packet buffer for a received packet (the reorder buffers hold them all). */
        POOL_EXHAUSTED,
        /**
         * A frame {@link FrameCrypto#open} refused (watch side) or {@link FrameCrypto#seal} could not seal (publish
         * side); {@link #frameCryptoFailures} says why.
         */
        FRAME_CRYPTO_FAILED,
        /** An opened H264 frame that, with the remembered SPS/PPS put in front, no longer fits the frame buffer. */
        FRAME_TOO_LARGE,
        /** An access unit the publisher could not queue (queue full) or send (not ready). */
        PUBLISH_QUEUE_FULL
    }

    private final AtomicLongArray drops = new AtomicLongArray(Drop.values().length);
    private final AtomicLongArray counters = new AtomicLongArray(Counter.values().length);
    private final AtomicLongArray frameCryptoFailures = new AtomicLongArray(FrameCryptoStatus.values().length);

    enum Counter {
        DATAGRAMS_RECEIVED, RTP_RECEIVED, RTCP_RECEIVED, RTX_UNWRAPPED, FRAMES_DELIVERED, KEYFRAME_REQUESTS_SENT,
        KEYFRAME_REQUESTS_RECEIVED, KEEPALIVES_SENT, KEEPALIVE_REPLIES, HEARTBEATS_SENT, HEARTBEAT_ACKS,
        GATEWAY_ERRORS, LISTENER_FAILURES, RESUMES, RECONNECTS, PACKETS_SENT, BYTES_SENT, FRAMES_SENT,
        SENDER_REPORTS_SENT, SEND_FAILURES, NACKS_SENT, NACKS_RECEIVED, RETRANSMISSIONS
    }

    void drop(Drop reason) {
        drops.incrementAndGet(reason.ordinal());
    }

    /** Counts a {@link Drop#FRAME_CRYPTO_FAILED} with its status; returns how many had that status so far. */
    long frameCryptoFailed(FrameCryptoStatus status) {
        drop(Drop.FRAME_CRYPTO_FAILED);
        return frameCryptoFailures.incrementAndGet(status.ordinal());
    }

    /** Frames refused by {@link FrameCrypto} with {@code status}. */
    public long frameCryptoFailures(FrameCryptoStatus status) {
        return frameCryptoFailures.get(status.ordinal());
    }

    void count(Counter c) {
        counters.incrementAndGet(c.ordinal());
    }

    void add(Counter c, long n) {
        counters.addAndGet(c.ordinal(), n);
    }

    long get(Counter c) {
        return counters.get(c.ordinal());
    }

    public long dropped(Drop reason) {
        return drops.get(reason.ordinal());
    }

    public long datagramsReceived() {
        return get(Counter.DATAGRAMS_RECEIVED);
    }

    public long rtpReceived() {
        return get(Counter.RTP_RECEIVED);
    }

    public long rtcpReceived() {
        return get(Counter.RTCP_RECEIVED);
    }

    public long rtxUnwrapped() {
        return get(Counter.RTX_UNWRAPPED);
    }

    public long framesDelivered() {
        return get(Counter.FRAMES_DELIVERED);
    }

    public long keyframeRequestsSent() {
        return get(Counter.KEYFRAME_REQUESTS_SENT);
    }

    public long keyframeRequestsReceived() {
        return get(Counter.KEYFRAME_REQUESTS_RECEIVED);
    }

    public long keepalivesSent() {
        return get(Counter.KEEPALIVES_SENT);
    }

    public long keepaliveReplies() {
        return get(Counter.KEEPALIVE_REPLIES);
    }

    public long heartbeatsSent() {
        return get(Counter.HEARTBEATS_SENT);
    }

    public long heartbeatAcks() {
        return get(Counter.HEARTBEAT_ACKS);
    }

    public long gatewayErrors() {
        return get(Counter.GATEWAY_ERRORS);
    }

    public long listenerFailures() {
        return get(Counter.LISTENER_FAILURES);
    }

    public long resumes() {
        return get(Counter.RESUMES);
    }

    public long reconnects() {
        return get(Counter.RECONNECTS);
    }

    public long packetsSent() {
        return get(Counter.PACKETS_SENT);
    }

    public long bytesSent() {
        return get(Counter.BYTES_SENT);
    }

    public long framesSent() {
        return get(Counter.FRAMES_SENT);
    }

    public long senderReportsSent() {
        return get(Counter.SENDER_REPORTS_SENT);
    }

    /** Generic NACK packets sent (watch side). */
    public long nacksSent() {
        return get(Counter.NACKS_SENT);
    }

    /** Generic NACK packets received (publish side). */
    public long nacksReceived() {
        return get(Counter.NACKS_RECEIVED);
    }

    /** Packets resent over RTX in answer to NACKs (publish side). */
    public long retransmissions() {
        return get(Counter.RETRANSMISSIONS);
    }

    public long sendFailures() {
        return get(Counter.SEND_FAILURES);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("LegStats{");
        for (Counter c : Counter.values()) {
            long v = get(c);
            if (v != 0) {
                b.append(c.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(v).append(' ');
            }
        }
        for (Drop d : Drop.values()) {
            long v = dropped(d);
            if (v != 0) {
                b.append("drop_").append(d.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(v)
                        .append(' ');
            }
        }
        for (FrameCryptoStatus st : FrameCryptoStatus.values()) {
            long v = frameCryptoFailures(st);
            if (v != 0) {
                b.append("frame_crypto_").append(st.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(v)
                        .append(' ');
            }
        }
        return b.append('}').toString();
    }
}
