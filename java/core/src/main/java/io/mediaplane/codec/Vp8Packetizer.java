package io.mediaplane.codec;

import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import java.lang.foreign.MemorySegment;

/**
 * VP8 frames to RTP packets, RFC 7741: each packet gets a payload descriptor (§4.2) and as much of the frame as
 * the MTU allows; S=1 and PID=0 on the first packet (non-partitioned mode, as libwebrtc sends), the marker on the
 * last (§4.1). The picture id (15-bit by default) increases by one per frame. TL0PICIDX, TID/Y and KEYIDX come from
 * {@link #template()} when set. The frame bytes are copied once, into pooled datagram buffers.
 */
public final class Vp8Packetizer {
    private final RtpWriter rtp;
    private final Vp8PayloadDescriptor template = new Vp8PayloadDescriptor();
    private Vp8PayloadDescriptor.PictureIdMode pictureIdMode = Vp8PayloadDescriptor.PictureIdMode.BITS_15;
    private int pictureId;

    public Vp8Packetizer(PacketPool pool, PacketSink sink, int payloadType, int ssrc) {
        this(pool, sink, payloadType, ssrc, 0, H264Packetizer.DEFAULT_MTU);
    }

    public Vp8Packetizer(PacketPool pool, PacketSink sink, int payloadType, int ssrc, int initialSequence, int mtu) {
        this.rtp = new RtpWriter(pool, sink, payloadType, ssrc, initialSequence, mtu);
    }

    /** Picture id width (default 15 bits) and the id of the next frame. */
    public Vp8Packetizer pictureId(Vp8PayloadDescriptor.PictureIdMode mode, int nextId) {
        this.pictureIdMode = mode;
        this.pictureId = nextId;
        return this;
    }

    /** Optional fields (TL0PICIDX, TID/Y, KEYIDX) written into every packet; S, PID, N and picture id are set here. */
    public Vp8PayloadDescriptor template() {
        return template;
    }

    /** Packetizes one encoded frame; {@code nonReference} sets N (§4.2). */
    public PayloadStatus packetize(MemorySegment frame, long offset, int length, int timestamp, boolean nonReference) {
        if (length <= 0) {
            throw new IllegalArgumentException("empty VP8 frame");
        }
        template.nonReference(nonReference).partitionIndex(0).pictureId(pictureIdMode, pictureId);
        pictureId++;
        boolean ok = true;
        long p = offset;
        long stop = offset + length;
        boolean first = true;
        while (p < stop) {
            template.startOfPartition(first);
            int dl = template.encodedLength();
            int n = (int) Math.min(rtp.maxPayload() - dl, stop - p);
            PacketBuffer b = rtp.acquire();
            if (b == null) {
                ok = false;
            } else {
                long q = rtp.payloadOffset(b);
                template.write(b.segment(), q);
                MemorySegment.copy(frame, p, b.segment(), q + dl, n);
                rtp.send(b, dl + n, p + n == stop, timestamp);
            }
            first = false;
            p += n;
        }
        rtp.counters.unitDelivered();
        return ok ? PayloadStatus.OK : PayloadStatus.POOL_EXHAUSTED;
    }

    public int nextSequenceNumber() {
        return rtp.nextSequence();
    }

    public long packetsSent() {
        return rtp.packets;
    }

    public PayloadCounters counters() {
        return rtp.counters;
    }

    /**
     * Has {@code writer} add header extensions to every packet, keeping {@code maxBlockLength} bytes (preamble and
     * padding included, a multiple of 4) of each packet's MTU for them; null turns them off.
     */
    public Vp8Packetizer headerExtensions(HeaderExtensionWriter writer, int maxBlockLength) {
        rtp.extensions(writer, maxBlockLength);
        return this;
    }
}
