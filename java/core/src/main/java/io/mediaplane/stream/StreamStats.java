package io.mediaplane.stream;

/**
 * A snapshot of one stream's counters.
 *
 * @param publishedFrames frames published on the key since the stream was registered
 * @param replayFrames    frames a joiner would replay now (cached GOP window)
 * @param skips           times a subscriber skipped ahead after falling behind
 * @param skippedFrames   frames those skips left out
 * @param evictions       subscribers evicted for lagging
 */
public record StreamStats(StreamKey key, StreamState state, int subscribers, long publishedFrames,
        long replayFrames, long skips, long skippedFrames, long evictions) {}
