package io.mediaplane.codec;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import java.lang.foreign.MemorySegment;

/**
 * H264 access units to RTP packets, RFC 6184 packetization-mode 1 (non-interleaved, §6.3): a NAL unit that fits
 * goes in a single NAL unit packet (§5.6); a run of consecutive units that fit together goes in one STAP-A
 * (§5.7.1), which is how SPS, PPS and SEI travel; a unit larger than the MTU is split into FU-A fragments (§5.8).
 * The marker bit is set on the last packet of the access unit (§5.1); timestamps are the caller's, on the 90 kHz
 * clock (§5.1).
 *
 * <p>Each packet is written straight into a buffer from the pool, header first at the slot's data offset (the
 * slot's headroom stays free for anything prepended later, its tailroom for the cipher's tag), and each NAL byte is
 * copied once, from the access unit into the datagram. Not thread-safe: one packetizer per stream and thread.
 */
public final class H264Packetizer {
    /** Default maximum RTP packet size, header included. */
    public static final int DEFAULT_MTU = 1200;
    private static final int FU_HEADERS = 2; // FU indicator + FU header
    private static final int STAP_HEADER = 1;
    private static final int STAP_LENGTH = 2;

    private final RtpWriter rtp;
    private boolean aggregate = true;
    private boolean dropAccessUnitDelimiters;
    private boolean opaqueUnits;
    private long[] nalOffsets = new long[64];
    private int[] nalLengths = new int[64];

    public H264Packetizer(PacketPool pool, PacketSink sink, int payloadType, int ssrc) {
        this(pool, sink, payloadType, ssrc, 0, DEFAULT_MTU);
    }

    /** @param mtu the largest RTP packet to produce, 12-byte header included */
    public H264Packetizer(PacketPool pool, PacketSink sink, int payloadType, int ssrc, int initialSequence, int mtu) {
        this.rtp = new RtpWriter(pool, sink, payloadType, ssrc, initialSequence, mtu);
    }

    /** Whether small consecutive NAL units share a STAP-A (default true); false sends each in its own packet. */
    public H264Packetizer aggregate(boolean on) {
        this.aggregate = on;
        return this;
    }

    /**
     * Whether access unit delimiters are left out (default false). Over RTP the timestamp and marker already
     * delimit access units (RFC 6184 §5.1), so an AUD only costs bytes; the depacketizer can re-insert them.
     */
    public H264Packetizer dropAccessUnitDelimiters(boolean on) {
        this.dropAccessUnitDelimiters = on;
        return this;
    }

    /**
     * Whether NAL units may end in zero bytes that belong to them (default false): true for end-to-end encrypted
     * access units (DAVE), where only a 4-byte start code's {@code zero_byte} is split off ({@link AnnexB#splitOpaque}).
     */
    public H264Packetizer opaqueUnits(boolean on) {
        this.opaqueUnits = on;
        return this;
    }

    /**
     * Packetizes one access unit given as an Annex-B byte stream (start codes of three or four bytes). Returns
     * {@link PayloadStatus#OK}, or {@link PayloadStatus#POOL_EXHAUSTED} if some packet could not be sent.
     */
    public PayloadStatus packetizeAnnexB(MemorySegment au, long offset, long length, int timestamp) {
        int n;
        while ((n = opaqueUnits ? AnnexB.splitOpaque(au, offset, length, nalOffsets, nalLengths)
                : AnnexB.split(au, offset, length, nalOffsets, nalLengths)) < 0) {
            nalOffsets = new long[nalOffsets.length * 2];
            nalLengths = new int[nalLengths.length * 2];
        }
        return packetize(au, nalOffsets, nalLengths, n, timestamp);
    }

    /**
     * Packetizes one access unit given as NAL units (no start codes) at {@code offsets[i]} of {@code nals}, each
     * {@code lengths[i]} bytes long: for encoders that report NAL boundaries, which saves the start-code scan.
     */
    public PayloadStatus packetize(MemorySegment nals, long[] offsets, int[] lengths, int count, int timestamp) {
        int last = count - 1;
        if (dropAccessUnitDelimiters) {
            while (last >= 0 && H264.type(Bytes.u8(nals, offsets[last])) == H264.AUD) {
                last--;
            }
        }
        boolean failed = false;
        int max = rtp.maxPayload();
        int i = 0;
        while (i <= last) {
            int len = lengths[i];
            if (len == 0 || dropAccessUnitDelimiters && H264.type(Bytes.u8(nals, offsets[i])) == H264.AUD) {
                i++;
                continue;
            }
            if (len > max) {
                failed |= !fragment(nals, offsets[i], len, i == last, timestamp);
                i++;
                continue;
            }
            int j = i + 1;
            if (aggregate) {
                int size = STAP_HEADER + STAP_LENGTH + len;
                while (j <= last && size + STAP_LENGTH + lengths[j] <= max
                        && !(dropAccessUnitDelimiters && H264.type(Bytes.u8(nals, offsets[j])) == H264.AUD)) {
                    if (lengths[j] == 0) {
                        break;
                    }
                    size += STAP_LENGTH + lengths[j];
                    j++;
                }
            }
            if (j - i >= 2) {
                failed |= !aggregateUnits(nals, offsets, lengths, i, j, j - 1 == last, timestamp);
            } else {
                failed |= !single(nals, offsets[i], len, i == last, timestamp);
                j = i + 1;
            }
            i = j;
        }
        rtp.counters.unitDelivered();
        return failed ? PayloadStatus.POOL_EXHAUSTED : PayloadStatus.OK;
    }

    /** Single NAL unit packet, RFC 6184 §5.6: the NAL unit is the payload. */
    private boolean single(MemorySegment nals, long at, int len, boolean marker, int timestamp) {
        PacketBuffer b = rtp.acquire();
        if (b == null) {
            return false;
        }
        MemorySegment.copy(nals, at, b.segment(), rtp.payloadOffset(b), len);
        rtp.send(b, len, marker, timestamp);
        return true;
    }

    /** STAP-A, RFC 6184 §5.7.1: a NAL header of type 24 (F and NRI the OR / max of the units'), then size ‖ unit. */
    private boolean aggregateUnits(MemorySegment nals, long[] offsets, int[] lengths, int from, int to,
            boolean marker, int timestamp) {
        PacketBuffer b = rtp.acquire();
        if (b == null) {
            return false;
        }
        MemorySegment d = b.segment();
        long p = rtp.payloadOffset(b);
        long start = p;
        int f = 0;
        int nri = 0;
        p += STAP_HEADER;
        for (int k = from; k < to; k++) {
            int hdr = Bytes.u8(nals, offsets[k]);
            f |= hdr & 0x80;
            nri = Math.max(nri, hdr & 0x60); // §5.7.1: the maximum NRI of the aggregated units
            Bytes.put16(d, p, lengths[k]);
            MemorySegment.copy(nals, offsets[k], d, p + STAP_LENGTH, lengths[k]);
            p += STAP_LENGTH + lengths[k];
        }
        Bytes.put8(d, start, f | nri | H264.STAP_A);
        rtp.send(b, (int) (p - start), marker, timestamp);
        return true;
    }

    /** FU-A, RFC 6184 §5.8: the NAL header is replaced by FU indicator (F, NRI, 28) and FU header (S, E, R, type). */
    private boolean fragment(MemorySegment nals, long at, int len, boolean lastNal, int timestamp) {
        int hdr = Bytes.u8(nals, at);
        int indicator = (hdr & 0xE0) | H264.FU_A;
        int type = hdr & 0x1F;
        int chunk = rtp.maxPayload() - FU_HEADERS;
        long p = at + 1;
        long end = at + len;
        boolean ok = true;
        boolean first = true;
        while (p < end) {
            int n = (int) Math.min(chunk, end - p);
            boolean lastFragment = p + n == end;
            PacketBuffer b = rtp.acquire();
            if (b == null) {
                ok = false;
            } else {
                MemorySegment d = b.segment();
                long q = rtp.payloadOffset(b);
                Bytes.put8(d, q, indicator);
                Bytes.put8(d, q + 1, (first ? 0x80 : 0) | (lastFragment ? 0x40 : 0) | type);
                MemorySegment.copy(nals, p, d, q + FU_HEADERS, n);
                rtp.send(b, FU_HEADERS + n, lastNal && lastFragment, timestamp);
            }
            first = false;
            p += n;
        }
        return ok;
    }

    /** The sequence number the next packet will carry. */
    public int nextSequenceNumber() {
        return rtp.nextSequence();
    }

    public long packetsSent() {
        return rtp.packets;
    }

    /** NAL and aggregation bytes written as RTP payload (headers excluded). */
    public long payloadBytesSent() {
        return rtp.payloadBytes;
    }

    public PayloadCounters counters() {
        return rtp.counters;
    }

    /**
     * Has {@code writer} add header extensions to every packet, keeping {@code maxBlockLength} bytes (preamble and
     * padding included, a multiple of 4) of each packet's MTU for them; null turns them off.
     */
    public H264Packetizer headerExtensions(HeaderExtensionWriter writer, int maxBlockLength) {
        rtp.extensions(writer, maxBlockLength);
        return this;
    }
}
