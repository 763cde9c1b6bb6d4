package io.mediaplane.stream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Keeps the publish sequence on a cache line of its own: every reader polls it, only the writer stores it. */
abstract class FrameRingPadBefore {
    long p01, p02, p03, p04, p05, p06, p07;
}

abstract class FrameRingSequence extends FrameRingPadBefore {
    volatile long published = -1;
}

abstract class FrameRingPadAfter extends FrameRingSequence {
    long p11, p12, p13, p14, p15, p16, p17;
}

/**
 * The single-writer broadcast ring of one stream: slot {@code seq & mask} holds the frame published as
 * {@code seq} and one reference to it. Writing never looks at readers, so it costs the same with any number of
 * them; a reader that falls a ring behind finds its slot overwritten and must skip.
 *
 * <p>Writes happen under the stream's gate (one writer at a time). A slot is written like a seqlock: its sequence
 * is cleared, then the frame stored, then the sequence stored with release semantics, then {@link #published}.
 * {@link #acquire(long)} reads sequence, frame, takes a reference with {@link Frame#tryRetain()} (which fails on
 * a freed frame) and re-reads the sequence: if it still matches, the reference is to the frame of that sequence
 * even if the slot was overwritten and the frame recycled in between (sequences never repeat).
 */
final class FrameRing extends FrameRingPadAfter {
    private static final VarHandle SEQS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle FRAMES = MethodHandles.arrayElementVarHandle(Frame[].class);

    private final int mask;
    private final long[] seqs;
    private final Frame[] frames;

    FrameRing(int capacity) {
        this.mask = capacity - 1;
        this.seqs = new long[capacity];
        this.frames = new Frame[capacity];
        java.util.Arrays.fill(seqs, -1L);
    }

    int capacity() {
        return mask + 1;
    }

    long published() {
        return published;
    }

    /** Stores {@code frame} (whose reference the ring takes over) as {@code seq}; writer only, seq increasing. */
    void put(long seq, Frame frame) {
        int i = (int) seq & mask;
        Frame old = frames[i];
        SEQS.setOpaque(seqs, i, -1L);
        VarHandle.storeStoreFence();
        FRAMES.setRelease(frames, i, frame);
        SEQS.setRelease(seqs, i, seq);
        published = seq;
        if (old != null) {
            old.release();
        }
    }

    /** The frame published as {@code seq} with a reference for the caller, or null if the slot no longer holds it. */
    Frame acquire(long seq) {
        int i = (int) seq & mask;
        if ((long) SEQS.getAcquire(seqs, i) != seq) {
            return null;
        }
        Frame f = (Frame) FRAMES.getAcquire(frames, i);
        if (f == null || !f.tryRetain()) {
            return null;
        }
        if ((long) SEQS.getAcquire(seqs, i) != seq) {
            f.release();
            return null;
        }
        return f;
    }

    /**
     * Releases every slot; writer only (under the gate), when the stream is retired. A reader that is still
     * polling (one being evicted, say) sees each slot cleared with the same protocol as an overwrite.
     */
    void clear() {
        for (int i = 0; i < frames.length; i++) {
            Frame old = frames[i];
            SEQS.setOpaque(seqs, i, -1L);
            VarHandle.storeStoreFence();
            FRAMES.setRelease(frames, i, null);
            if (old != null) {
                old.release();
            }
        }
    }
}
