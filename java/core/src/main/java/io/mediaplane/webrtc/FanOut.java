package io.mediaplane.webrtc;

import io.mediaplane.net.MediaPort;
import io.mediaplane.net.SrtpSendBatch;
import io.mediaplane.rtp.RtpPacket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Forwards one publisher packet to every viewer of its room: each viewer's copy is rewritten, sealed with that
 * viewer's context and queued in an {@link SrtpSendBatch} that goes out with sendmmsg(2). A room of at least
 * {@link #SPLIT_AT} viewers per thread is cut into contiguous slices, one per thread: the port's receive thread
 * (the caller) takes the first, helper threads the others, and the caller returns only when every slice has been
 * sent. So a viewer's packets leave in order even when the slices shift as viewers come and go, the publisher's
 * packet (a view into the port's receive slab) is never read after the caller moved on, and a viewer's state
 * (numbering, retransmission history) is touched by one thread at a time, with the hand-over ordered by the
 * {@link #remaining} counter.
 *
 * <p>One per media port: every publisher's packets arrive on the port's one receive thread, one after another.
 */
final class FanOut implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FanOut.class.getName());
    /**
     * Threads that share a big room's fan-out, the port's receive thread included; {@code -Dmediaplane.fanout.threads}
     * overrides. Default: half the cores, so one on a 2-core machine, where a second thread did not help reliably:
     * with the load generator on the same 2 vCPUs it sent more at 500 viewers, less at 250, and cost ≈ 5–10 % more
     * CPU per packet (benchmarks/README.md, "WebRTC forwarding load").
     */
    static final int DEFAULT_THREADS = Math.max(1, Integer.getInteger("mediaplane.fanout.threads",
            Runtime.getRuntime().availableProcessors() / 2));
    /** Fewest viewers per thread worth a hand-over to a helper (waking one costs far more than one viewer's copy). */
    static final int SPLIT_AT = Integer.getInteger("mediaplane.fanout.splitAt", 64);
    /**
     * Viewers' copies sent with one sendmmsg(2) (one system call per viewer per packet took 75 % of the forwarding
     * thread's samples at 250 viewers).
     */
    static final int BATCH_SLOTS = 64;

    private final SrtpSendBatch own;
    private final Helper[] helpers;
    private final int splitAt;
    private volatile Thread caller;
    private final AtomicInteger remaining = new AtomicInteger();
    final LongAdder split = new LongAdder();
    // the current packet, published to the helpers by the volatile job number each one reads
    private PublisherSession from;
    private NegotiatedMedia media;
    private RtpPacket packet;
    private ViewerSession[] viewers;
    private long now;
    private int slices;
    private volatile boolean closed;

    /** A fan-out over {@code threads} threads in all: the caller's and {@code threads - 1} helpers. */
    FanOut(MediaPort port, int threads) {
        this(port, threads, SPLIT_AT);
    }

    /** As {@link #FanOut(MediaPort, int)}, splitting rooms of at least {@code splitAt} viewers per thread. */
    FanOut(MediaPort port, int threads, int splitAt) {
        if (splitAt < 1) {
            throw new IllegalArgumentException("splitAt " + splitAt);
        }
        this.splitAt = splitAt;
        this.own = new SrtpSendBatch(port, BATCH_SLOTS, ViewerSession.BUFFER);
        this.helpers = new Helper[Math.max(0, threads - 1)];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper(i + 1, new SrtpSendBatch(port, BATCH_SLOTS, ViewerSession.BUFFER),
                    "fan-out-" + port.localAddress().getPort() + "-" + (i + 1));
        }
    }

    /** Every viewer's copy of {@code p} written, sealed and handed to the kernel when this returns. */
    void forward(PublisherSession from, NegotiatedMedia media, RtpPacket p, ViewerSession[] viewers, long now) {
        int n = viewers.length;
        int s = closed || !helpersAlive() ? 1 : Math.min(helpers.length + 1, n / splitAt);
        if (s <= 1) {
            forward(own, from, media, p, viewers, 0, n, now);
            return;
        }
        split.increment();
        this.from = from;
        this.media = media;
        this.packet = p;
        this.viewers = viewers;
        this.now = now;
        this.slices = s;
        caller = Thread.currentThread();
        remaining.set(s - 1);
        for (int i = 0; i < s - 1; i++) {
            helpers[i].start();
        }
        forward(own, from, media, p, viewers, 0, n / s, now);
        int spins = 0;
        while (remaining.get() > 0) {
            if (spins++ < 2_000) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        this.packet = null;
        this.viewers = null;
    }

    private static void forward(SrtpSendBatch batch, PublisherSession from, NegotiatedMedia media, RtpPacket p,
                                ViewerSession[] viewers, int start, int end, long now) {
        try {
            for (int i = start; i < end; i++) {
                viewers[i].forward(from, media, p, batch, now);
            }
        } finally {
            batch.flush(); // what was queued goes out even if a viewer's forwarding threw
        }
    }

    /** A helper killed by an Error would never count down: then this thread does the whole room alone. */
    private boolean helpersAlive() {
        for (Helper h : helpers) {
            if (!h.thread.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /** Rooms whose packets were split over threads. */
    long splitPackets() {
        return split.sum();
    }

    int threads() {
        return helpers.length + 1;
    }

    @Override
    public void close() {
        closed = true;
        for (Helper h : helpers) {
            LockSupport.unpark(h.thread);
        }
        for (Helper h : helpers) {
            try {
                h.thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One helper thread: waits for a job number, forwards its slice, counts down. */
    private final class Helper implements Runnable {
        final int slice;
        final SrtpSendBatch batch;
        final Thread thread;
        volatile long job;
        long done;

        Helper(int slice, SrtpSendBatch batch, String name) {
            this.slice = slice;
            this.batch = batch;
            this.thread = Thread.ofPlatform().daemon().name(name).start(this);
        }

        void start() {
            job++;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            int spins = 0;
            while (!closed) {
                long j = job;
                if (j == done) {
                    if (spins++ < 2_000) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                    continue;
                }
                spins = 0;
                done = j;
                try {
                    ViewerSession[] v = viewers;
                    int n = v.length;
                    forward(batch, from, media, packet, v, n * slice / slices, n * (slice + 1) / slices, now);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "fan-out slice failed", e);
                } finally {
                    if (remaining.decrementAndGet() == 0) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }
}
