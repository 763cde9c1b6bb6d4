/**
 * Network transports. UDP sockets ({@link io.mediaplane.net.UdpSocket}: native batched sendmmsg/recvmmsg/GSO or
 * NIO) and, on top, the WebRTC transport: one {@link io.mediaplane.net.MediaPort} per UDP port serving every
 * peer (RFC 7983 demux; peers found by ICE ufrag, then by validated address), an ICE-lite responder with consent
 * freshness (RFC 8445 §2.5, RFC 7675), STUN messages ({@link io.mediaplane.net.StunMessage},
 * {@link io.mediaplane.net.StunWriter}, RFC 8489), and per peer a {@link io.mediaplane.net.PeerTransport} whose
 * DTLS 1.2 endpoint (BouncyCastle bctls; server or client by {@link io.mediaplane.net.DtlsRole}; the peer's
 * certificate checked against its offer's {@link io.mediaplane.net.DtlsFingerprint}) keys an SRTP context of
 * {@code crypto} through the RFC 5764 exporter. Sessions see opened RTP/RTCP through a
 * {@link io.mediaplane.net.TransportListener} and send with {@link io.mediaplane.net.PeerTransport#sealAndSend}.
 * SDP and WHIP/WHEP live above, in {@code webrtc}. Uses {@code ffi}, {@code buffer}, {@code rtp}, {@code crypto}.
 */
package io.mediaplane.net;
