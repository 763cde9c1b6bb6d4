package io.mediaplane.reliability;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.rtp.PacketStatus;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Receive side of RTP retransmission, RFC 4588 in session-multiplexing mode (§4, §5): an RTX packet carries the
 * original sequence number (OSN) in the first two payload bytes, under its own SSRC, payload type and sequence
 * numbers. {@link #unwrap} turns it back into the original packet in place: the header moves two bytes forward
 * over the OSN (a copy of the header only, not the payload), then sequence number, payload type (the
 * {@code apt} of the RTX payload type's fmtp, §8.6) and SSRC are restored. Timestamp, marker, CSRCs and header
 * extensions are the original's already (§4). Not thread-safe; allocation-free.
 */
public final class RtxUnwrapper {
    private static final int MAX_STREAMS = 16;
    private final int[] apt = new int[128];
    private final int[] rtxSsrcs = new int[MAX_STREAMS];
    private final int[] mediaSsrcs = new int[MAX_STREAMS];
    private int streams;
    private final ReliabilityCounters counters = new ReliabilityCounters();
    private long unwrapped;

    public RtxUnwrapper() {
        java.util.Arrays.fill(apt, -1);
    }

    /** {@code a=fmtp:rtxPayloadType apt=originalPayloadType} (RFC 4588 §8.6). */
    public RtxUnwrapper payloadType(int rtxPayloadType, int originalPayloadType) {
        if ((rtxPayloadType & ~0x7F) != 0 || (originalPayloadType & ~0x7F) != 0) {
            throw new IllegalArgumentException("payload types are 7 bits");
        }
        apt[rtxPayloadType] = originalPayloadType;
        return this;
    }

    /** The RTX stream {@code rtxSsrc} repairs {@code mediaSsrc} ({@code a=ssrc-group:FID media rtx}, RFC 4588 §8.7). */
    public RtxUnwrapper ssrc(int mediaSsrc, int rtxSsrc) {
        int k = stream(rtxSsrc);
        if (k >= 0) {
            mediaSsrcs[k] = mediaSsrc;
            return this;
        }
        if (streams == MAX_STREAMS) {
            throw new IllegalStateException("at most " + MAX_STREAMS + " RTX streams");
        }
        rtxSsrcs[streams] = rtxSsrc;
        mediaSsrcs[streams] = mediaSsrc;
        streams++;
        return this;
    }

    /** Whether {@code packet} has a negotiated RTX payload type (check before {@link #unwrap}). */
    public boolean isRtx(RtpPacket packet) {
        return apt[packet.payloadType()] >= 0;
    }

    /**
     * The original sequence number (OSN) the RTX packet {@code packet} carries, or -1 when it is not on a negotiated
     * RTX stream or carries none (a padding-only probe): lets a receiver check that it still wants the packet before
     * {@link #unwrap}ping it. Counts nothing.
     */
    public int originalSequenceNumber(RtpPacket packet) {
        if (apt[packet.payloadType()] < 0 || stream(packet.ssrc()) < 0 || packet.payloadLength() < 2) {
            return -1;
        }
        return Bytes.u16(packet.segment(), packet.payloadOffset());
    }

    /**
     * Restores the original packet from the RTX packet {@code packet} (wrapped over {@code buffer}); on OK the
     * buffer holds the original packet and {@code packet} is re-wrapped over it. Otherwise nothing changed and
     * the caller drops the packet (a padding-only RTX packet, sent for bandwidth probing, is
     * {@link ReliabilityStatus#RTX_NO_OSN}).
     */
    public ReliabilityStatus unwrap(RtpPacket packet, PacketBuffer buffer) {
        return restore(packet, Objects.requireNonNull(buffer, "buffer"));
    }

    /**
     * As {@link #unwrap(RtpPacket, PacketBuffer)} for a packet held in a segment of the caller's (e.g. a receive
     * buffer): on OK {@code packet} is re-wrapped over the same segment, starting two bytes later.
     */
    public ReliabilityStatus unwrap(RtpPacket packet) {
        return restore(packet, null);
    }

    private int stream(int rtxSsrc) {
        for (int k = 0; k < streams; k++) {
            if (rtxSsrcs[k] == rtxSsrc) {
                return k;
            }
        }
        return -1;
    }

    /** {@code buffer}: the packet's buffer, trimmed with it; null when the packet lies in a segment of the caller's. */
    private ReliabilityStatus restore(RtpPacket packet, PacketBuffer buffer) {
        int original = apt[packet.payloadType()];
        if (original < 0) {
            return counters.count(ReliabilityStatus.NOT_RTX);
        }
        int k = stream(packet.ssrc());
        if (k < 0) {
            return counters.count(ReliabilityStatus.NOT_RTX);
        }
        int mediaSsrc = mediaSsrcs[k];
        if (packet.payloadLength() < 2) {
            return counters.count(ReliabilityStatus.RTX_NO_OSN);
        }
        MemorySegment s = packet.segment();
        long off = packet.offset();
        int length = packet.length();
        int osn = Bytes.u16(s, packet.payloadOffset());
        int header = packet.headerLength();
        MemorySegment.copy(s, off, s, off + 2, header); // overlapping: copied as if through a temporary
        PacketStatus status;
        if (buffer != null) {
            buffer.trimFront(2);
            status = packet.wrap(buffer);
        } else {
            status = packet.wrap(s, off + 2, length - 2);
        }
        if (status != PacketStatus.OK) {
            throw new IllegalStateException("an RTX packet that was valid stopped being valid after unwrapping");
        }
        packet.setSequenceNumber(osn);
        packet.setPayloadType(original);
        packet.setSsrc(mediaSsrc);
        unwrapped++;
        return ReliabilityStatus.OK;
    }

    public long unwrapped() {
        return unwrapped;
    }

    public ReliabilityCounters counters() {
        return counters;
    }
}
