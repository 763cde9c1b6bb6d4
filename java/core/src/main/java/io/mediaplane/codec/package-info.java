/**
 * RTP payload formats: H264 (RFC 6184, packetization-mode 1), VP8 (RFC 7741) and Opus (RFC 7587).
 *
 * <p>Send side: a packetizer writes each RTP packet straight into a pooled {@link io.mediaplane.buffer.PacketBuffer}
 * (the header after the slot's headroom, the payload after it, the slot's tailroom left for the cipher) and hands
 * it to a {@link io.mediaplane.codec.PacketSink}; the media bytes are copied once, into the datagram.
 *
 * <p>Receive side: a depacketizer takes validated {@link io.mediaplane.rtp.RtpPacket} views in sequence order and
 * assembles whole access units (H264, in Annex-B) or frames (VP8, Opus) into one reused buffer, delivered through a
 * {@link io.mediaplane.codec.FrameSink} with the RTP timestamp, a keyframe flag and the packets lost before it.
 * Refused packets return a {@link io.mediaplane.codec.PayloadStatus} and are counted in
 * {@link io.mediaplane.codec.PayloadCounters}; a gap or a malformed packet drops the unit it belongs to, so an
 * incomplete or corrupt unit is never delivered. Reordering and retransmission happen upstream.
 */
package io.mediaplane.codec;
