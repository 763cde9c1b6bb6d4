package io.mediaplane.stream;

/**
 * How one subscriber reads a stream.
 *
 * @param replayCache     start with the codec configuration and the cached GOP (marked as replay), else with the
 *                        next keyframe
 * @param maxLag          live frames the subscriber may have unread; beyond that it skips to the newest keyframe
 *                        and gets a gap event (capped below the ring capacity)
 * @param evictLag        unread live frames beyond which the subscriber is evicted instead (greater than maxLag)
 * @param evictAfterSkips evict after this many skips (0: never for that reason)
 * @param followRepublish stay subscribed when the publication ends and continue with the next publisher on the
 *                        same key; also allows subscribing before anyone publishes
 * @param wakeup          run (on the publishing thread, so it must not block: e.g. unpark a thread) once after
 *                        {@link Subscription#armWakeup()} when a frame is published; null for pure polling
 */
public record SubscribeOptions(boolean replayCache, int maxLag, long evictLag, int evictAfterSkips,
        boolean followRepublish, Runnable wakeup) {
    /**
     * Replay the cache; skip beyond 256 unread live frames (about 2 s of 60 fps video with its audio), evict beyond
     * 10,000 (a subscriber that stopped polling for over a minute); end with the publication.
     */
    public static final SubscribeOptions DEFAULT = new SubscribeOptions(true, 256, 10_000, 0, false, null);

    public SubscribeOptions {
        if (maxLag < 1) {
            throw new IllegalArgumentException("max lag must be positive: " + maxLag);
        }
        if (evictLag <= maxLag) {
            throw new IllegalArgumentException("evict lag (" + evictLag + ") must exceed max lag (" + maxLag + ")");
        }
        if (evictAfterSkips < 0) {
            throw new IllegalArgumentException("evictAfterSkips must not be negative: " + evictAfterSkips);
        }
    }

    public SubscribeOptions withReplayCache(boolean replay) {
        return new SubscribeOptions(replay, maxLag, evictLag, evictAfterSkips, followRepublish, wakeup);
    }

    public SubscribeOptions withLag(int skipBeyond, long evictBeyond) {
        return new SubscribeOptions(replayCache, skipBeyond, evictBeyond, evictAfterSkips, followRepublish, wakeup);
    }

    public SubscribeOptions withEvictAfterSkips(int skips) {
        return new SubscribeOptions(replayCache, maxLag, evictLag, skips, followRepublish, wakeup);
    }

    public SubscribeOptions withFollowRepublish(boolean follow) {
        return new SubscribeOptions(replayCache, maxLag, evictLag, evictAfterSkips, follow, wakeup);
    }

    public SubscribeOptions withWakeup(Runnable action) {
        return new SubscribeOptions(replayCache, maxLag, evictLag, evictAfterSkips, followRepublish, action);
    }
}
