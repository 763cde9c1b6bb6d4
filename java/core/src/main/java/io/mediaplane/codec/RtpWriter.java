package io.mediaplane.codec;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.rtp.RtpHeader;
import java.lang.foreign.MemorySegment;

/**
 * The part every packetizer shares: one RTP stream's payload type, SSRC and sequence numbers, the pool its
 * datagrams come from and the sink they go to. Writes the 12-byte fixed header (RFC 3550 §5.1) in two stores.
 */
final class RtpWriter {
    private final PacketPool pool;
    private final PacketSink sink;
    private final int payloadType;
    private final int ssrc;
    private final int mtu;
    private int sequence;
    private HeaderExtensionWriter extensions;
    private int reserved; // bytes kept free after the fixed header for extensions
    private int headerLength = RtpHeader.FIXED_LENGTH; // of the packet being written
    final PayloadCounters counters = new PayloadCounters();
    long packets;
    long payloadBytes;

    RtpWriter(PacketPool pool, PacketSink sink, int payloadType, int ssrc, int initialSequence, int mtu) {
        if ((payloadType & ~0x7F) != 0) {
            throw new IllegalArgumentException("payload type is 7 bits: " + payloadType);
        }
        if (mtu < RtpHeader.FIXED_LENGTH + 16) {
            throw new IllegalArgumentException("MTU too small for RTP: " + mtu);
        }
        if (pool.capacity() < mtu) {
            throw new IllegalArgumentException("pool slots hold " + pool.capacity() + " bytes, less than the MTU " + mtu);
        }
        this.pool = pool;
        this.sink = sink;
        this.payloadType = payloadType;
        this.ssrc = ssrc;
        this.mtu = mtu;
        this.sequence = initialSequence & 0xFFFF;
    }

    int maxPayload() {
        return mtu - RtpHeader.FIXED_LENGTH - reserved;
    }

    void extensions(HeaderExtensionWriter writer, int maxBlockLength) {
        if (writer != null && (maxBlockLength < 4 || (maxBlockLength & 3) != 0 || maxBlockLength > mtu / 2)) {
            throw new IllegalArgumentException("extension block length must be a positive multiple of 4 up to half "
                    + "the MTU: " + maxBlockLength);
        }
        this.extensions = writer;
        this.reserved = writer == null ? 0 : maxBlockLength;
    }

    int nextSequence() {
        return sequence;
    }

    /**
     * A buffer with room for {@link #maxPayload()} bytes of payload at {@link #payloadOffset}, or null when the
     * pool is empty: then the sequence number is skipped, so the receiver sees a gap and drops the unit rather
     * than assemble it without this packet.
     */
    PacketBuffer acquire() {
        PacketBuffer b = pool.acquire();
        if (b == null) {
            sequence = (sequence + 1) & 0xFFFF;
            counters.count(PayloadStatus.POOL_EXHAUSTED);
            return null;
        }
        headerLength = RtpHeader.FIXED_LENGTH;
        if (extensions != null) {
            Bytes.put8(b.segment(), b.offset(), RtpHeader.VERSION << 6);
            int h = extensions.write(b.segment(), b.offset(), sequence);
            if (h < RtpHeader.FIXED_LENGTH || h > RtpHeader.FIXED_LENGTH + reserved || (h & 3) != 0) {
                b.release();
                throw new IllegalStateException("header extension writer returned header length " + h
                        + "; at most " + (RtpHeader.FIXED_LENGTH + reserved) + " were reserved");
            }
            headerLength = h;
        }
        return b;
    }

    /** Where the payload of the packet just acquired starts. */
    long payloadOffset(PacketBuffer b) {
        return b.offset() + headerLength;
    }

    /** Writes the header in front of {@code payloadLength} bytes already written, sets the length, sends. */
    void send(PacketBuffer b, int payloadLength, boolean marker, int timestamp) {
        MemorySegment s = b.segment();
        long at = b.offset();
        long word = (long) (RtpHeader.VERSION << 6 | (headerLength > RtpHeader.FIXED_LENGTH ? 0x10 : 0)) << 56
                | (long) ((marker ? 0x80 : 0) | payloadType) << 48
                | (long) sequence << 32
                | (timestamp & 0xFFFF_FFFFL);
        Bytes.put64(s, at, word);
        Bytes.put32(s, at + 8, ssrc);
        b.length(headerLength + payloadLength);
        sequence = (sequence + 1) & 0xFFFF;
        packets++;
        payloadBytes += payloadLength;
        sink.accept(b);
    }
}
