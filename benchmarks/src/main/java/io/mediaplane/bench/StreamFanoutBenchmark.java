package io.mediaplane.bench;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import io.mediaplane.stream.Codec;
import io.mediaplane.stream.Frame;
import io.mediaplane.stream.FrameHandler;
import io.mediaplane.stream.FramePool;
import io.mediaplane.stream.PublishStatus;
import io.mediaplane.stream.Publisher;
import io.mediaplane.stream.StreamKey;
import io.mediaplane.stream.StreamRegistry;
import io.mediaplane.stream.StreamSettings;
import io.mediaplane.stream.SubscribeOptions;
import io.mediaplane.stream.Subscription;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;
import org.agrona.concurrent.broadcast.BroadcastReceiver;
import org.agrona.concurrent.broadcast.BroadcastTransmitter;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The stream kernel's fan-out: one publisher, many polling subscribers, in one process.
 *
 * <ul>
 *   <li>{@code publish}: one frame (pool allocation + publish, 1000 bytes, keyframe every 60, GOP cache on) with 1
 *       or 10,000 subscribers that do not read. Target: the ratio 10,000 / 1 at most 1.5, and 0 B/op.</li>
 *   <li>Groups {@code kernel}, {@code agrona}, {@code disruptor}: a publisher thread publishing as fast as it can
 *       and a consumer thread that polls {@code subscribers} normal subscribers (up to 16 frames each per pass)
 *       plus one slow subscriber read once every 64 passes. Counters: {@code deliveries} (normal subscribers,
 *       per second), {@code slowDeliveries}, {@code slowGaps} (skips, laps), {@code publishRefused} (frames the
 *       publisher could not publish). Target: at least 10 M deliveries/s on a 2-core machine.</li>
 *   <li>{@code kernelOneThread}, {@code agronaOneThread}, {@code disruptorOneThread}: the same on one thread, publish one
 *       frame then poll every subscriber once: the cost of a delivery without scheduling noise (on a shared
 *       2-core machine the two-thread groups mostly measure how the threads get scheduled).</li>
 *   <li>{@code lateJoinFirstKeyframe}: subscribe to a live stream with a cached GOP, poll until the keyframe
 *       arrives (after the config), close. Target: below 1 ms.</li>
 * </ul>
 *
 * <p>The baselines carry a 16-byte frame descriptor (sequence, pts) per message, the equivalent of a frame
 * reference, and do no reference counting: they would need it to share a frame's memory safely, so the kernel
 * does strictly more work per delivery here. The Disruptor's publisher is gated by its slowest poller; it uses
 * {@code tryNext} so that a full ring refuses the frame (for every subscriber) instead of waiting.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"}) // Agrona's Unsafe access
public class StreamFanoutBenchmark {
    static final StreamKey KEY = StreamKey.of("bench", "screen");
    static final int FRAME_BYTES = 1000;
    static final int KEY_EVERY = 60;
    static final int RING = 1024;
    static final int BATCH = 16;
    static final int SLOW_EVERY = 64;

    static FramePool framePool() {
        return FramePool.nativeMemory(new FramePool.SizeClass(FRAME_BYTES, 4 * RING),
                new FramePool.SizeClass(64 * 1024, 8));
    }

    static StreamRegistry registry() {
        return new StreamRegistry(new StreamSettings(RING, 300, 16L << 20, 1));
    }

    /** Skip past 256 unread frames, never evict: the consumer thread must not lose subscribers while warming up. */
    static final SubscribeOptions READER = SubscribeOptions.DEFAULT.withLag(256, Long.MAX_VALUE);

    static Frame nextFrame(FramePool pool, long n) {
        return pool.allocate(Codec.H264, n * 1500, n * 1500, n % KEY_EVERY == 0 ? Frame.KEYFRAME : 0, FRAME_BYTES);
    }

    // ---------------------------------------------------------------- publish cost vs subscriber count

    @State(Scope.Thread)
    public static class IdleSubscribers {
        @Param({"1", "10000"})
        public int idleSubscribers;

        StreamRegistry registry;
        FramePool pool;
        Publisher publisher;
        Subscription[] subs;
        long n;

        @Setup
        public void setUp() {
            registry = registry();
            pool = framePool();
            publisher = registry.publish(KEY);
            subs = new Subscription[idleSubscribers];
            for (int i = 0; i < subs.length; i++) {
                subs[i] = registry.subscribe(KEY, SubscribeOptions.DEFAULT);
            }
        }

        @TearDown
        public void tearDown() {
            for (Subscription s : subs) {
                s.close();
            }
            publisher.close();
            registry.close();
            check(pool);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public PublishStatus publish(IdleSubscribers s) {
        return s.publisher.publish(nextFrame(s.pool, s.n++));
    }

    // ---------------------------------------------------------------- fan-out: shared counters

    /** What the consumer thread saw; OPERATIONS counters are reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class ConsumerCounters implements FrameHandler {
        public long deliveries;
        public long slowDeliveries;
        public long slowGaps;
        /** Skips of the normal subscribers (kernel only): how often the publisher overran them. */
        public long gaps;
        long sink;
        long pass;

        @Setup(Level.Iteration)
        public void reset() {
            deliveries = 0;
            slowDeliveries = 0;
            slowGaps = 0;
            gaps = 0;
        }

        @Override
        public void onFrame(Frame frame, long sequence, boolean replay) {
            sink += frame.pts();
        }

        @Override
        public void onGap(long skippedFrames, long resumeSequence) {
            gaps++;
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class PublisherCounters {
        public long publishRefused;

        @Setup(Level.Iteration)
        public void reset() {
            publishRefused = 0;
        }
    }

    // ---------------------------------------------------------------- mediaplane stream kernel

    @State(Scope.Group)
    public static class Kernel {
        @Param({"1", "100", "1000"})
        public int subscribers;

        StreamRegistry registry;
        FramePool pool;
        Publisher publisher;
        Subscription slow;
        Subscription[] normal;
        long n;

        @Setup
        public void setUp() {
            registry = registry();
            pool = framePool();
            publisher = registry.publish(KEY);
            slow = registry.subscribe(KEY, READER);
            normal = new Subscription[subscribers];
            for (int i = 0; i < normal.length; i++) {
                normal[i] = registry.subscribe(KEY, READER);
            }
        }

        @TearDown
        public void tearDown() {
            slow.close();
            for (Subscription s : normal) {
                s.close();
            }
            publisher.close();
            registry.close();
            check(pool);
        }
    }

    /** Counts the slow subscriber's gaps. */
    @State(Scope.Thread)
    public static class SlowHandler implements FrameHandler {
        ConsumerCounters counters;
        long sink;

        @Override
        public void onFrame(Frame frame, long sequence, boolean replay) {
            sink += frame.pts();
        }

        @Override
        public void onGap(long skippedFrames, long resumeSequence) {
            counters.slowGaps++;
        }
    }

    @Benchmark
    @Group("kernel")
    @GroupThreads(1)
    public PublishStatus kernelPublish(Kernel k) {
        return k.publisher.publish(nextFrame(k.pool, k.n++));
    }

    @Benchmark
    @Group("kernel")
    @GroupThreads(1)
    public void kernelConsume(Kernel k, ConsumerCounters c, SlowHandler slowHandler) {
        Subscription[] subs = k.normal;
        long delivered = 0;
        for (Subscription s : subs) {
            delivered += s.poll(c, BATCH);
        }
        c.deliveries += delivered;
        if (++c.pass % SLOW_EVERY == 0) {
            slowHandler.counters = c;
            c.slowDeliveries += k.slow.poll(slowHandler, 1);
        }
    }

    /**
     * One thread: publish one frame, then poll every subscriber once (the slow one every 64 rounds). Measures what a
     * delivery costs without scheduling noise: deliveries/s = rounds/s x subscribers.
     */
    @Benchmark
    @Group("kernelOneThread")
    @GroupThreads(1)
    public void kernelRound(Kernel k, ConsumerCounters c, SlowHandler slowHandler) {
        k.publisher.publish(nextFrame(k.pool, k.n++));
        kernelConsume(k, c, slowHandler);
    }

    // ---------------------------------------------------------------- Agrona broadcast buffer

    @State(Scope.Group)
    public static class Agrona {
        @Param({"1", "100", "1000"})
        public int subscribers;

        BroadcastTransmitter transmitter;
        BroadcastReceiver slow;
        BroadcastReceiver[] normal;
        final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(16));
        long n;

        @Setup
        public void setUp() {
            // 16-byte payload + 8-byte record header = 24 bytes a record: 32 KiB holds ~1365 records, about RING
            UnsafeBuffer buffer = new UnsafeBuffer(
                    ByteBuffer.allocateDirect(32 * 1024 + BroadcastBufferDescriptor.TRAILER_LENGTH));
            transmitter = new BroadcastTransmitter(buffer);
            slow = new BroadcastReceiver(buffer);
            normal = new BroadcastReceiver[subscribers];
            for (int i = 0; i < normal.length; i++) {
                normal[i] = new BroadcastReceiver(buffer);
            }
        }
    }

    @Benchmark
    @Group("agrona")
    @GroupThreads(1)
    public void agronaPublish(Agrona a) {
        long n = a.n++;
        a.message.putLong(0, n);
        a.message.putLong(8, n * 1500);
        a.transmitter.transmit(1, a.message, 0, 16);
    }

    @Benchmark
    @Group("agrona")
    @GroupThreads(1)
    public void agronaConsume(Agrona a, ConsumerCounters c) {
        long delivered = 0;
        for (BroadcastReceiver r : a.normal) {
            delivered += receive(r, BATCH, c);
        }
        c.deliveries += delivered;
        if (++c.pass % SLOW_EVERY == 0) {
            long lappedBefore = a.slow.lappedCount();
            c.slowDeliveries += receive(a.slow, 1, c);
            c.slowGaps += a.slow.lappedCount() - lappedBefore;
        }
    }

    @Benchmark
    @Group("agronaOneThread")
    @GroupThreads(1)
    public void agronaRound(Agrona a, ConsumerCounters c) {
        agronaPublish(a);
        agronaConsume(a, c);
    }

    private static int receive(BroadcastReceiver r, int limit, ConsumerCounters c) {
        int got = 0;
        while (got < limit && r.receiveNext()) {
            long pts = r.buffer().getLong(r.offset() + 8);
            if (r.validate()) { // not overwritten while we read it
                c.sink += pts;
                got++;
            }
        }
        return got;
    }

    // ---------------------------------------------------------------- LMAX Disruptor

    public static final class FrameEvent {
        long sequence;
        long pts;
    }

    /** Takes up to {@code remaining} events from a poller. */
    public static final class BatchHandler implements EventPoller.Handler<FrameEvent> {
        int remaining;
        long sink;

        @Override
        public boolean onEvent(FrameEvent event, long sequence, boolean endOfBatch) {
            sink += event.pts;
            return --remaining > 0;
        }
    }

    @State(Scope.Group)
    public static class Lmax {
        @Param({"1", "100", "1000"})
        public int subscribers;

        RingBuffer<FrameEvent> ring;
        EventPoller<FrameEvent> slow;
        EventPoller<FrameEvent>[] normal;
        long n;

        @Setup
        @SuppressWarnings("unchecked")
        public void setUp() {
            ring = RingBuffer.createSingleProducer(FrameEvent::new, RING, new YieldingWaitStrategy());
            slow = ring.newPoller();
            ring.addGatingSequences(slow.getSequence());
            normal = new EventPoller[subscribers];
            for (int i = 0; i < normal.length; i++) {
                normal[i] = ring.newPoller();
                ring.addGatingSequences(normal[i].getSequence());
            }
        }
    }

    @Benchmark
    @Group("disruptor")
    @GroupThreads(1)
    public void disruptorPublish(Lmax d, PublisherCounters p) {
        try {
            long seq = d.ring.tryNext();
            FrameEvent e = d.ring.get(seq);
            long n = d.n++;
            e.sequence = n;
            e.pts = n * 1500;
            d.ring.publish(seq);
        } catch (InsufficientCapacityException full) {
            p.publishRefused++; // the slowest poller is a ring behind: nobody gets this frame
        }
    }

    @Benchmark
    @Group("disruptor")
    @GroupThreads(1)
    public void disruptorConsume(Lmax d, ConsumerCounters c, DisruptorHandlers h) throws Exception {
        long delivered = 0;
        BatchHandler handler = h.handler;
        for (EventPoller<FrameEvent> poller : d.normal) {
            handler.remaining = BATCH;
            poller.poll(handler);
            delivered += BATCH - handler.remaining;
        }
        c.deliveries += delivered;
        if (++c.pass % SLOW_EVERY == 0) {
            handler.remaining = 1;
            d.slow.poll(handler);
            c.slowDeliveries += 1 - handler.remaining;
        }
    }

    @Benchmark
    @Group("disruptorOneThread")
    @GroupThreads(1)
    public void disruptorRound(Lmax d, PublisherCounters p, ConsumerCounters c, DisruptorHandlers h) throws Exception {
        disruptorPublish(d, p);
        disruptorConsume(d, c, h);
    }

    @State(Scope.Thread)
    public static class DisruptorHandlers {
        final BatchHandler handler = new BatchHandler();
    }

    // ---------------------------------------------------------------- late joiner

    @State(Scope.Thread)
    public static class LiveStreamWithGop implements FrameHandler {
        StreamRegistry registry;
        FramePool pool;
        Publisher publisher;
        boolean keyframeSeen;
        int framesBeforeKeyframe;

        @Setup
        public void setUp() {
            registry = registry();
            pool = framePool();
            publisher = registry.publish(KEY);
            publisher.publish(pool.allocate(Codec.H264, 0, 0, Frame.CONFIG, 40));
            publisher.publish(pool.allocate(Codec.H264, 0, 0, Frame.KEYFRAME, 50_000));
            for (long n = 1; n < 59; n++) {
                publisher.publish(pool.allocate(Codec.H264, n * 1500, n * 1500, 0, FRAME_BYTES));
            }
        }

        @Override
        public void onFrame(Frame frame, long sequence, boolean replay) {
            if (frame.isKeyframe()) {
                keyframeSeen = true;
            } else {
                framesBeforeKeyframe++;
            }
        }

        @TearDown
        public void tearDown() {
            publisher.close();
            registry.close();
            check(pool);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int lateJoinFirstKeyframe(LiveStreamWithGop live) {
        live.keyframeSeen = false;
        live.framesBeforeKeyframe = 0;
        try (Subscription s = live.registry.subscribe(KEY, SubscribeOptions.DEFAULT)) {
            while (!live.keyframeSeen) {
                s.poll(live, 1);
            }
        }
        return live.framesBeforeKeyframe;
    }

    static void check(FramePool pool) {
        if (pool.outstandingFrames() != 0 || pool.outstandingArenas() != 0) {
            throw new IllegalStateException("frame leak: " + pool.outstandingFrames() + " frames, "
                    + pool.outstandingArenas() + " arenas outstanding");
        }
        pool.close();
    }
}
