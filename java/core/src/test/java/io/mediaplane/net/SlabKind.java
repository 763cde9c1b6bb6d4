package io.mediaplane.net;

import java.lang.foreign.Arena;

/** The two kinds of slab every socket test runs with: a heap {@code byte[]} and native memory. */
enum SlabKind {
    HEAP,
    NATIVE;

    DatagramBatch batch(Arena arena, int slots, int stride) {
        return this == HEAP ? DatagramBatch.allocateHeap(slots, stride)
                : DatagramBatch.allocateNative(arena, slots, stride);
    }
}
