package io.mediaplane.webrtc;

import io.mediaplane.net.MediaPort;
import io.mediaplane.net.SrtpSendBatch;
import io.mediaplane.rtp.RtpPacket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Forwards publisher packets to every viewer of their room: each viewer's copy is rewritten, sealed with that
 * viewer's context and queued in an {@link SrtpSendBatch} that goes out with sendmmsg(2). The packets of one
 * received batch (recvmmsg(2): several when the thread fell behind, as it does during a keyframe at hundreds of
 * viewers) go out together, viewer by viewer, each viewer's in their order. A room of at least
 * {@link #SPLIT_AT} viewers per thread is cut into contiguous slices, one per thread: the port's receive thread
 * (the caller) takes the first, helper threads the others, and the caller returns only when every slice has been
 * sent. So a viewer's packets leave in order even when the slices shift as viewers come and go, the publisher's
 * packets (views into the port's receive slab) are never read after the port's batch is done, and a viewer's state
 * (numbering, retransmission history) is touched by one thread at a time, with the hand-over ordered by the
 * {@link #remaining} counter.
 *
 * <p>One per media port: every publisher's packets arrive on the port's one receive thread, one after another;
 * another thread (tests) may forward too, but not at the same time.
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

    /**
     * Publisher packets of one receive batch forwarded together, viewer by viewer ({@link #forward}): a viewer's state
     * (numbering, SRTP context, history, address) is then fetched into the cache once for all of them instead of once
     * per packet, which with hundreds of viewers is most of the forwarding's own cost.
     */
    static final int MAX_PENDING = 32;

    private final MediaPort port;
    private final SrtpSendBatch own;
    private final Helper[] helpers;
    private final int splitAt;
    private final Runnable flushHook = this::flushDeferred;
    /** Whether {@link #pending} holds packets the receive thread left for the end of its batch. */
    private boolean deferred;
    /** Inside {@link #asOneBatch}. */
    private boolean holding;
    private volatile Thread caller;
    private final AtomicInteger remaining = new AtomicInteger();
    final LongAdder split = new LongAdder();
    final LongAdder grouped = new LongAdder();
    // the packets to forward, published to the helpers by the volatile job number each one reads
    private final Pending pending = new Pending();
    private ViewerSession[] viewers;
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
        this.port = port;
        this.own = new SrtpSendBatch(port, BATCH_SLOTS, ViewerSession.BUFFER);
        this.helpers = new Helper[Math.max(0, threads - 1)];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Helper(i + 1, new SrtpSendBatch(port, BATCH_SLOTS, ViewerSession.BUFFER),
                    "fan-out-" + port.localAddress().getPort() + "-" + (i + 1));
        }
        port.afterEachReceiveBatch(flushHook);
    }

    /**
     * Forwards {@code p} to {@code viewers}. On the port's receive thread, while it hands out a received batch, the
     * packet waits with the batch's others (at most {@link #MAX_PENDING}, one room at a time) until the batch is
     * done; otherwise every viewer's copy is written, sealed and handed to the kernel when this returns.
     * {@code generation} and {@code ticket} are the publisher's at this packet ({@link PublisherSession#generation},
     * {@link PublisherSession#videoTicket}).
     */
    void forward(PublisherSession from, NegotiatedMedia media, RtpPacket p, ViewerSession[] viewers, long now,
                 int generation, long ticket) {
        Pending q = pending;
        if (q.count > 0 && (viewers != this.viewers || q.count == MAX_PENDING)) {
            flush();
        }
        this.viewers = viewers;
        q.add(from, media, p, now, generation, ticket);
        deferred = holding || port.dispatchingReceiveBatch();
        if (!deferred) {
            flush();
        }
    }

    /**
     * Forwards what {@code receive} hands to {@link #forward} as one batch, as the port's receive thread does with a
     * received batch: viewer by viewer when {@code receive} returns. For a caller that is not that thread.
     */
    void asOneBatch(Runnable receive) {
        holding = true;
        try {
            receive.run();
        } finally {
            holding = false;
            flush();
        }
    }

    /** The port's end-of-batch hook: forwards what its receive thread left waiting (only that thread defers). */
    private void flushDeferred() {
        if (deferred) {
            flush();
        }
    }

    /** Forwards the waiting packets: every viewer's copies written, sealed and handed to the kernel. */
    void flush() {
        Pending q = pending;
        if (q.count == 0) {
            return;
        }
        if (q.count > 1) {
            grouped.add(q.count);
        }
        ViewerSession[] v = viewers;
        try {
            int n = v.length;
            int s = closed || !helpersAlive() ? 1 : Math.min(helpers.length + 1, n / splitAt);
            if (s <= 1) {
                forward(own, q, v, 0, n);
                return;
            }
            split.increment();
            this.slices = s;
            caller = Thread.currentThread();
            remaining.set(s - 1);
            for (int i = 0; i < s - 1; i++) {
                helpers[i].start();
            }
            forward(own, q, v, 0, n / s);
            int spins = 0;
            while (remaining.get() > 0) {
                if (spins++ < 2_000) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        } finally {
            q.clear();
            this.viewers = null;
            deferred = false;
        }
    }

    /**
     * Viewer by viewer, each of its copies of the waiting packets in order. A viewer that starts from the GOP
     * replay gets the whole cached group, which already ends with the newest video packet waiting here: it skips
     * the rest of that publisher's video.
     */
    private static void forward(SrtpSendBatch batch, Pending q, ViewerSession[] viewers, int start, int end) {
        try {
            for (int i = start; i < end; i++) {
                ViewerSession viewer = viewers[i];
                PublisherSession replayedFrom = null;
                for (int k = 0; k < q.count; k++) {
                    PublisherSession from = q.from[k];
                    NegotiatedMedia media = q.media[k];
                    if (from == replayedFrom && media == from.video()) {
                        continue;
                    }
                    if (viewer.forward(from, media, q.packets[k], batch, q.now[k], q.generation[k], q.ticket[k])) {
                        replayedFrom = from;
                    }
                }
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

    /** Packets forwarded together with others of their receive batch. */
    long groupedPackets() {
        return grouped.sum();
    }

    int threads() {
        return helpers.length + 1;
    }

    @Override
    public void close() {
        port.removeReceiveBatchHook(flushHook);
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

    /** The packets waiting for {@link #flush}, as views into the receive batch's slab, and what came with each. */
    private static final class Pending {
        final PublisherSession[] from = new PublisherSession[MAX_PENDING];
        final NegotiatedMedia[] media = new NegotiatedMedia[MAX_PENDING];
        final RtpPacket[] packets = new RtpPacket[MAX_PENDING];
        final long[] now = new long[MAX_PENDING];
        final int[] generation = new int[MAX_PENDING];
        final long[] ticket = new long[MAX_PENDING];
        int count;

        Pending() {
            for (int i = 0; i < MAX_PENDING; i++) {
                packets[i] = new RtpPacket();
            }
        }

        void add(PublisherSession f, NegotiatedMedia m, RtpPacket p, long t, int g, long r) {
            int k = count;
            if (packets[k].wrap(p.segment(), p.offset(), p.length()) != io.mediaplane.rtp.PacketStatus.OK) {
                return; // cannot happen: p is a valid packet
            }
            from[k] = f;
            media[k] = m;
            now[k] = t;
            generation[k] = g;
            ticket[k] = r;
            count = k + 1;
        }

        void clear() {
            java.util.Arrays.fill(from, 0, count, null);
            java.util.Arrays.fill(media, 0, count, null);
            count = 0;
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
                    forward(batch, pending, v, n * slice / slices, n * (slice + 1) / slices);
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
