package io.mediaplane.stream;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One key's state: its ring, GOP window and codec configuration (written by the current publisher), and its
 * subscriptions (changed under the registry's lock).
 *
 * <p>All ring writes (frames, end markers, clearing) happen under {@link #gate}, a flag held only for the few
 * stores of one publish. It exists so that a takeover or a close on a control thread never writes the ring at
 * the same time as the publishing thread; it is never held while waiting for anything, and subscribers never
 * take it.
 */
final class Stream {
    private static final VarHandle GATE;
    private static final VarHandle FRAMES;

    static {
        try {
            GATE = MethodHandles.lookup().findVarHandle(Stream.class, "gate", int.class);
            FRAMES = MethodHandles.lookup().findVarHandle(Stream.class, "frames", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final StreamKey key;
    final StreamRegistry registry;
    final StreamSettings settings;
    final FrameRing ring;
    final ConfigHistory config;

    // ---- written under the gate
    @SuppressWarnings("unused") // accessed through GATE
    private volatile int gate;
    Publisher producer;
    private long head = -1;
    private long totalBytes;
    private final long[] keyframeSeq;
    private final long[] keyframeBytesBefore;
    private int keyframeCount;
    private int keyframeNext;
    /** Frames published; written opaquely so that stats and other threads see it advance. */
    private long frames;

    // ---- read by subscribers
    /** First sequence of the cached GOP window, or -1 when nothing may be replayed. */
    volatile long replayFrom = -1;
    /** Newest keyframe a subscriber may resume at (video if the publication has video), or -1. */
    volatile long newestKeyframe = -1;
    volatile boolean sawVideo;
    volatile EndReason lastEndReason;
    /** Sequence of the newest end marker, or -1. Written after {@link #lastEndReason}. */
    volatile long lastEndSeq = -1;

    // ---- guarded by the registry lock
    final List<Subscription> subscribers = new ArrayList<>();

    // ---- counters
    final AtomicLong skips = new AtomicLong();
    final AtomicLong skippedFrames = new AtomicLong();
    final AtomicLong evictions = new AtomicLong();

    private final AtomicReference<Subscription> armed = new AtomicReference<>();

    Stream(StreamKey key, StreamRegistry registry, StreamSettings settings) {
        this.key = key;
        this.registry = registry;
        this.settings = settings;
        this.ring = new FrameRing(settings.ringCapacity());
        this.config = new ConfigHistory(settings.gopCount() + 3);
        this.keyframeSeq = new long[settings.gopCount()];
        this.keyframeBytesBefore = new long[settings.gopCount()];
    }

    void lockGate() {
        while (!GATE.compareAndSet(this, 0, 1)) {
            Thread.onSpinWait();
        }
    }

    void unlockGate() {
        GATE.setRelease(this, 0);
    }

    /** Whether {@code f} may start decoding: a keyframe, and a video one once the publication carries video. */
    boolean isResumePoint(Frame f) {
        return f.isKeyframe() && (f.codec().isVideo() || !sawVideo);
    }

    /** Under the gate: appends a sealed frame (taking its reference); returns its sequence. */
    long write(Frame f) {
        long seq = ++head;
        FRAMES.setOpaque(this, frames + 1);
        if (f.isConfig()) {
            config.add(seq, f);
        }
        boolean video = f.codec().isVideo();
        if (video && !sawVideo) {
            sawVideo = true;
            keyframeCount = 0; // audio-only resume points no longer start a decodable picture
            newestKeyframe = -1;
        }
        boolean resume = f.isKeyframe() && (video || !sawVideo);
        int length = f.length();
        ring.put(seq, f);
        // f may be read and even freed by subscribers from here on: only use what was read before
        if (resume) {
            keyframeSeq[keyframeNext] = seq;
            keyframeBytesBefore[keyframeNext] = totalBytes;
            keyframeNext = (keyframeNext + 1) % keyframeSeq.length;
            keyframeCount = Math.min(keyframeCount + 1, keyframeSeq.length);
        }
        totalBytes += length;
        if (settings.gopCacheFrames() > 0) {
            long from = -1;
            for (int k = keyframeCount; k >= 1; k--) { // oldest first: keep as many GOPs as fit
                int i = Math.floorMod(keyframeNext - k, keyframeSeq.length);
                if (seq - keyframeSeq[i] + 1 <= settings.gopCacheFrames()
                        && totalBytes - keyframeBytesBefore[i] <= settings.gopCacheBytes()) {
                    from = keyframeSeq[i];
                    break;
                }
            }
            if (from != replayFrom) {
                replayFrom = from;
            }
        }
        if (resume) {
            newestKeyframe = seq;
        }
        return seq;
    }

    /** Under the gate: ends the current publication with a marker every subscriber will read. */
    void writeEnd(EndReason reason) {
        long seq = ++head;
        ring.put(seq, reason == EndReason.PUBLISHER_REPLACED ? Frame.REPLACED
                : reason == EndReason.REGISTRY_CLOSED ? Frame.REGISTRY_CLOSED : Frame.ENDED);
        replayFrom = -1;
        newestKeyframe = -1;
        keyframeCount = 0;
        config.clear();
        sawVideo = false;
        lastEndReason = reason;
        lastEndSeq = seq;
    }

    /** Under the registry lock, with no publisher and no subscriber left: frees what the stream holds. */
    void clear() {
        lockGate();
        try {
            ring.clear();
            config.clear();
        } finally {
            unlockGate();
        }
    }

    long publishedFrames() {
        return (long) FRAMES.getOpaque(this);
    }

    boolean isLive() {
        return producer != null;
    }

    /** Frames a joiner would replay now (0 when the cache is empty or off). */
    long replayFrames() {
        long from = replayFrom;
        return from < 0 ? 0 : ring.published() - from + 1;
    }

    // ---- wake-ups

    void pushArmed(Subscription s) {
        while (true) {
            Subscription top = armed.get();
            s.nextArmed = top;
            if (armed.compareAndSet(top, s)) {
                return;
            }
        }
    }

    /** Runs the wake-up of every subscription armed since the last call; costs nothing when none is. */
    void wakeArmed() {
        if (armed.get() == null) {
            return;
        }
        Subscription s = armed.getAndSet(null);
        while (s != null) {
            Subscription next = s.nextArmed;
            s.nextArmed = null;
            s.disarm();
            try {
                s.options().wakeup().run();
            } catch (RuntimeException e) {
                registry.countObserverFailure();
            }
            s = next;
        }
    }
}
