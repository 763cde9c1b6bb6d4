package io.mediaplane.discord;

import io.mediaplane.codec.AnnexB;
import io.mediaplane.codec.H264;
import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * Remembers the latest SPS and PPS of one H264 stream and puts them in front of an IDR access unit that arrives
 * without them, so a decoder can start on it. This runs <em>after</em> {@link FrameCrypto#open}: DAVE's clear
 * ranges are offsets into the frame as sent, so inserting bytes before decryption would break it (clankvox's
 * finding, discord-anchors §1.9). A leading access unit delimiter stays first (H.264 §7.4.1.2.3).
 */
final class ParameterSetPrepender {
    private static final int MAX_PARAMETER_SET = 512;
    private final long[] offsets = new long[256];
    private final int[] lengths = new int[256];
    private byte[] sps;
    private byte[] pps;
    private long prepended;

    /**
     * Writes the access unit at {@code in} into {@code out}, with parameter sets prepended when it is an IDR that
     * lacks them; returns the length written, or -1 when {@code out} is too small.
     */
    int process(MemorySegment in, MemorySegment out) {
        int n = AnnexB.split(in, 0, in.byteSize(), offsets, lengths);
        boolean idr = false;
        boolean hasSps = false;
        boolean hasPps = false;
        int audIndex = -1;
        for (int i = 0; i < Math.max(n, 0); i++) {
            int type = H264.type(Bytes.u8(in, offsets[i]));
            switch (type) {
                case H264.IDR_SLICE -> idr = true;
                case H264.SPS -> {
                    hasSps = true;
                    sps = copy(in, offsets[i], lengths[i], sps);
                }
                case H264.PPS -> {
                    hasPps = true;
                    pps = copy(in, offsets[i], lengths[i], pps);
                }
                case H264.AUD -> {
                    if (i == 0) {
                        audIndex = 0;
                    }
                }
                default -> {
                }
            }
        }
        int length = (int) in.byteSize();
        boolean addSps = idr && !hasSps && sps != null;
        boolean addPps = idr && !hasPps && pps != null;
        int extra = (addSps ? 4 + sps.length : 0) + (addPps ? 4 + pps.length : 0);
        if (length + extra > out.byteSize()) {
            return -1;
        }
        if (extra == 0) {
            MemorySegment.copy(in, 0, out, 0, length);
            return length;
        }
        // the AUD (start code + NAL) stays in front; everything after it moves behind the parameter sets
        int head = audIndex == 0 ? (int) (offsets[0] + lengths[0]) : 0;
        MemorySegment.copy(in, 0, out, 0, head);
        long at = head;
        if (addSps) {
            at = putNal(out, at, sps);
        }
        if (addPps) {
            at = putNal(out, at, pps);
        }
        MemorySegment.copy(in, head, out, at, length - head);
        prepended++;
        return length + extra;
    }

    long prepended() {
        return prepended;
    }

    private static long putNal(MemorySegment out, long at, byte[] nal) {
        Bytes.put32(out, at, 1);
        MemorySegment.copy(MemorySegment.ofArray(nal), 0, out, at + 4, nal.length);
        return at + 4 + nal.length;
    }

    private static byte[] copy(MemorySegment s, long offset, int length, byte[] previous) {
        if (length > MAX_PARAMETER_SET) {
            return previous;
        }
        if (previous != null && previous.length == length
                && MemorySegment.mismatch(s, offset, offset + length, MemorySegment.ofArray(previous), 0, length) < 0) {
            return previous;
        }
        byte[] b = new byte[length];
        MemorySegment.copy(s, java.lang.foreign.ValueLayout.JAVA_BYTE, offset, b, 0, length);
        return b;
    }
}
