package io.mediaplane.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real publisher thread and several subscriber threads. Frame number n is published as sequence n (a config
 * frame first, then video), so every check below is about order, gaps and duplicates, never about time.
 */
@Timeout(120)
class ConcurrentFanoutTest {
    private static final int KEY_EVERY = 30;

    private static boolean isKey(long n) {
        return n % KEY_EVERY == 1;
    }

    /** Publishes config 0 then video 1..last; waits (test-side flow control) while a reader is too far behind. */
    private static Thread publisher(StreamFixture fx, Publisher p, long last, List<AtomicLong> progress, long window,
            AtomicReference<Throwable> failure) {
        Thread t = new Thread(() -> {
            try {
                p.publish(fx.config(0));
                for (long n = 1; n <= last; n++) {
                    for (AtomicLong r : progress) {
                        while (n - r.get() > window) {
                            Thread.onSpinWait();
                        }
                    }
                    if (p.publish(fx.video(n, isKey(n))) != PublishStatus.PUBLISHED) {
                        throw new AssertionError("publish refused at " + n);
                    }
                }
                p.close();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "publisher");
        return t;
    }

    @Test
    void lateJoinersGetOneRunWithoutGapOrDuplicateAcrossTheCacheSeam() throws Exception {
        long last = 20_000;
        long[] joinAt = {0, 700, 5_000, 12_345};
        try (StreamFixture fx = new StreamFixture(new StreamSettings(1024, 256, 1 << 20, 1))) {
            Publisher p = fx.publisher();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<AtomicLong> progress = new ArrayList<>();
            for (int i = 0; i < joinAt.length; i++) {
                progress.add(new AtomicLong(Long.MAX_VALUE)); // not reading yet: the publisher does not wait for it
            }
            List<Recorder> recorders = new ArrayList<>();
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < joinAt.length; i++) {
                Recorder r = new Recorder();
                recorders.add(r);
                AtomicLong mine = progress.get(i);
                long start = joinAt[i];
                readers.add(new Thread(() -> {
                    try {
                        while (p.publishedFrames() < start) {
                            Thread.onSpinWait();
                        }
                        mine.set(p.publishedFrames());
                        Subscription s = fx.track(fx.registry.subscribe(StreamFixture.KEY,
                                SubscribeOptions.DEFAULT.withLag(900, 1_000_000)));
                        while (!s.state().isTerminal()) {
                            if (s.poll(r, 32) > 0) {
                                mine.set(r.numbers.getLast());
                            } else {
                                Thread.onSpinWait();
                            }
                        }
                        mine.set(Long.MAX_VALUE);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                        mine.set(Long.MAX_VALUE);
                    }
                }, "reader-" + i));
            }
            readers.forEach(Thread::start);
            Thread pub = publisher(fx, p, last, progress, 600, failure);
            pub.start();
            pub.join();
            for (Thread t : readers) {
                t.join();
            }
            assertThat(failure.get()).isNull();
            for (int i = 0; i < recorders.size(); i++) {
                Recorder r = recorders.get(i);
                assertThat(r.gaps).as("reader %d gaps", i).isEmpty();
                assertThat(r.ends).containsExactly(EndReason.PUBLISHER_ENDED);
                assertThat(r.numbers.getFirst()).as("config first").isZero();
                assertThat(r.configs.getFirst()).isTrue();
                long first = r.numbers.get(1);
                assertThat(isKey(first)).as("reader %d starts at keyframe %d", i, first).isTrue();
                for (int k = 1; k < r.numbers.size(); k++) {
                    assertThat(r.numbers.get(k)).as("reader %d frame %d", i, k).isEqualTo(first + k - 1);
                    assertThat(r.sequences.get(k)).isEqualTo(r.numbers.get(k));
                }
                assertThat(r.numbers.getLast()).isEqualTo(last);
                int firstLive = r.replays.indexOf(false);
                assertThat(r.replays.subList(firstLive, r.replays.size())).as("replay only before the seam")
                        .containsOnly(false);
                if (joinAt[i] > 0) {
                    assertThat(firstLive).as("reader %d joined late and replayed the cache", i).isGreaterThan(1);
                }
            }
        }
    }

    @Test
    void slowAndChurningSubscribersSkipButNeverSeeDisorderDuplicatesOrUndecodableResumes() throws Exception {
        long last = 60_000;
        try (StreamFixture fx = new StreamFixture(new StreamSettings(256, 64, 1 << 20, 1))) {
            Publisher p = fx.publisher();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            List<Recorder> recorders = new ArrayList<>();
            List<Subscription> subs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Recorder r = new Recorder();
                Subscription s = fx.subscribe(SubscribeOptions.DEFAULT.withLag(48, 1_000_000));
                recorders.add(r);
                subs.add(s);
                int slowness = i * 500;
                threads.add(new Thread(() -> {
                    try {
                        long spin = 0;
                        while (!s.state().isTerminal()) {
                            if (s.poll(r, 1) == 0) {
                                Thread.onSpinWait();
                            }
                            for (int k = 0; k < slowness; k++) {
                                spin += k ^ spin;
                            }
                        }
                        if (spin == 42) {
                            System.out.print("");
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "slow-" + i));
            }
            AtomicLong joins = new AtomicLong();
            threads.add(new Thread(() -> { // joins, reads a little, leaves: races joins against the writer
                try {
                    while (p.isLive()) {
                        try (Subscription s = fx.registry.subscribe(StreamFixture.KEY, SubscribeOptions.DEFAULT)) {
                            Recorder r = new Recorder();
                            for (int k = 0; k < 20; k++) {
                                s.poll(r, 8);
                            }
                            for (int k = 1; k < r.sequences.size(); k++) {
                                if (r.sequences.get(k) <= r.sequences.get(k - 1)) {
                                    throw new AssertionError("out of order after join: " + r.sequences);
                                }
                            }
                            joins.incrementAndGet();
                        } catch (StreamNotPublishedException ended) {
                            return;
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "churn"));
            threads.forEach(Thread::start);
            Thread pub = publisher(fx, p, last, List.of(), Long.MAX_VALUE, failure);
            pub.start();
            pub.join();
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(joins.get()).isPositive();
            for (int i = 0; i < recorders.size(); i++) {
                Recorder r = recorders.get(i);
                Subscription s = subs.get(i);
                assertThat(r.ends).containsExactly(EndReason.PUBLISHER_ENDED);
                for (int k = 1; k < r.sequences.size(); k++) {
                    assertThat(r.sequences.get(k)).isGreaterThan(r.sequences.get(k - 1));
                    assertThat(r.numbers.get(k)).isEqualTo(r.sequences.get(k));
                }
                long gapSum = r.gaps.stream().mapToLong(g -> g[0]).sum();
                assertThat(gapSum).as("every skipped frame is counted").isEqualTo(s.skippedFrames());
                assertThat(s.skips()).isEqualTo(r.gaps.size());
                for (int k = 0; k < r.sequences.size(); k++) {
                    if (r.afterGap.get(k)) {
                        assertThat(r.keyframes.get(k) || r.configs.get(k))
                                .as("frame %d right after a gap is decodable", r.sequences.get(k)).isTrue();
                    }
                }
            }
            assertThat(recorders.get(2).gaps).as("the slowest reader fell behind").isNotEmpty();
        }
    }
}
