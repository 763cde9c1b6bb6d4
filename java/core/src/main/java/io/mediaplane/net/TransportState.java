package io.mediaplane.net;

/** Where a {@link PeerTransport} is; it only moves forward. */
public enum TransportState {
    /** Registered on the port; no authenticated binding request yet. */
    NEW,
    /** ICE has a peer address (an authenticated binding request arrived); DTLS not finished. */
    CONNECTING,
    /** DTLS-SRTP finished: {@link PeerTransport#srtp()} is keyed, media flows. */
    CONNECTED,
    /** Ended (see {@link PeerTransport#endReason()}); its port mappings and threads are freed. */
    CLOSED
}
