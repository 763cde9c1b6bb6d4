package io.mediaplane.video;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One counter per {@link DecodeStatus}, plus resets and keyframe requests, for stats. Written by the thread that
 * owns the decoder, readable from any thread.
 */
public final class DecoderCounters {
    private static final DecodeStatus[] STATUSES = DecodeStatus.values();
    private final AtomicLongArray counts = new AtomicLongArray(STATUSES.length);
    private volatile long resets;
    private volatile long keyframeRequests;

    DecodeStatus count(DecodeStatus status) {
        counts.lazySet(status.ordinal(), counts.get(status.ordinal()) + 1);
        return status;
    }

    void reset() {
        resets = resets + 1;
    }

    void keyframeRequested() {
        keyframeRequests = keyframeRequests + 1;
    }

    public long get(DecodeStatus status) {
        return counts.get(status.ordinal());
    }

    /** Pictures output, concealed ones included. */
    public long pictures() {
        return get(DecodeStatus.PICTURE) + get(DecodeStatus.PICTURE_CONCEALED);
    }

    /** Times the native decoder was re-created after too many consecutive errors. */
    public long resets() {
        return resets;
    }

    /** Times the keyframe-request callback was called. */
    public long keyframeRequests() {
        return keyframeRequests;
    }

    /** The non-zero status counters, in declaration order. */
    public Map<DecodeStatus, Long> snapshot() {
        Map<DecodeStatus, Long> out = new EnumMap<>(DecodeStatus.class);
        for (DecodeStatus s : STATUSES) {
            long v = counts.get(s.ordinal());
            if (v != 0) {
                out.put(s, v);
            }
        }
        return out;
    }
}
