package io.mediaplane.crypto;

/**
 * Which received nonce counters were already accepted, over a sliding window behind the highest one
 * (the anti-replay bitmap of RFC 4303 §3.4.3 / RFC 3711 §3.3.2, on 32-bit counters that wrap).
 *
 * <p>Counters compare in serial-number arithmetic (RFC 1982): {@code counter - highest} as a signed 32-bit value,
 * so the window slides across the 2^32 wrap. A counter ahead of the highest (by up to 2^31 − 1) is new; one
 * that is equal, already marked, or {@code size} or more behind is a replay. {@link #check} runs before the
 * AEAD tag is verified and {@link #accept} only after, so forged packets cannot move the window.
 *
 * <p>Size 0 turns the check off. No allocation after construction; not thread-safe (the open side owns it).
 */
final class ReplayWindow {
    private final int size;
    private final long[] bits;
    private boolean started;
    private int highest;

    /** {@code size}: 0 (off) or a power of two from 64 to 65536. */
    ReplayWindow(int size) {
        if (size != 0 && (size < 64 || size > 65536 || Integer.bitCount(size) != 1)) {
            throw new IllegalArgumentException("replay window must be 0 or a power of two in 64..65536: " + size);
        }
        this.size = size;
        this.bits = new long[Math.max(1, size / 64)];
    }

    int size() {
        return size;
    }

    /** Whether {@code counter} may be new (not seen, not too old). Changes nothing. */
    boolean check(int counter) {
        if (size == 0 || !started) {
            return true;
        }
        int delta = counter - highest;
        if (delta > 0) {
            return true;
        }
        if (delta <= -size) {
            return false;
        }
        if (delta == 0) {
            return false;
        }
        int bit = counter & (size - 1);
        return (bits[bit >>> 6] & (1L << bit)) == 0;
    }

    /** Marks an authenticated {@code counter} (which passed {@link #check}) as seen. */
    void accept(int counter) {
        if (size == 0) {
            return;
        }
        if (!started) {
            started = true;
            highest = counter;
            mark(counter);
            return;
        }
        int delta = counter - highest;
        if (delta > 0) {
            if (delta >= size) {
                java.util.Arrays.fill(bits, 0L);
            } else {
                for (int c = highest + 1; c != counter; c++) {
                    clear(c);
                }
            }
            highest = counter;
        }
        mark(counter);
    }

    private void mark(int counter) {
        int bit = counter & (size - 1);
        bits[bit >>> 6] |= 1L << bit;
    }

    private void clear(int counter) {
        int bit = counter & (size - 1);
        bits[bit >>> 6] &= ~(1L << bit);
    }
}
