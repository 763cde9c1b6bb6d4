package io.mediaplane.webrtc;

import io.mediaplane.net.PeerTransport;
import io.mediaplane.net.SendStatus;
import io.mediaplane.net.TransportEndReason;
import io.mediaplane.net.TransportListener;
import io.mediaplane.net.TransportState;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * One WHIP or WHEP resource (RFC 9725 §4.2): its URL id, entity-tag, the negotiated answer and the transport.
 * Packet callbacks arrive on the media port's receive thread; RTCP that a session sends itself (keyframe
 * requests) may come from other threads and is sealed under the session's lock into the session's own buffer.
 */
public abstract sealed class WebRtcSession implements TransportListener permits PublisherSession, ViewerSession {
    private final String id;
    private final Room room;
    private final AnswerResult.Answered negotiated;
    private final Instant created = Instant.now();
    private final WebRtcService service;
    private volatile String etag;
    volatile PeerTransport transport;
    private final byte[] rtcpOut = new byte[1500]; // RR + report block + a NACK of up to 256 entries + SRTCP trailer
    private final MemorySegment rtcpSegment = MemorySegment.ofArray(rtcpOut);
    final LongAdder rtcpSent = new LongAdder();
    final LongAdder rtcpSendFailures = new LongAdder();

    WebRtcSession(String id, Room room, AnswerResult.Answered negotiated, String etag, WebRtcService service) {
        this.id = id;
        this.room = room;
        this.negotiated = negotiated;
        this.etag = etag;
        this.service = service;
    }

    public abstract SessionKind kind();

    /** The unguessable part of the session URL. */
    public String id() {
        return id;
    }

    public String roomName() {
        return room.name();
    }

    Room room() {
        return room;
    }

    /** The service this session belongs to (null in tests that build sessions without one). */
    WebRtcService service() {
        return service;
    }

    /** The strong entity-tag of the current ICE session (RFC 9725 §4.3.1), quoted. */
    public String etag() {
        return etag;
    }

    void etag(String newTag) {
        etag = newTag;
    }

    public AnswerResult.Answered negotiated() {
        return negotiated;
    }

    public PeerTransport transport() {
        return transport;
    }

    public Instant created() {
        return created;
    }

    public boolean isConnected() {
        PeerTransport t = transport;
        return t != null && t.state() == TransportState.CONNECTED;
    }

    /**
     * Seals the RTCP packet {@code writer} puts at offset 0 of the session's RTCP buffer and sends it; false if the
     * transport is not keyed yet or refused it (counted).
     */
    final boolean sendRtcp(RtcpWriter writer) {
        PeerTransport t = transport;
        if (t == null || t.state() != TransportState.CONNECTED || t.srtp() == null) {
            rtcpSendFailures.increment();
            return false;
        }
        synchronized (rtcpOut) {
            int len = writer.write(rtcpSegment);
            if (t.sealAndSend(rtcpSegment, 0, len, rtcpOut.length, true) != SendStatus.SENT) {
                rtcpSendFailures.increment();
                return false;
            }
        }
        rtcpSent.increment();
        return true;
    }

    @FunctionalInterface
    interface RtcpWriter {
        /** Writes one RTCP packet at offset 0; returns its length. */
        int write(MemorySegment s);
    }

    @Override
    public void onClosed(PeerTransport t, TransportEndReason reason) {
        service.transportEnded(this, reason);
    }

    /** Detaches from the room; the transport is closed by the caller. */
    abstract void detach();

    @Override
    public String toString() {
        return kind() + " " + room.name() + " " + id.substring(0, 6) + "…";
    }
}
