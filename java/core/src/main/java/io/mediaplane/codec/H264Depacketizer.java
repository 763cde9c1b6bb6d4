package io.mediaplane.codec;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * RTP packets to H264 access units in Annex-B, RFC 6184 packetization-mode 1: single NAL unit packets (§5.6),
 * STAP-A (§5.7.1) and FU-A (§5.8). Every NAL unit is written with a four-byte start code into one reused buffer.
 *
 * <p>Access unit boundaries (§5.1): the marker bit ends one; a new timestamp also ends the previous one when its
 * marker packet was never seen but no sequence number is missing. Loss: packets must arrive in sequence order (the
 * reorder buffer upstream sees to that). When a sequence number is missing, the access unit being assembled is
 * dropped. The access unit that follows the gap may have lost its head, so it is kept only if its first coded slice
 * begins the picture ({@code first_mb_in_slice == 0}, H.264 §7.4.3) and is therefore followed by all the others
 * (packets are in order); what it may lack is non-VCL data sent ahead of that slice (AUD, SEI, SPS, PPS), and the
 * parameter set cache restores SPS and PPS. So no access unit with a missing or truncated slice is ever delivered;
 * the number of missing packets is reported with the next access unit delivered, so the consumer can ask for a
 * keyframe. The same rule applies to the first access unit after joining a stream. A malformed payload (bad STAP-A
 * sizes, FU-A out of order, reserved or interleaved-mode types) drops its access unit too.
 *
 * <p>An IDR access unit that arrives without its SPS or PPS gets the most recent ones with the ids it refers to
 * prepended (after an AUD, which must come first, §7.4.1.2.3), so a decoder can start on it.
 * Not thread-safe: one depacketizer per stream and thread. Allocation-free per packet; the buffer grows by
 * doubling up to the configured maximum, and the parameter set cache copies an SPS or PPS only when it changes.
 */
public final class H264Depacketizer {
    /** What to do with access unit delimiters (H.264 §7.3.2.4). */
    public enum AudMode {
        /** Deliver what the sender sent. */
        KEEP,
        /** Remove a leading AUD: RTP timestamps and markers already delimit access units. */
        STRIP,
        /** Begin every access unit with an AUD (primary_pic_type 7, any slice type), as MPEG-TS wants. */
        INSERT
    }

    public static final int DEFAULT_MAX_ACCESS_UNIT = 8 << 20;
    /** Room kept free before the access unit, for prepending parameter sets without moving it. */
    private static final int RESERVE = 512;
    private static final int AUD_LENGTH = AnnexB.START_CODE_LENGTH + 2;

    private final FrameSink sink;
    private final int maxAccessUnit;
    private final PayloadCounters counters = new PayloadCounters();
    private final SequenceContinuity continuity = new SequenceContinuity(counters);
    private final RbspReader reader = new RbspReader();
    private AudMode audMode = AudMode.KEEP;
    private boolean prependParameterSets = true;

    private byte[] array; // null when the caller provided the buffer (fixed size)
    private MemorySegment buf;
    private int end; // write position in buf; the access unit starts at RESERVE

    private boolean inUnit;
    private int unitTimestamp;
    private boolean broken; // the current unit is being dropped: ignore packets until its timestamp ends
    private boolean needsStartProof = true; // after a gap or at stream start: first slice must begin the picture
    private boolean vclSeen;
    private boolean hasIdr;
    private boolean hasSps;
    private boolean hasPps;
    private int firstIdrAt = -1; // offset of the first IDR slice's NAL header
    private int firstIdrLength;
    private boolean fuActive;
    private int fuType;
    private int fuNalAt; // where the NAL being reassembled begins (its header)
    private long prepended;
    private int leadingAudLength; // start code + NAL when the unit begins with an AUD, else 0

    private final byte[][] spsById = new byte[32][];
    private final byte[][] ppsById = new byte[256][];
    private final int[] ppsSpsId = new int[256];

    public H264Depacketizer(FrameSink sink) {
        this(sink, DEFAULT_MAX_ACCESS_UNIT);
    }

    public H264Depacketizer(FrameSink sink, int maxAccessUnitBytes) {
        if (maxAccessUnitBytes < 1024) {
            throw new IllegalArgumentException("maximum access unit too small: " + maxAccessUnitBytes);
        }
        this.sink = sink;
        this.maxAccessUnit = maxAccessUnitBytes;
        this.array = new byte[RESERVE + Math.min(maxAccessUnitBytes, 256 << 10)];
        this.buf = MemorySegment.ofArray(array);
        this.end = RESERVE;
    }

    /**
     * Assembles into {@code accessUnitBuffer} (heap or native, e.g. from the caller's arena), which is never grown:
     * an access unit larger than its size minus 512 bytes (kept for prepending parameter sets) is
     * dropped as {@link PayloadStatus#TOO_LARGE}.
     */
    public H264Depacketizer(FrameSink sink, MemorySegment accessUnitBuffer) {
        if (accessUnitBuffer.byteSize() < RESERVE + 1024 || accessUnitBuffer.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("access unit buffer must hold 1 KiB plus " + RESERVE + " bytes, at most 2 GiB");
        }
        this.sink = sink;
        this.maxAccessUnit = (int) accessUnitBuffer.byteSize() - RESERVE;
        this.array = null;
        this.buf = accessUnitBuffer;
        this.end = RESERVE;
    }

    public H264Depacketizer audMode(AudMode mode) {
        this.audMode = mode;
        return this;
    }

    /** Whether an IDR access unit lacking SPS or PPS gets the cached ones prepended (default true). */
    public H264Depacketizer prependParameterSets(boolean on) {
        this.prependParameterSets = on;
        return this;
    }

    public PayloadCounters counters() {
        return counters;
    }

    /** Takes the payload of a validated RTP packet. */
    public PayloadStatus push(RtpPacket p) {
        return push(p.segment(), p.payloadOffset(), p.payloadLength(), p.sequenceNumber(), p.timestamp(), p.marker());
    }

    /** Takes one RTP payload at {@code [offset, offset + length)} with its header's sequence number, timestamp, marker. */
    public PayloadStatus push(MemorySegment s, long offset, int length, int seq, int timestamp, boolean marker) {
        SequenceContinuity.Step step = continuity.next(seq);
        if (step == SequenceContinuity.Step.LATE) {
            return counters.count(PayloadStatus.LATE);
        }
        if (step == SequenceContinuity.Step.DISCONTINUITY) {
            if (inUnit) {
                if (!broken) {
                    counters.count(PayloadStatus.DROPPED_GAP);
                    dropUnit();
                }
                if (timestamp != unitTimestamp) {
                    inUnit = false; // the previous unit's tail (at least its marker packet) may be what is missing
                }
            }
            needsStartProof = true;
        }
        if (inUnit && timestamp != unitTimestamp) {
            if (!broken) {
                finishUnit(); // its marker packet was not sent, but nothing is missing
            }
            inUnit = false;
        }
        if (!inUnit) {
            beginUnit(timestamp);
        }
        if (length == 0) {
            if (marker) {
                endOfUnitMarker();
            }
            return PayloadStatus.EMPTY;
        }
        if (broken) {
            if (marker) {
                inUnit = false;
            }
            return counters.count(PayloadStatus.DROPPED_CORRUPT);
        }
        PayloadStatus status = parse(s, offset, length);
        if (!status.ok()) {
            counters.count(status);
            dropUnit();
        }
        if (marker) {
            endOfUnitMarker();
        }
        return status;
    }

    private void endOfUnitMarker() {
        if (!broken) {
            finishUnit();
        }
        inUnit = false;
    }

    private void beginUnit(int timestamp) {
        inUnit = true;
        unitTimestamp = timestamp;
        broken = false;
        end = RESERVE;
        vclSeen = false;
        hasIdr = false;
        hasSps = false;
        hasPps = false;
        firstIdrAt = -1;
        fuActive = false;
        leadingAudLength = 0;
    }

    private void dropUnit() {
        if (!broken) {
            broken = true;
            counters.unitDropped();
        }
    }

    private PayloadStatus parse(MemorySegment s, long off, int len) {
        int hdr = Bytes.u8(s, off);
        int type = hdr & 0x1F;
        if ((hdr & 0x80) != 0) {
            return PayloadStatus.BAD_NAL;
        }
        if (fuActive && type != H264.FU_A) {
            return PayloadStatus.CORRUPT_FU; // a fragmented NAL unit never ended
        }
        if (type >= 1 && type <= 23) {
            return appendNal(s, off, len);
        }
        return switch (type) {
            case H264.STAP_A -> stapA(s, off, len);
            case H264.FU_A -> fuA(s, off, len, hdr);
            case H264.STAP_B, H264.MTAP16, H264.MTAP24, H264.FU_B -> PayloadStatus.UNSUPPORTED_NAL;
            default -> PayloadStatus.BAD_NAL; // 0, 30, 31: reserved / unspecified
        };
    }

    /** STAP-A, §5.7.1: validate every size first, so a bad one drops the unit before anything is written. */
    private PayloadStatus stapA(MemorySegment s, long off, int len) {
        long p = off + 1;
        long stop = off + len;
        int units = 0;
        while (p < stop) {
            if (p + 2 > stop) {
                return PayloadStatus.BAD_STAP;
            }
            int n = Bytes.u16(s, p);
            if (n == 0 || p + 2 + n > stop) {
                return PayloadStatus.BAD_STAP;
            }
            if ((Bytes.u8(s, p + 2) & 0x80) != 0) {
                return PayloadStatus.BAD_NAL;
            }
            int t = Bytes.u8(s, p + 2) & 0x1F;
            if (t == 0 || t >= H264.STAP_A) {
                return PayloadStatus.BAD_STAP; // aggregation units carry NAL units, not payload structures
            }
            units++;
            p += 2 + n;
        }
        if (units == 0) {
            return PayloadStatus.BAD_STAP;
        }
        p = off + 1;
        while (p < stop) {
            int n = Bytes.u16(s, p);
            PayloadStatus st = appendNal(s, p + 2, n);
            if (!st.ok()) {
                return st;
            }
            p += 2 + n;
        }
        return PayloadStatus.OK;
    }

    /** FU-A, §5.8. */
    private PayloadStatus fuA(MemorySegment s, long off, int len, int indicator) {
        if (len < 3) {
            return PayloadStatus.CORRUPT_FU; // no fragment bytes
        }
        int fu = Bytes.u8(s, off + 1);
        boolean start = (fu & 0x80) != 0;
        boolean stop = (fu & 0x40) != 0;
        int type = fu & 0x1F;
        if (start && stop || type == 0 || type >= H264.STAP_A) {
            return PayloadStatus.CORRUPT_FU;
        }
        if (start) {
            if (fuActive) {
                return PayloadStatus.CORRUPT_FU;
            }
            if (!reserve(AnnexB.START_CODE_LENGTH + len - 1)) {
                return PayloadStatus.TOO_LARGE;
            }
            AnnexB.putStartCode(buf, end);
            end += AnnexB.START_CODE_LENGTH;
            fuNalAt = end;
            buf.set(ValueLayout.JAVA_BYTE, end, (byte) ((indicator & 0xE0) | type));
            MemorySegment.copy(s, off + 2, buf, end + 1, len - 2);
            end += len - 1;
            fuActive = true;
            fuType = type;
        } else {
            if (!fuActive || type != fuType) {
                return PayloadStatus.CORRUPT_FU;
            }
            if (!reserve(len - 2)) {
                return PayloadStatus.TOO_LARGE;
            }
            MemorySegment.copy(s, off + 2, buf, end, len - 2);
            end += len - 2;
        }
        if (stop) {
            fuActive = false;
            return nalComplete(fuType, fuNalAt, end - fuNalAt);
        }
        if (start && H264.isVcl(type) && !vclSeen) {
            return checkFirstSlice(fuNalAt, end - fuNalAt);
        }
        return PayloadStatus.OK;
    }

    private PayloadStatus appendNal(MemorySegment s, long off, int len) {
        if (!reserve(AnnexB.START_CODE_LENGTH + len)) {
            return PayloadStatus.TOO_LARGE;
        }
        AnnexB.putStartCode(buf, end);
        int at = end + AnnexB.START_CODE_LENGTH;
        MemorySegment.copy(s, off, buf, at, len);
        end = at + len;
        return nalComplete(Bytes.u8(s, off) & 0x1F, at, len);
    }

    /** Records what a complete NAL unit means for the access unit. */
    private PayloadStatus nalComplete(int type, int at, int len) {
        if (type == H264.AUD && at == RESERVE + AnnexB.START_CODE_LENGTH) {
            leadingAudLength = AnnexB.START_CODE_LENGTH + len;
        }
        switch (type) {
            case H264.SPS -> {
                hasSps = true;
                cacheSps(at, len);
            }
            case H264.PPS -> {
                hasPps = true;
                cachePps(at, len);
            }
            case H264.IDR_SLICE -> {
                if (firstIdrAt < 0) {
                    firstIdrAt = at;
                    firstIdrLength = len;
                }
            }
            default -> { }
        }
        if (H264.isVcl(type)) {
            if (type == H264.IDR_SLICE) {
                hasIdr = true;
            }
            if (!vclSeen) {
                PayloadStatus st = checkFirstSlice(at, len);
                vclSeen = true;
                return st;
            }
        }
        return PayloadStatus.OK;
    }

    /**
     * After a gap or at stream start, only a unit whose first slice begins the picture is trusted:
     * first_mb_in_slice is ue(v), and it is 0 exactly when the first bit after the NAL header is 1 (§7.3.3).
     */
    private PayloadStatus checkFirstSlice(int at, int len) {
        vclSeen = true;
        if (len >= 2 && (Bytes.u8(buf, at + 1) & 0x80) != 0) {
            needsStartProof = false;
            return PayloadStatus.OK;
        }
        if (needsStartProof) {
            return PayloadStatus.DROPPED_GAP;
        }
        return PayloadStatus.OK;
    }

    private boolean reserve(int more) {
        long need = (long) end + more;
        if (need <= buf.byteSize()) {
            return true;
        }
        if (need - RESERVE > maxAccessUnit || array == null) {
            return false;
        }
        int size = (int) Math.min(Math.max(need, (long) array.length * 2), (long) RESERVE + maxAccessUnit);
        byte[] grown = new byte[size];
        System.arraycopy(array, 0, grown, 0, end);
        array = grown;
        buf = MemorySegment.ofArray(array);
        return true;
    }

    private void finishUnit() {
        if (end == RESERVE) {
            return; // only empty payloads
        }
        if (fuActive) {
            counters.count(PayloadStatus.CORRUPT_FU);
            dropUnit();
            return;
        }
        if (!vclSeen || needsStartProof) {
            counters.count(PayloadStatus.NO_SLICE);
            dropUnit();
            return;
        }
        int start = RESERVE;
        boolean audFirst = leadingAudLength > 0;
        if (hasIdr && prependParameterSets && (!hasSps || !hasPps)) {
            start = prependParameterSets(start, audFirst);
        }
        if (audMode == AudMode.STRIP && audFirst && end - start > leadingAudLength) {
            start += leadingAudLength;
        } else if (audMode == AudMode.INSERT && !audFirst) {
            start -= AUD_LENGTH;
            AnnexB.putStartCode(buf, start);
            Bytes.put8(buf, start + 4, H264.AUD);
            Bytes.put8(buf, start + 5, 0xF0); // primary_pic_type 7 + rbsp_stop_one_bit
        }
        counters.unitDelivered();
        int lost = continuity.takeLoss();
        sink.accept(buf, start, end - start, unitTimestamp, hasIdr, lost);
    }

    /** Returns the new start. Writes into the reserve, after a leading AUD; falls back to moving the unit. */
    private int prependParameterSets(int start, boolean audFirst) {
        // pic_parameter_set_id follows first_mb_in_slice and slice_type (§7.3.3)
        reader.reset(buf, firstIdrAt + 1, firstIdrLength - 1);
        reader.ue();
        reader.ue();
        long ppsId = reader.ue();
        if (reader.overrun() || ppsId > 255 || ppsById[(int) ppsId] == null) {
            return start;
        }
        byte[] pps = hasPps ? null : ppsById[(int) ppsId];
        byte[] sps = hasSps ? null : spsById[ppsSpsId[(int) ppsId]];
        int extra = (sps == null ? 0 : AnnexB.START_CODE_LENGTH + sps.length)
                + (pps == null ? 0 : AnnexB.START_CODE_LENGTH + pps.length);
        if (extra == 0) {
            return start;
        }
        // keep room for an inserted AUD too
        if (extra + AUD_LENGTH > start) {
            int shift = extra + AUD_LENGTH;
            if (!reserve(shift)) {
                return start;
            }
            MemorySegment.copy(buf, start, buf, start + shift, end - start);
            end += shift;
            start += shift;
        }
        int newStart = start - extra;
        int w = newStart;
        if (audFirst) {
            MemorySegment.copy(buf, start, buf, newStart, leadingAudLength);
            w += leadingAudLength;
        }
        if (sps != null) {
            AnnexB.putStartCode(buf, w);
            MemorySegment.copy(sps, 0, buf, ValueLayout.JAVA_BYTE, w + 4, sps.length);
            w += 4 + sps.length;
        }
        if (pps != null) {
            AnnexB.putStartCode(buf, w);
            MemorySegment.copy(pps, 0, buf, ValueLayout.JAVA_BYTE, w + 4, pps.length);
        }
        prepended++;
        return newStart;
    }

    /** IDR access units that got cached SPS/PPS prepended. */
    public long parameterSetsPrepended() {
        return prepended;
    }

    private void cacheSps(int at, int len) {
        if (len < 5) {
            return;
        }
        reader.reset(buf, at + 4, len - 4); // profile_idc, constraint flags, level_idc precede the id (§7.3.2.1.1)
        long id = reader.ue();
        if (reader.overrun() || id > 31) {
            return;
        }
        spsById[(int) id] = store(spsById[(int) id], at, len);
    }

    private void cachePps(int at, int len) {
        reader.reset(buf, at + 1, len - 1);
        long id = reader.ue();
        long spsId = reader.ue();
        if (reader.overrun() || id > 255 || spsId > 31) {
            return;
        }
        ppsById[(int) id] = store(ppsById[(int) id], at, len);
        ppsSpsId[(int) id] = (int) spsId;
    }

    /** Copies the NAL unit unless the cache already holds the same bytes. */
    private byte[] store(byte[] old, int at, int len) {
        if (old != null && old.length == len && sameBytes(old, at)) {
            return old;
        }
        byte[] copy = new byte[len];
        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, at, copy, 0, len);
        return copy;
    }

    private boolean sameBytes(byte[] cached, int at) {
        for (int i = 0; i < cached.length; i++) {
            if (cached[i] != buf.get(ValueLayout.JAVA_BYTE, at + i)) {
                return false;
            }
        }
        return true;
    }

    /** The cached SPS with this id (NAL header included), or null. */
    public byte[] cachedSps(int id) {
        return spsById[id] == null ? null : spsById[id].clone();
    }

    /** The cached PPS with this id (NAL header included), or null. */
    public byte[] cachedPps(int id) {
        return ppsById[id] == null ? null : ppsById[id].clone();
    }

    /** Forgets any partial access unit and sequence state (e.g. on an SSRC change); keeps the parameter sets. */
    public void reset() {
        inUnit = false;
        broken = false;
        continuity.reset();
        needsStartProof = true;
    }
}
