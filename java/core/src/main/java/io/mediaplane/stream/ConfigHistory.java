package io.mediaplane.stream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The newest codec-configuration frames of a publication with their sequences, so a joiner starting at sequence
 * {@code s} can first get, per codec, the newest configuration published before {@code s}. Written by the stream
 * writer (one reference per entry), read by joiners with the same seqlock check as {@link FrameRing}.
 */
final class ConfigHistory {
    private static final VarHandle SEQS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle FRAMES = MethodHandles.arrayElementVarHandle(Frame[].class);

    private final long[] seqs;
    private final Frame[] frames;
    private int next;

    ConfigHistory(int depth) {
        seqs = new long[depth];
        frames = new Frame[depth];
        Arrays.fill(seqs, -1L);
    }

    /** Writer only: remembers {@code frame} (taking a reference of its own) as published at {@code seq}. */
    void add(long seq, Frame frame) {
        frame.retain();
        int i = next;
        next = (next + 1) % seqs.length;
        Frame old = frames[i];
        SEQS.setOpaque(seqs, i, -1L);
        VarHandle.storeStoreFence();
        FRAMES.setRelease(frames, i, frame);
        SEQS.setRelease(seqs, i, seq);
        if (old != null) {
            old.release();
        }
    }

    /** Writer only: forgets every entry (a publication ended). */
    void clear() {
        for (int i = 0; i < seqs.length; i++) {
            SEQS.setOpaque(seqs, i, -1L);
            VarHandle.storeStoreFence();
            Frame old = frames[i];
            FRAMES.setRelease(frames, i, null);
            if (old != null) {
                old.release();
            }
        }
        next = 0;
    }

    /**
     * Per codec, the newest configuration published before {@code before}, retained for the caller, in sequence
     * order. Fills {@code outFrames}/{@code outSeqs} (length at least the depth) and returns how many.
     */
    int snapshot(long before, Frame[] outFrames, long[] outSeqs) {
        int n = 0;
        for (int i = 0; i < seqs.length; i++) {
            long s = (long) SEQS.getAcquire(seqs, i);
            if (s < 0 || s >= before) {
                continue;
            }
            Frame f = (Frame) FRAMES.getAcquire(frames, i);
            if (f == null || !f.tryRetain()) {
                continue;
            }
            if ((long) SEQS.getAcquire(seqs, i) != s) {
                f.release();
                continue;
            }
            int same = -1;
            for (int k = 0; k < n; k++) {
                if (outFrames[k].codec() == f.codec()) {
                    same = k;
                }
            }
            if (same < 0) {
                outFrames[n] = f;
                outSeqs[n++] = s;
            } else if (outSeqs[same] < s) {
                outFrames[same].release();
                outFrames[same] = f;
                outSeqs[same] = s;
            } else {
                f.release();
            }
        }
        // insertion sort by sequence: a handful of entries
        for (int i = 1; i < n; i++) {
            for (int k = i; k > 0 && outSeqs[k - 1] > outSeqs[k]; k--) {
                long ts = outSeqs[k];
                outSeqs[k] = outSeqs[k - 1];
                outSeqs[k - 1] = ts;
                Frame tf = outFrames[k];
                outFrames[k] = outFrames[k - 1];
                outFrames[k - 1] = tf;
            }
        }
        return n;
    }

    int depth() {
        return seqs.length;
    }
}
