package io.mediaplane.net;

/** What {@link PeerTransport#sealAndSend} did with one packet (hot path: a value, never an exception). */
public enum SendStatus {
    SENT("sealed and handed to the kernel"),
    NOT_CONNECTED("no SRTP keys (DTLS not finished) or the transport has ended"),
    SEAL_REFUSED("SRTP refused the packet: not RTP/RTCP, or no room for the tag (CipherStatus)"),
    SOCKET_ERROR("the socket refused the datagram (buffer full, unreachable; UdpStatus)");

    private final String meaning;

    SendStatus(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}
