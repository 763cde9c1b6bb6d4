package io.mediaplane.stream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The streams of one process by {@link StreamKey}: who publishes each (exclusively, or by takeover), who
 * subscribes, and the events of both.
 *
 * <p>Control operations (publish, subscribe, close, sweeps) take one lock; the data path (publish a frame, poll)
 * never does.
 */
public final class StreamRegistry implements AutoCloseable {
    private final StreamSettings settings;
    private final Map<StreamKey, Stream> streams = new HashMap<>();
    private volatile StreamObserver[] observers = new StreamObserver[0];
    private final AtomicLong nextSubscriberId = new AtomicLong(1);
    private final AtomicLong observerFailures = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private boolean closed;

    public StreamRegistry() {
        this(StreamSettings.DEFAULT);
    }

    public StreamRegistry(StreamSettings settings) {
        this.settings = settings;
    }

    public StreamSettings settings() {
        return settings;
    }

    // ---- publishing

    public Publisher publish(StreamKey key) {
        return publish(key, PublishOptions.EXCLUSIVE);
    }

    /**
     * Becomes the publisher of {@code key}. If the key is live, fails with {@link StreamAlreadyPublishedException}
     * unless {@code options.takeOver()}, which ends the current publication ({@link EndReason#PUBLISHER_REPLACED})
     * and makes the old publisher's {@code publish} return {@link PublishStatus#REPLACED}.
     */
    public Publisher publish(StreamKey key, PublishOptions options) {
        boolean tookOver;
        Publisher p;
        synchronized (this) {
            checkOpen();
            Stream s = streams.computeIfAbsent(key, k -> new Stream(k, this, settings));
            tookOver = s.producer != null;
            if (tookOver && !options.takeOver()) {
                throw new StreamAlreadyPublishedException(key);
            }
            p = new Publisher(s);
            s.lockGate();
            try {
                if (tookOver) {
                    s.writeEnd(EndReason.PUBLISHER_REPLACED);
                }
                s.producer = p;
            } finally {
                s.unlockGate();
            }
            if (tookOver) {
                s.wakeArmed();
            }
        }
        if (tookOver) {
            emit(o -> o.onStreamEnded(key, EndReason.PUBLISHER_REPLACED));
        }
        emit(o -> o.onStreamStarted(key, tookOver));
        return p;
    }

    void endPublication(Stream s, Publisher p) {
        synchronized (this) {
            if (s.producer != p) {
                return;
            }
            s.lockGate();
            try {
                s.writeEnd(EndReason.PUBLISHER_ENDED);
                s.producer = null;
            } finally {
                s.unlockGate();
            }
            s.wakeArmed();
            retireIfUnused(s);
        }
        emit(o -> o.onStreamEnded(s.key, EndReason.PUBLISHER_ENDED));
    }

    // ---- subscribing

    public Subscription subscribe(StreamKey key) {
        return subscribe(key, SubscribeOptions.DEFAULT);
    }

    /**
     * Subscribes to {@code key}. A key without a publisher fails with {@link StreamNotPublishedException} unless
     * {@code options.followRepublish()}, in which case the subscription waits for the next publisher.
     */
    public Subscription subscribe(StreamKey key, SubscribeOptions options) {
        Subscription sub;
        long replay;
        synchronized (this) {
            checkOpen();
            Stream s = streams.get(key);
            if (s == null || !s.isLive()) {
                if (!options.followRepublish()) {
                    throw new StreamNotPublishedException(key);
                }
                if (s == null) {
                    s = new Stream(key, this, settings);
                    streams.put(key, s);
                }
            }
            sub = new Subscription(s, nextSubscriberId.getAndIncrement(), options);
            replay = sub.start();
            s.subscribers.add(sub);
        }
        long id = sub.id();
        emit(o -> o.onSubscriberJoined(key, id, replay));
        return sub;
    }

    void detach(Stream s, Subscription sub, boolean unused) {
        boolean removed;
        synchronized (this) {
            removed = s.subscribers.remove(sub);
            if (removed) {
                retireIfUnused(s);
            }
        }
        if (removed) {
            emit(o -> o.onSubscriberLeft(s.key, sub.id()));
        }
    }

    void evict(Stream s, Subscription sub) {
        s.evictions.incrementAndGet();
        evictions.incrementAndGet();
        emit(o -> o.onSubscriberEvicted(s.key, sub.id()));
        detach(s, sub, false);
    }

    /**
     * Evicts every subscription more than its {@link SubscribeOptions#evictLag()} behind, including ones that stopped
     * polling (they learn it at their next poll). Call it from a housekeeping timer; returns how many were evicted.
     */
    public int evictLagging() {
        List<Subscription> lagging = new ArrayList<>();
        List<Stream> of = new ArrayList<>();
        synchronized (this) {
            for (Stream s : streams.values()) {
                long head = s.ring.published();
                for (Subscription sub : s.subscribers) {
                    if (sub.lagAt(head) > sub.options().evictLag()) {
                        sub.requestEnd(EndReason.EVICTED);
                        lagging.add(sub);
                        of.add(s);
                    }
                }
            }
        }
        for (int i = 0; i < lagging.size(); i++) {
            evict(of.get(i), lagging.get(i));
        }
        return lagging.size();
    }

    private void retireIfUnused(Stream s) {
        if (s.producer == null && s.subscribers.isEmpty() && streams.get(s.key) == s) {
            streams.remove(s.key);
            s.clear();
        }
    }

    // ---- observing

    public synchronized void addObserver(StreamObserver observer) {
        StreamObserver[] old = observers;
        StreamObserver[] grown = java.util.Arrays.copyOf(old, old.length + 1);
        grown[old.length] = observer;
        observers = grown;
    }

    public synchronized void removeObserver(StreamObserver observer) {
        observers = java.util.Arrays.stream(observers).filter(o -> o != observer).toArray(StreamObserver[]::new);
    }

    void keyframe(StreamKey key, long seq, long pts) {
        StreamObserver[] os = observers;
        for (StreamObserver o : os) {
            try {
                o.onKeyframe(key, seq, pts);
            } catch (RuntimeException e) {
                observerFailures.incrementAndGet();
            }
        }
    }

    void lagged(StreamKey key, long id, long skipped) {
        StreamObserver[] os = observers;
        for (StreamObserver o : os) {
            try {
                o.onSubscriberLagged(key, id, skipped);
            } catch (RuntimeException e) {
                observerFailures.incrementAndGet();
            }
        }
    }

    private void emit(java.util.function.Consumer<StreamObserver> event) {
        for (StreamObserver o : observers) {
            try {
                event.accept(o);
            } catch (RuntimeException e) {
                observerFailures.incrementAndGet();
            }
        }
    }

    void countObserverFailure() {
        observerFailures.incrementAndGet();
    }

    /** Observer callbacks and wake-up actions that threw. */
    public long observerFailures() {
        return observerFailures.get();
    }

    // ---- inspection

    public synchronized boolean isLive(StreamKey key) {
        Stream s = streams.get(key);
        return s != null && s.isLive();
    }

    public synchronized Set<StreamKey> keys() {
        return Set.copyOf(streams.keySet());
    }

    public synchronized Optional<StreamStats> stats(StreamKey key) {
        Stream s = streams.get(key);
        if (s == null) {
            return Optional.empty();
        }
        return Optional.of(new StreamStats(key, s.isLive() ? StreamState.LIVE : StreamState.WAITING_FOR_PUBLISHER,
                s.subscribers.size(), s.publishedFrames(), s.replayFrames(), s.skips.get(), s.skippedFrames.get(),
                s.evictions.get()));
    }

    /** Subscribers evicted for lagging, over all streams. */
    public long evictions() {
        return evictions.get();
    }

    /**
     * Ends every publication ({@link EndReason#REGISTRY_CLOSED}), asks every subscription to end at its next poll,
     * and frees every stream's ring and cache. Publishers and subscriptions should still be closed by their owners
     * (closing releases what a subscription holds).
     */
    @Override
    public void close() {
        List<Stream> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(streams.values());
            for (Stream s : all) {
                s.lockGate();
                try {
                    if (s.producer != null) {
                        s.writeEnd(EndReason.REGISTRY_CLOSED);
                        s.producer = null;
                    }
                } finally {
                    s.unlockGate();
                }
                for (Subscription sub : s.subscribers) {
                    sub.requestEnd(EndReason.REGISTRY_CLOSED);
                }
                s.subscribers.clear();
                s.wakeArmed();
                s.clear();
            }
            streams.clear();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("stream registry is closed");
        }
    }
}
