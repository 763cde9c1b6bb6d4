package io.mediaplane.webrtc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One named broadcast: at most one live publisher and any number of viewers. Viewers stay when the publisher
 * goes; a new publisher starts a new {@link #generation()} and every viewer re-anchors its numbering on it.
 */
public final class Room {
    private final String name;
    private final CopyOnWriteArrayList<ViewerSession> viewers = new CopyOnWriteArrayList<>();
    /** The viewers as an array, replaced on every change: the forwarding loop reads it per packet without copying. */
    private volatile ViewerSession[] viewerArray = new ViewerSession[0];
    private final AtomicInteger generation = new AtomicInteger();
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

    synchronized void addViewer(ViewerSession v) {
        viewers.add(v);
        viewerArray = viewers.toArray(new ViewerSession[0]);
    }

    synchronized void removeViewer(ViewerSession v) {
        viewers.remove(v);
        viewerArray = viewers.toArray(new ViewerSession[0]);
    }

    /** Every viewer, for the publisher's forwarding loop (a snapshot array, no allocation per packet; never written). */
    ViewerSession[] viewerArray() {
        return viewerArray;
    }

    /**
     * Asks the publisher for a keyframe for a viewer (a PLI/FIR it sent, a late join, a gate after a publisher
     * switch, a server-side consumer of the stream such as a snapshot). Many asks within one outstanding request
     * become that one request upstream.
     */
    public void requestKeyframe() {
        PublisherSession p = publisher;
        if (p == null) {
            return;
        }
        switch (p.requestKeyframe()) {
            case SENT -> keyframeRequestsSent.increment();
            case COALESCED -> keyframeRequestsCoalesced.increment();
            case NOT_POSSIBLE -> { }
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
