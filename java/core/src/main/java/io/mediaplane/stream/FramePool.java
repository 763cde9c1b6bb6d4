package io.mediaplane.stream;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Frame memory: for each size class one slab of fixed slots (one arena for all native slabs, never one per
 * frame), with a {@link Frame} object preallocated per slot, so a steady stream allocates nothing.
 *
 * <p>{@link #allocate} takes a slot from the smallest class that fits and has one free, else from a larger class.
 * A frame larger than every class, or arriving when all fitting classes are exhausted, gets an arena of its own
 * (counted in {@link #overflowAllocations()}, and {@link #outstandingArenas()} while it lives): the publisher does
 * not lose the frame, and the counters show that the classes are too small.
 *
 * <p>Native slabs are the default because decoders take frames through ordinary (non-critical) downcalls, which
 * need native memory. Thread safety: allocate and free from any thread (a lock-free stack per class, tagged
 * against ABA).
 */
public final class FramePool implements AutoCloseable {
    /** One size class: {@code slots} frames of up to {@code bytes} bytes each. */
    public record SizeClass(int bytes, int slots) {
        public SizeClass {
            if (bytes <= 0 || slots <= 0) {
                throw new IllegalArgumentException("size class needs positive bytes and slots: " + bytes + ", " + slots);
            }
        }
    }

    private final boolean nativeMemory;
    private final Arena arena; // null for heap slabs
    private final int[] classBytes;
    private final Frame[][] frames;
    private final int[][] nextFree;
    /** Per class: high 32 bits a tag bumped on every change (ABA guard), low 32 bits index + 1 of the top free slot. */
    private final AtomicLongArray freeTop;
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong outstandingArenas = new AtomicLong();
    private final AtomicLong overflows = new AtomicLong();

    private FramePool(boolean nativeMemory, SizeClass... classes) {
        if (classes.length == 0) {
            throw new IllegalArgumentException("a frame pool needs at least one size class");
        }
        SizeClass[] sorted = classes.clone();
        Arrays.sort(sorted, (a, b) -> Integer.compare(a.bytes(), b.bytes()));
        this.nativeMemory = nativeMemory;
        this.arena = nativeMemory ? Arena.ofShared() : null;
        this.classBytes = new int[sorted.length];
        this.frames = new Frame[sorted.length][];
        this.nextFree = new int[sorted.length][];
        this.freeTop = new AtomicLongArray(sorted.length);
        for (int c = 0; c < sorted.length; c++) {
            SizeClass sc = sorted[c];
            long size = (long) sc.bytes() * sc.slots();
            MemorySegment slab;
            if (nativeMemory) {
                slab = arena.allocate(size, 64);
            } else {
                if (size > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("a heap slab holds at most 2 GiB; class " + sc + " needs " + size);
                }
                slab = MemorySegment.ofArray(new byte[(int) size]);
            }
            MemorySegment readOnly = slab.asReadOnly();
            classBytes[c] = sc.bytes();
            frames[c] = new Frame[sc.slots()];
            nextFree[c] = new int[sc.slots()];
            for (int i = 0; i < sc.slots(); i++) {
                frames[c][i] = new Frame(this, c, i, slab, readOnly, (long) i * sc.bytes(), sc.bytes(), null);
                nextFree[c][i] = i - 1;
            }
            freeTop.set(c, sc.slots());
        }
    }

    public static FramePool nativeMemory(SizeClass... classes) {
        return new FramePool(true, classes);
    }

    public static FramePool heap(SizeClass... classes) {
        return new FramePool(false, classes);
    }

    /**
     * A writable frame of {@code length} bytes (contents unspecified) holding one reference. Fill it through
     * {@link Frame#writableSegment()} at {@link Frame#offset()}, then publish or release it.
     */
    public Frame allocate(Codec codec, long pts, long dts, int flags, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative frame length " + length);
        }
        Frame f = null;
        for (int c = 0; c < classBytes.length && f == null; c++) {
            if (classBytes[c] >= length) {
                f = pop(c);
            }
        }
        if (f == null) {
            f = overflow(length);
        }
        outstanding.incrementAndGet();
        f.reset(codec, pts, dts, flags, length);
        return f;
    }

    /** A frame holding a copy of {@code bytes}. */
    public Frame copyOf(Codec codec, long pts, long dts, int flags, byte[] bytes) {
        return allocate(codec, pts, dts, flags, bytes.length).copyFrom(bytes);
    }

    /** A frame holding a copy of {@code len} bytes of {@code src} at {@code off}. */
    public Frame copyOf(Codec codec, long pts, long dts, int flags, MemorySegment src, long off, int len) {
        return allocate(codec, pts, dts, flags, len).copyFrom(src, off, len);
    }

    private Frame pop(int c) {
        Frame[] fs = frames[c];
        int[] next = nextFree[c];
        while (true) {
            long top = freeTop.get(c);
            int index = (int) top - 1;
            if (index < 0) {
                return null;
            }
            long updated = ((top >>> 32) + 1) << 32 | (next[index] + 1L);
            if (freeTop.compareAndSet(c, top, updated)) {
                return fs[index];
            }
        }
    }

    private Frame overflow(int length) {
        overflows.incrementAndGet();
        outstandingArenas.incrementAndGet();
        Arena own = Arena.ofShared();
        int capacity = Math.max(length, 1);
        MemorySegment seg = nativeMemory ? own.allocate(capacity, 64) : MemorySegment.ofArray(new byte[capacity]);
        return new Frame(this, -1, -1, seg, seg.asReadOnly(), 0, capacity, own);
    }

    void free(Frame f) {
        outstanding.decrementAndGet();
        if (f.isOversize()) {
            outstandingArenas.decrementAndGet();
            return;
        }
        int c = f.sizeClass();
        int index = f.slot();
        int[] next = nextFree[c];
        while (true) {
            long top = freeTop.get(c);
            next[index] = (int) top - 1;
            long updated = ((top >>> 32) + 1) << 32 | (index + 1L);
            if (freeTop.compareAndSet(c, top, updated)) {
                return;
            }
        }
    }

    /** Frames handed out and not yet freed; a test that ends with this above zero has leaked. */
    public long outstandingFrames() {
        return outstanding.get();
    }

    /** Arenas of overflow frames not yet freed; a test that ends with this above zero has leaked. */
    public long outstandingArenas() {
        return outstandingArenas.get();
    }

    /** Frames that got an arena of their own because no size class could take them. */
    public long overflowAllocations() {
        return overflows.get();
    }

    public boolean isNative() {
        return nativeMemory;
    }

    /** Frees the native slabs; frames of this pool must not be used afterwards. */
    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }
}
