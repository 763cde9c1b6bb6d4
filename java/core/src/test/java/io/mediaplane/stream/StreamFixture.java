package io.mediaplane.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * A registry over a small native frame pool, frames numbered in their first 8 bytes, and a leak check: closing
 * the fixture closes what the test opened and fails if any frame or arena is still outstanding.
 */
final class StreamFixture implements AutoCloseable {
    static final StreamKey KEY = StreamKey.of("live", "screen");

    final FramePool pool = FramePool.nativeMemory(new FramePool.SizeClass(64, 8192),
            new FramePool.SizeClass(4096, 512));
    final StreamRegistry registry;
    private final List<AutoCloseable> opened = new ArrayList<>();

    StreamFixture() {
        this(new StreamSettings(64, 16, 1 << 20, 1));
    }

    StreamFixture(StreamSettings settings) {
        registry = new StreamRegistry(settings);
    }

    Publisher publisher() {
        return track(registry.publish(KEY));
    }

    Publisher publisher(PublishOptions options) {
        return track(registry.publish(KEY, options));
    }

    Subscription subscribe(SubscribeOptions options) {
        return track(registry.subscribe(KEY, options));
    }

    <T extends AutoCloseable> T track(T t) {
        synchronized (opened) {
            opened.add(t);
        }
        return t;
    }

    /** A video frame numbered {@code n}, {@code size} bytes (at least 8). */
    Frame video(long n, boolean key, int size) {
        Frame f = pool.allocate(Codec.H264, n * 3000, n * 3000, key ? Frame.KEYFRAME : 0, Math.max(8, size));
        f.writableSegment().set(ValueLayout.JAVA_LONG_UNALIGNED, f.offset(), n);
        return f;
    }

    Frame video(long n, boolean key) {
        return video(n, key, 16);
    }

    Frame config(long n) {
        Frame f = pool.allocate(Codec.H264, n * 3000, n * 3000, Frame.CONFIG, 16);
        f.writableSegment().set(ValueLayout.JAVA_LONG_UNALIGNED, f.offset(), n);
        return f;
    }

    Frame audio(long n) {
        Frame f = pool.allocate(Codec.OPUS, n * 960, n * 960, Frame.KEYFRAME, 16);
        f.writableSegment().set(ValueLayout.JAVA_LONG_UNALIGNED, f.offset(), n);
        return f;
    }

    static long number(Frame f) {
        return f.segment().get(ValueLayout.JAVA_LONG_UNALIGNED, f.offset());
    }

    /** Publishes video frames numbered from..to-1 with a keyframe wherever {@code keyEvery} divides the number. */
    static void publishRun(StreamFixture fx, Publisher p, long from, long to, int keyEvery) {
        for (long n = from; n < to; n++) {
            assertThat(p.publish(fx.video(n, n % keyEvery == 0))).isEqualTo(PublishStatus.PUBLISHED);
        }
    }

    @Override
    public void close() throws Exception {
        synchronized (opened) {
            for (AutoCloseable c : opened) {
                c.close();
            }
        }
        registry.close();
        assertThat(pool.outstandingFrames()).as("frames still referenced at the end of the test").isZero();
        assertThat(pool.outstandingArenas()).as("overflow arenas still open at the end of the test").isZero();
        pool.close();
    }
}
