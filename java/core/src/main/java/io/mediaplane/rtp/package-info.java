/**
 * RTP and RTCP on the wire: validating flyweight views ({@link io.mediaplane.rtp.RtpPacket}, the RTCP compound
 * iterator), static header codecs and writers, RFC 8285 header extensions, sequence arithmetic, and the
 * RFC 7983 / RFC 5761 demultiplexing of a shared port ({@link io.mediaplane.rtp.PacketKind}).
 *
 * <p>Parsers of outside input return a {@link io.mediaplane.rtp.PacketStatus} and never throw; callers drop and
 * count refused packets with {@link io.mediaplane.rtp.StatusCounters}.
 */
package io.mediaplane.rtp;
