package io.mediaplane.crypto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Gives JCE (which takes {@code byte[]}) the array behind a heap segment, or a copy of the bytes of a native
 * one. The last segment and its array are cached, so a pool's slab is unwrapped once, not per packet.
 * One instance per direction; not thread-safe.
 */
final class HeapBytes {
    private MemorySegment lastSegment;
    private byte[] lastArray;
    private byte[] scratch = new byte[2048];
    private int base;
    private boolean staged;

    /** The {@code byte[]} backing {@code s}, or null if {@code s} is native (or not a {@code byte[]} heap segment). */
    byte[] arrayOf(MemorySegment s) {
        if (s == lastSegment) {
            return lastArray;
        }
        byte[] a = s.isNative() ? null : (s.heapBase().orElse(null) instanceof byte[] b && !s.isReadOnly() ? b : null);
        lastSegment = s;
        lastArray = a;
        return a;
    }

    /** Index in {@link #arrayOf}'s array of {@code offset} in {@code s}: a heap segment's address is its array offset. */
    static int arrayIndex(MemorySegment s, long offset) {
        return Math.toIntExact(s.address() + offset);
    }

    /** Copies {@code length} bytes at {@code offset} of {@code s} into a scratch array (grown once if needed). */
    byte[] copyIn(MemorySegment s, long offset, int length, int extra) {
        if (scratch.length < length + extra) {
            scratch = new byte[Integer.highestOneBit(length + extra) << 1];
        }
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, offset, scratch, 0, length);
        return scratch;
    }

    /**
     * The packet's bytes as an array: the segment's own array when it is heap-backed (nothing copied), else a
     * staging copy with {@code extra} bytes of room after it. {@link #base()} is where the packet starts in it.
     */
    byte[] stage(MemorySegment s, long offset, int length, int extra) {
        byte[] a = arrayOf(s);
        staged = a == null;
        if (staged) {
            base = 0;
            return copyIn(s, offset, length, extra);
        }
        base = arrayIndex(s, offset);
        return a;
    }

    /** Where the last {@link #stage}d packet starts in its array. */
    int base() {
        return base;
    }

    /** After {@link #stage}: copies packet bytes {@code [from, from + length)} back, if they were staged. */
    void unstage(byte[] a, int from, MemorySegment s, long offset, int length) {
        if (staged) {
            copyOut(a, from, s, offset + from, length);
        }
    }

    static void copyOut(byte[] from, int fromIndex, MemorySegment s, long offset, int length) {
        MemorySegment.copy(from, fromIndex, s, ValueLayout.JAVA_BYTE, offset, length);
    }
}
