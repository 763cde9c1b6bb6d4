package io.mediaplane.webrtc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One named broadcast: at most one live publisher and any number of viewers. Viewers stay when the publisher
 * goes; a new publisher starts a new {@link #generation()} and every viewer re-anchors its numbering on it.
 */
public final class Room {
    /** Keyframe requests closer together than this are one request (the encoder is already producing one). */
    static final long KEYFRAME_COALESCE_NANOS = 500_000_000L;

    private final String name;
    private final CopyOnWriteArrayList<ViewerSession> viewers = new CopyOnWriteArrayList<>();
    private final AtomicInteger generation = new AtomicInteger();
    private final AtomicLong lastKeyframeRequest = new AtomicLong(System.nanoTime() - KEYFRAME_COALESCE_NANOS * 4);
    private volatile PublisherSession publisher;
    final LongAdder keyframeRequestsSent = new LongAdder();
    final LongAdder keyframeRequestsCoalesced = new LongAdder();

    Room(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public PublisherSession publisher() {
        return publisher;
    }

    public List<ViewerSession> viewers() {
        return List.copyOf(viewers);
    }

    int viewerCount() {
        return viewers.size();
    }

    /** The current publication's number; changes with every publisher. */
    int generation() {
        return generation.get();
    }

    /** Installs {@code p} as the publisher; returns the one it replaces (to be closed by the caller), or null. */
    synchronized PublisherSession setPublisher(PublisherSession p) {
        PublisherSession old = publisher;
        publisher = p;
        p.generation(generation.incrementAndGet());
        return old;
    }

    synchronized void removePublisher(PublisherSession p) {
        if (publisher == p) {
            publisher = null;
        }
    }

    void addViewer(ViewerSession v) {
        viewers.add(v);
    }

    void removeViewer(ViewerSession v) {
        viewers.remove(v);
    }

    /** Every viewer, for the publisher's forwarding loop (a snapshot array, no allocation per packet). */
    Object[] viewerArray() {
        return viewers.toArray();
    }

    /**
     * Asks the publisher for a keyframe (PLI, or FIR when only that was negotiated), unless one was asked within
     * {@link #KEYFRAME_COALESCE_NANOS}: many viewers' PLI/FIR and late joins become one upstream request.
     */
    void requestKeyframe() {
        PublisherSession p = publisher;
        if (p == null) {
            return;
        }
        long now = System.nanoTime();
        long last = lastKeyframeRequest.get();
        if (now - last < KEYFRAME_COALESCE_NANOS || !lastKeyframeRequest.compareAndSet(last, now)) {
            keyframeRequestsCoalesced.increment();
            return;
        }
        if (p.requestKeyframe()) {
            keyframeRequestsSent.increment();
        } else {
            lastKeyframeRequest.set(last); // not sent (not connected yet): let the next ask try again
        }
    }

    public long keyframeRequestsSent() {
        return keyframeRequestsSent.sum();
    }

    public long keyframeRequestsCoalesced() {
        return keyframeRequestsCoalesced.sum();
    }

    boolean isEmpty() {
        return publisher == null && viewers.isEmpty();
    }
}
