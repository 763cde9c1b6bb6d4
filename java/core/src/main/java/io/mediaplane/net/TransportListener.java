package io.mediaplane.net;

import java.lang.foreign.MemorySegment;

/**
 * What a {@link PeerTransport} tells its session. Packet callbacks run on the {@link MediaPort}'s receive
 * thread with the packet already opened in place (SRTP/SRTCP removed): the bytes are valid only during the
 * call, belong to the port's receive slab, and must be copied or processed before returning. Callbacks must not
 * block: the thread serves every session of the port.
 */
public interface TransportListener {
    /** An RTP packet from the peer, opened (RFC 3711 §3.3): header and payload, no tag. */
    void onRtp(PeerTransport transport, MemorySegment packet, long offset, int length);

    /** An RTCP compound packet from the peer, opened (RFC 3711 §3.4): no index word, no tag. */
    void onRtcp(PeerTransport transport, MemorySegment packet, long offset, int length);

    /** The transport moved to {@code state} (on the receive thread, or the DTLS thread for CONNECTED). */
    default void onStateChange(PeerTransport transport, TransportState state) {}

    /** The transport ended; called once, after its mappings and threads are freed. */
    default void onClosed(PeerTransport transport, TransportEndReason reason) {}
}
