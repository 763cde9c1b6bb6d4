package io.mediaplane.stream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One consumer's read position in a stream. Its owner polls it from one thread at a time; nothing is pushed to
 * it, so a subscriber that stops polling costs the publisher nothing. A late joiner first gets the codec
 * configuration and the cached GOP (each marked as replay), then live frames, in one gap-free sequence.
 *
 * <p>Falling more than {@link SubscribeOptions#maxLag()} live frames behind (or a ring behind) skips to the newest
 * buffered keyframe, or, when none would catch up, to the next keyframe to come: {@link FrameHandler#onGap} tells
 * how many frames were lost. Beyond {@link SubscribeOptions#evictLag()} the subscription is evicted. Each skip and
 * eviction is counted here, per stream and through {@link StreamObserver}.
 */
public final class Subscription implements AutoCloseable {
    private static final VarHandle ARMED;
    private static final VarHandle CURSOR;

    static {
        try {
            ARMED = MethodHandles.lookup().findVarHandle(Subscription.class, "armed", int.class);
            CURSOR = MethodHandles.lookup().findVarHandle(Subscription.class, "cursor", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Stream stream;
    private final FrameRing ring;
    private final long id;
    private final SubscribeOptions options;
    /** {@link SubscribeOptions#maxLag()}, capped below the ring capacity (a ring behind is an overrun anyway). */
    private final long maxLag;

    /** Next sequence to read; published opaquely so that {@link StreamRegistry#evictLagging()} can see it. */
    private long cursor;
    /** Sequences below this were published before the subscription joined: replay. */
    private long liveFrom;
    private volatile SubscriptionState state;
    private final Frame[] pending;
    private final long[] pendingSeqs;
    private int pendingCount;
    private int pendingNext;

    /** Set by another thread to end the subscription at its next poll (sweep eviction, registry close). */
    private volatile EndReason endRequested;
    @SuppressWarnings("unused") // accessed through ARMED
    private volatile int armed;
    Subscription nextArmed;

    private long delivered;
    private long replayed;
    private long skips;
    private long skippedFrames;
    private long awaitingDrops;

    Subscription(Stream stream, long id, SubscribeOptions options) {
        this.stream = stream;
        this.ring = stream.ring;
        this.id = id;
        this.options = options;
        this.maxLag = Math.min(options.maxLag(), stream.ring.capacity() - 1);
        this.pending = new Frame[stream.config.depth()];
        this.pendingSeqs = new long[stream.config.depth()];
    }

    /** Under the registry lock: chooses where to start. Returns the number of frames this joiner will replay. */
    long start() {
        long from = options.replayCache() ? stream.replayFrom : -1;
        long head = ring.published();
        liveFrom = head + 1;
        if (from >= 0 && from > head - ring.capacity()) {
            cursor = from;
            state = SubscriptionState.ACTIVE;
        } else {
            cursor = head + 1;
            state = stream.isLive() ? SubscriptionState.AWAITING_KEYFRAME : SubscriptionState.WAITING_FOR_PUBLISHER;
        }
        pendingCount = stream.isLive() ? stream.config.snapshot(cursor, pending, pendingSeqs) : 0;
        return pendingCount + (liveFrom - cursor);
    }

    public long id() {
        return id;
    }

    public StreamKey key() {
        return stream.key;
    }

    public SubscribeOptions options() {
        return options;
    }

    public SubscriptionState state() {
        return state;
    }

    /**
     * Delivers up to {@code limit} frames to {@code handler} and returns how many; 0 when caught up or when the
     * subscription ended (see {@link #state()}). Gaps and ends go to the handler as they occur.
     */
    public int poll(FrameHandler handler, int limit) {
        if (state.isTerminal()) {
            return 0;
        }
        EndReason requested = endRequested;
        if (requested != null) {
            finish(handler, requested == EndReason.EVICTED ? SubscriptionState.EVICTED : SubscriptionState.ENDED,
                    requested, false);
            return 0;
        }
        int n = 0;
        while (pendingNext < pendingCount && n < limit) {
            Frame f = pending[pendingNext];
            long seq = pendingSeqs[pendingNext];
            pending[pendingNext++] = null;
            try {
                handler.onFrame(f, seq, true);
            } finally {
                f.release();
            }
            n++;
            replayed++;
        }
        int capacity = ring.capacity();
        while (n < limit) {
            long head = ring.published();
            long c = cursor;
            if (c > head) {
                break;
            }
            long lag = head - Math.max(c, liveFrom) + 1;
            if (lag > options.evictLag()) {
                finish(handler, SubscriptionState.EVICTED, EndReason.EVICTED, true);
                break;
            }
            if (lag > maxLag || head - c >= capacity) {
                if (!skip(handler, head)) {
                    break;
                }
                continue;
            }
            Frame f = ring.acquire(c);
            if (f == null) { // overwritten since we read head
                if (!skip(handler, ring.published())) {
                    break;
                }
                continue;
            }
            if (f.isEndMarker()) {
                CURSOR.setOpaque(this, c + 1);
                if (!end(handler, f.endReason())) {
                    break;
                }
                continue;
            }
            CURSOR.setOpaque(this, c + 1);
            if (state != SubscriptionState.ACTIVE) {
                if (stream.isResumePoint(f)) {
                    state = SubscriptionState.ACTIVE;
                } else if (!f.isConfig()) {
                    f.release();
                    awaitingDrops++;
                    continue;
                }
            }
            boolean replay = c < liveFrom;
            try {
                handler.onFrame(f, c, replay);
            } finally {
                f.release();
            }
            n++;
            if (replay) {
                replayed++;
            } else {
                delivered++;
            }
        }
        return n;
    }

    /** Jumps forward after falling behind; false if the subscription ended meanwhile. */
    private boolean skip(FrameHandler handler, long head) {
        long keyframe = stream.newestKeyframe; // read before lastEndSeq: a keyframe after an end implies the end is visible
        long endSeq = stream.lastEndSeq;
        long c = cursor;
        if (endSeq >= c) { // a publication ended inside the part we skip: the end must not be skipped
            CURSOR.setOpaque(this, endSeq + 1);
            if (!countSkip(handler, endSeq - c, endSeq + 1)) {
                return false;
            }
            return end(handler, stream.lastEndReason);
        }
        long target;
        if (keyframe >= c && keyframe > head - ring.capacity() && head - keyframe + 1 <= maxLag) {
            target = keyframe;
            state = SubscriptionState.ACTIVE;
        } else {
            target = head + 1;
            if (state == SubscriptionState.ACTIVE) {
                state = SubscriptionState.AWAITING_KEYFRAME;
            }
        }
        CURSOR.setOpaque(this, target);
        return countSkip(handler, target - c, target);
    }

    private boolean countSkip(FrameHandler handler, long skipped, long resumeAt) {
        skips++;
        skippedFrames += skipped;
        stream.skips.incrementAndGet();
        stream.skippedFrames.addAndGet(skipped);
        stream.registry.lagged(stream.key, id, skipped);
        handler.onGap(skipped, resumeAt);
        if (options.evictAfterSkips() > 0 && skips >= options.evictAfterSkips()) {
            finish(handler, SubscriptionState.EVICTED, EndReason.EVICTED, true);
            return false;
        }
        return true;
    }

    /** The publication ended; false if the subscription ends with it. */
    private boolean end(FrameHandler handler, EndReason reason) {
        if (options.followRepublish() && reason != EndReason.REGISTRY_CLOSED) {
            state = SubscriptionState.WAITING_FOR_PUBLISHER;
            handler.onEnd(reason);
            return true;
        }
        finish(handler, SubscriptionState.ENDED, reason, false);
        return false;
    }

    private void finish(FrameHandler handler, SubscriptionState terminal, EndReason reason, boolean countEviction) {
        state = terminal;
        releasePending();
        if (countEviction) {
            stream.registry.evict(stream, this);
        } else {
            stream.registry.detach(stream, this, false);
        }
        handler.onEnd(reason);
    }

    /**
     * Asks for {@link SubscribeOptions#wakeup()} to run once when the next frame is published. Returns false if
     * frames are already waiting (poll instead of sleeping) or the subscription ended.
     */
    public boolean armWakeup() {
        if (options.wakeup() == null) {
            throw new IllegalStateException("subscription has no wake-up action; set SubscribeOptions.wakeup");
        }
        if (state.isTerminal()) {
            return false;
        }
        if (ARMED.compareAndSet(this, 0, 1)) {
            stream.pushArmed(this);
        }
        return !hasWaiting();
    }

    void disarm() {
        ARMED.setRelease(this, 0);
    }

    /** Whether a poll would find something now. */
    public boolean hasWaiting() {
        return pendingNext < pendingCount || cursor <= ring.published() || endRequested != null;
    }

    /** Live frames published and not yet read (0 while replaying only the cache). */
    public long lag() {
        return lagAt(ring.published());
    }

    long lagAt(long head) {
        long c = (long) CURSOR.getOpaque(this);
        return Math.max(0, head - Math.max(c, liveFrom) + 1);
    }

    /** Asks the polling thread to end the subscription at its next poll. */
    void requestEnd(EndReason reason) {
        endRequested = reason;
    }

    /** Live frames delivered. */
    public long deliveredFrames() {
        return delivered;
    }

    /** Configuration and cached frames delivered as replay. */
    public long replayedFrames() {
        return replayed;
    }

    public long skips() {
        return skips;
    }

    public long skippedFrames() {
        return skippedFrames;
    }

    /** Frames dropped while waiting for a keyframe (after joining without a cache, a skip, or a republish). */
    public long framesDroppedAwaitingKeyframe() {
        return awaitingDrops;
    }

    /** Leaves the stream and releases what the subscription holds; from the polling thread, idempotent. */
    @Override
    public void close() {
        if (state != SubscriptionState.CLOSED) {
            boolean wasTerminal = state.isTerminal();
            state = SubscriptionState.CLOSED;
            releasePending();
            if (!wasTerminal) {
                stream.registry.detach(stream, this, true);
            }
        }
    }

    private void releasePending() {
        while (pendingNext < pendingCount) {
            Frame f = pending[pendingNext];
            pending[pendingNext++] = null;
            f.release();
        }
    }

    @Override
    public String toString() {
        return "Subscription[" + stream.key + " #" + id + " " + state + " at " + cursor + "]";
    }
}
