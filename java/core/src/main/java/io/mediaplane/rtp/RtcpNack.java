package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * Generic NACK, RTPFB FMT 1 (RFC 4585 §6.2.1): FCI entries of a packet ID and a bitmask of the 16 following
 * losses.
 *
 * <pre>
 * |            PID                |             BLP               |
 * </pre>
 *
 * Bit {@code i} of BLP (bit 0 the least significant) reports {@code PID + i + 1} lost, modulo 2^16.
 */
public final class RtcpNack extends RtcpFeedback {
    public static final int FCI_LENGTH = 4;

    @Override
    public PacketStatus wrap(MemorySegment seg, long off, int available) {
        PacketStatus s = wrapFeedback(seg, off, available, RtcpPacketType.RTPFB, FMT_NACK, FIXED_LENGTH);
        if (!s.ok()) {
            return s;
        }
        int fci = contentLength - FIXED_LENGTH;
        if (fci == 0) {
            // §6.2.1: one or more FCI entries
            return fail(PacketStatus.BAD_COUNT);
        }
        if (fci % FCI_LENGTH != 0) {
            return fail(PacketStatus.BAD_FORMAT);
        }
        return PacketStatus.OK;
    }

    public int pairCount() {
        return (contentLength - FIXED_LENGTH) / FCI_LENGTH;
    }

    /** The packet ID of entry {@code index}: the first lost sequence number it reports. */
    public int pid(int index) {
        Objects.checkIndex(index, pairCount());
        return Bytes.u16(segment, offset + FIXED_LENGTH + (long) FCI_LENGTH * index);
    }

    /** The bitmask of following lost packets of entry {@code index}. */
    public int blp(int index) {
        Objects.checkIndex(index, pairCount());
        return Bytes.u16(segment, offset + FIXED_LENGTH + (long) FCI_LENGTH * index + 2);
    }

    /** How many sequence numbers the packet reports lost, counting repeats across entries. */
    public int lostCount() {
        int n = 0;
        for (int i = 0, pairs = pairCount(); i < pairs; i++) {
            n += 1 + Integer.bitCount(blp(i));
        }
        return n;
    }

    /** Calls {@code lost} with every sequence number reported lost, in packet order; returns how many. */
    public int forEachLost(IntConsumer lost) {
        int n = 0;
        for (int i = 0, pairs = pairCount(); i < pairs; i++) {
            int pid = pid(i);
            int blp = blp(i);
            lost.accept(pid);
            n++;
            for (int bit = 0; bit < 16; bit++) {
                if ((blp & (1 << bit)) != 0) {
                    lost.accept((pid + bit + 1) & 0xFFFF);
                    n++;
                }
            }
        }
        return n;
    }

    /** The size of the NACK {@link #write} builds for {@code lost[0..count)}. */
    public static int length(int[] lost, int count) {
        return FIXED_LENGTH + FCI_LENGTH * pack(lost, count, null, 0);
    }

    /**
     * Writes a NACK for the lost sequence numbers {@code lost[0..count)}, which should be in RTP order (serial
     * order across wrap-around, e.g. 65534, 65535, 0, 1) so each entry covers up to 17; any order stays correct,
     * just longer. Duplicates are folded. Returns the bytes written.
     */
    public static int write(MemorySegment s, long off, int senderSsrc, int mediaSsrc, int[] lost, int count) {
        Objects.checkFromIndexSize(0, count, lost.length);
        if (count == 0) {
            throw new IllegalArgumentException("a NACK reports at least one lost packet (RFC 4585 §6.2.1)");
        }
        int length = length(lost, count);
        writeCommon(s, off, RtcpPacketType.RTPFB, FMT_NACK, senderSsrc, mediaSsrc, length);
        pack(lost, count, s, off + FIXED_LENGTH);
        return length;
    }

    /** Packs sequence numbers into (PID, BLP) entries, writing them at {@code pos} unless {@code s} is null. */
    private static int pack(int[] lost, int count, MemorySegment s, long pos) {
        int entries = 0;
        int pid = 0;
        int blp = 0;
        for (int i = 0; i < count; i++) {
            int seq = lost[i] & 0xFFFF;
            if (entries > 0) {
                int d = (seq - pid) & 0xFFFF;
                if (d == 0) {
                    continue;
                }
                if (d <= 16) {
                    blp |= 1 << (d - 1);
                    continue;
                }
                if (s != null) {
                    Bytes.put16(s, pos, pid);
                    Bytes.put16(s, pos + 2, blp);
                    pos += FCI_LENGTH;
                }
            }
            pid = seq;
            blp = 0;
            entries++;
        }
        if (s != null && entries > 0) {
            Bytes.put16(s, pos, pid);
            Bytes.put16(s, pos + 2, blp);
        }
        return entries;
    }
}
