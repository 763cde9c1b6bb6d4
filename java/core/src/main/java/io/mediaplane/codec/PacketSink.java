package io.mediaplane.codec;

import io.mediaplane.buffer.PacketBuffer;

/** Receives each RTP packet a packetizer wrote, and with it ownership of the buffer (send, then release). */
@FunctionalInterface
public interface PacketSink {
    void accept(PacketBuffer packet);
}
