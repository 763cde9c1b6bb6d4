package io.mediaplane.codec;

import java.lang.foreign.MemorySegment;

/**
 * Writes RTP header extensions (RFC 8285: transport-wide sequence numbers, abs-send-time, ...) into each packet a
 * packetizer makes, before the payload goes in, so the payload is still copied only once. The packet at
 * {@code packetOffset} has its first header byte written (V=2, no CSRCs); write the block with
 * {@link io.mediaplane.rtp.RtpExtensionWriter} ({@code begin(segment, packetOffset, false)}, {@code add}, then
 * return {@code finish()}), or return 12 for no extensions in this packet.
 */
@FunctionalInterface
public interface HeaderExtensionWriter {
    /** Returns the header length including the extension block: where the payload starts. */
    int write(MemorySegment segment, long packetOffset, int sequenceNumber);
}
