package io.mediaplane.stream;

/**
 * Sizes of every stream in one {@link StreamRegistry}.
 *
 * @param ringCapacity   frames buffered per stream for subscribers to read (a power of two). The ring holds one
 *                       reference per slot, so it bounds how much frame memory one stream pins.
 * @param gopCacheFrames most frames kept for late joiners (0 disables the cache); at most half the ring, so a
 *                       joiner replaying the cache has half a ring of slack before live frames overwrite it
 * @param gopCacheBytes  most payload bytes kept for late joiners
 * @param gopCount       how many of the newest GOPs to keep, if they fit the bounds above
 */
public record StreamSettings(int ringCapacity, int gopCacheFrames, long gopCacheBytes, int gopCount) {
    /** 1024 slots, one GOP of at most 300 frames (5 s at 60 fps) and 16 MiB. */
    public static final StreamSettings DEFAULT = new StreamSettings(1024, 300, 16L << 20, 1);

    public StreamSettings {
        if (ringCapacity < 2 || Integer.bitCount(ringCapacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two >= 2: " + ringCapacity);
        }
        if (gopCacheFrames < 0 || gopCacheFrames > ringCapacity / 2) {
            throw new IllegalArgumentException("GOP cache frames must be within 0.." + ringCapacity / 2
                    + " (half the ring): " + gopCacheFrames);
        }
        if (gopCacheBytes < 0) {
            throw new IllegalArgumentException("GOP cache bytes must not be negative: " + gopCacheBytes);
        }
        if (gopCount < 1 || gopCount > 64) {
            throw new IllegalArgumentException("GOP count must be within 1..64: " + gopCount);
        }
    }

    public StreamSettings withRingCapacity(int capacity) {
        return new StreamSettings(capacity, Math.min(gopCacheFrames, capacity / 2), gopCacheBytes, gopCount);
    }

    public StreamSettings withGopCache(int frames, long bytes, int gops) {
        return new StreamSettings(ringCapacity, frames, bytes, gops);
    }
}
