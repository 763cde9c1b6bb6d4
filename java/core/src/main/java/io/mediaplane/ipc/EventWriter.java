package io.mediaplane.ipc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes events as frames {@code [u8 kind][u32 LE length][payload]} from one writer thread, taking from three
 * lanes in priority order control &gt; audio &gt; video. The control lane is unbounded: state changes and errors
 * are never dropped. The audio (512) and video (64) lanes are bounded and drop the newest event when full, counted
 * per lane, so a slow control plane costs frames, never memory or a blocked media thread. Producers on any thread
 * call {@link #emit}; it never blocks on output.
 */
public final class EventWriter implements AutoCloseable {
    public static final int AUDIO_LANE_CAPACITY = 512;
    public static final int VIDEO_LANE_CAPACITY = 64;

    private static final System.Logger LOG = System.getLogger(EventWriter.class.getName());

    static final ObjectMapper JSON = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();
    private static final ObjectWriter EVENT_WRITER = JSON.writer(); // runtime type: the record, not Event

    /** Per-lane counts; {@code dropped} counts events refused because the lane was full or output had ended. */
    public static final class LaneCounters {
        final AtomicLong queued = new AtomicLong();
        final AtomicLong written = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();

        public long queued() { return queued.get(); }
        public long written() { return written.get(); }
        public long dropped() { return dropped.get(); }
    }

    private final OutputStream out;
    private final Map<EventType.Lane, ArrayDeque<Event>> lanes = new EnumMap<>(EventType.Lane.class);
    private final Map<EventType.Lane, Integer> capacity = new EnumMap<>(EventType.Lane.class);
    private final Map<EventType.Lane, LaneCounters> counters = new EnumMap<>(EventType.Lane.class);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread thread;
    private final Runnable onOutputFailure;
    private final ByteArrayOutputStream payload = new ByteArrayOutputStream(4096);
    private final byte[] header = new byte[FrameKind.HEADER_BYTES];
    private final AtomicLong bytesWritten = new AtomicLong();
    private boolean closing;
    private volatile IOException failure;

    /**
     * @param out             where frames go; flushed whenever the lanes run empty, never closed here
     * @param onOutputFailure run once, on the writer thread, if writing fails (the reader went away)
     */
    public EventWriter(OutputStream out, Runnable onOutputFailure) {
        this(out, AUDIO_LANE_CAPACITY, VIDEO_LANE_CAPACITY, onOutputFailure);
    }

    public EventWriter(OutputStream out, int audioCapacity, int videoCapacity, Runnable onOutputFailure) {
        if (audioCapacity < 1 || videoCapacity < 1) {
            throw new IllegalArgumentException("lane capacities must be positive");
        }
        this.out = out;
        this.onOutputFailure = onOutputFailure;
        for (EventType.Lane lane : EventType.Lane.values()) {
            lanes.put(lane, new ArrayDeque<>());
            counters.put(lane, new LaneCounters());
        }
        capacity.put(EventType.Lane.CONTROL, Integer.MAX_VALUE);
        capacity.put(EventType.Lane.AUDIO, audioCapacity);
        capacity.put(EventType.Lane.VIDEO, videoCapacity);
        thread = Thread.ofPlatform().name("mediaplane-ipc-writer").unstarted(this::run);
        thread.start();
    }

    /** Queues an event; false when it was dropped (its lossy lane full, or the writer closed or failed). */
    public boolean emit(Event event) {
        EventType.Lane lane = event.eventType().lane();
        LaneCounters c = counters.get(lane);
        lock.lock();
        try {
            ArrayDeque<Event> q = lanes.get(lane);
            if (closing || failure != null || q.size() >= capacity.get(lane)) {
                long dropped = c.dropped.incrementAndGet();
                if (Long.bitCount(dropped) == 1) { // 1, 2, 4, 8 ...: visible without flooding stderr
                    LOG.log(System.Logger.Level.WARNING, "ipc output: " + dropped + " " + lane.name().toLowerCase(java.util.Locale.ROOT)
                            + " event(s) dropped (" + (closing || failure != null ? "output ended" : "lane full") + ")");
                }
                return false;
            }
            q.addLast(event);
            c.queued.incrementAndGet();
            changed.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    public LaneCounters counters(EventType.Lane lane) {
        return counters.get(lane);
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    /** Stops accepting events, writes what is queued, flushes and ends the writer thread. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Most events taken per lock acquisition, per lane: the writer drains in batches so that producers and the
     * writer meet on the lock once per batch rather than once per event. Few video events per batch, so a control
     * event that arrives meanwhile waits for at most a few frames' worth of bytes.
     */
    private static final int[] BATCH = {256, 64, 4};

    private void run() {
        Event[] batch = new Event[BATCH[0] + BATCH[1] + BATCH[2]];
        while (true) {
            int n;
            lock.lock();
            try {
                while ((n = drain(batch)) == 0 && !closing) {
                    changed.awaitUninterruptibly();
                }
            } finally {
                lock.unlock();
            }
            if (n == 0) {
                flushQuietly();
                return;
            }
            try {
                for (int i = 0; i < n; i++) {
                    write(batch[i]);
                    counters.get(batch[i].eventType().lane()).written.incrementAndGet();
                    batch[i] = null;
                }
                out.flush();
            } catch (IOException | UncheckedIOException e) {
                java.util.Arrays.fill(batch, null);
                fail(e instanceof UncheckedIOException u ? u.getCause() : (IOException) e);
                return;
            }
        }
    }

    /**
     * Takes up to a batch of events in strict priority (lane declaration order): a lower lane is only reached when
     * every higher one is empty, so no audio or video event goes out while a control event waits.
     */
    private int drain(Event[] batch) {
        int n = 0;
        EventType.Lane[] order = EventType.Lane.values();
        for (int l = 0; l < order.length; l++) {
            ArrayDeque<Event> q = lanes.get(order[l]);
            for (int taken = 0; taken < BATCH[l] && !q.isEmpty(); taken++) {
                batch[n++] = q.pollFirst();
            }
            if (!q.isEmpty()) {
                break;
            }
        }
        return n;
    }

    private void write(Event event) throws IOException {
        payload.reset();
        FrameKind kind;
        if (event instanceof Event.UserAudio audio) {
            kind = FrameKind.USER_AUDIO;
            writeUserAudio(audio);
        } else {
            kind = FrameKind.JSON;
            EVENT_WRITER.writeValue(payload, event);
        }
        int length = payload.size();
        header[0] = (byte) kind.code();
        header[1] = (byte) length;
        header[2] = (byte) (length >>> 8);
        header[3] = (byte) (length >>> 16);
        header[4] = (byte) (length >>> 24);
        out.write(header);
        payload.writeTo(out);
        bytesWritten.addAndGet(FrameKind.HEADER_BYTES + length);
    }

    private void writeUserAudio(Event.UserAudio a) {
        byte[] h = new byte[8 + 2 + 4 + 4];
        putLe(h, 0, a.userId(), 8);
        putLe(h, 8, a.signalPeakAbs(), 2);
        putLe(h, 10, a.signalActiveSampleCount(), 4);
        putLe(h, 14, a.signalSampleCount(), 4);
        payload.writeBytes(h);
        payload.writeBytes(a.pcm());
    }

    private static void putLe(byte[] b, int at, long v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    /** The frame an event is written as, for tests and tools; the writer thread does the same into its buffer. */
    public static byte[] frame(Event event) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EventWriter w = new EventWriter(bytes, () -> { });
        w.emit(event);
        w.close();
        return bytes.toByteArray();
    }

    private void fail(IOException e) {
        lock.lock();
        try {
            failure = e;
            for (Map.Entry<EventType.Lane, ArrayDeque<Event>> q : lanes.entrySet()) {
                counters.get(q.getKey()).dropped.addAndGet(q.getValue().size());
                q.getValue().clear();
            }
        } finally {
            lock.unlock();
        }
        LOG.log(System.Logger.Level.WARNING, "ipc output failed, events are dropped from now on: " + e);
        onOutputFailure.run();
    }

    /** Why output stopped, if it did. */
    public java.util.Optional<IOException> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    private void flushQuietly() {
        try {
            out.flush();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "ipc output flush at close failed: " + e);
        }
    }
}
