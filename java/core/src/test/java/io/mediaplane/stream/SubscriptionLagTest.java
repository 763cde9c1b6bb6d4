package io.mediaplane.stream;

import static io.mediaplane.stream.StreamFixture.KEY;
import static io.mediaplane.stream.StreamFixture.publishRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SubscriptionLagTest {
    private final StreamFixture fx = new StreamFixture();

    @AfterEach
    void noLeaks() throws Exception {
        fx.close();
    }

    @Test
    void aSubscriberThatKeepsUpGetsEveryFrameInOrder() {
        Publisher p = fx.publisher();
        Subscription s = fx.subscribe(SubscribeOptions.DEFAULT.withLag(8, 100));
        Recorder r = new Recorder();
        for (long n = 0; n < 200; n++) {
            p.publish(fx.video(n, n % 30 == 0));
            if (n % 5 == 4) {
                r.drain(s);
            }
        }
        r.drain(s);
        assertThat(r.numbers).hasSize(200);
        for (int i = 0; i < 200; i++) {
            assertThat(r.numbers.get(i)).isEqualTo(i);
            assertThat(r.sequences.get(i)).isEqualTo(i);
        }
        assertThat(r.replays).containsOnly(false);
        assertThat(r.gaps).isEmpty();
        assertThat(s.deliveredFrames()).isEqualTo(200);
        assertThat(s.skips()).isZero();
    }

    @Test
    void pastTheLagBoundASubscriberSkipsToTheNewestKeyframeWithAGapEvent() {
        Publisher p = fx.publisher();
        Subscription s = fx.subscribe(SubscribeOptions.DEFAULT.withLag(8, 1000));
        publishRun(fx, p, 0, 20, 5); // keyframes 0, 5, 10, 15
        Recorder r = new Recorder().drain(s);
        assertThat(r.gaps).hasSize(1);
        assertThat(r.gaps.get(0)).containsExactly(15, 15);
        assertThat(r.numbers).containsExactly(15L, 16L, 17L, 18L, 19L);
        assertThat(r.keyframes.get(0)).as("delivery resumes at a keyframe").isTrue();
        assertThat(s.skips()).isEqualTo(1);
        assertThat(s.skippedFrames()).isEqualTo(15);
        StreamStats stats = fx.registry.stats(KEY).orElseThrow();
        assertThat(stats.skips()).isEqualTo(1);
        assertThat(stats.skippedFrames()).isEqualTo(15);
        assertThat(stats.evictions()).isZero();
    }

    @Test
    void withoutABufferedKeyframeThatCatchesUpTheSubscriberWaitsForTheNextOne() {
        Publisher p = fx.publisher();
        Subscription s = fx.subscribe(SubscribeOptions.DEFAULT.withLag(8, 1000));
        publishRun(fx, p, 0, 20, 1000); // only frame 0 is a keyframe
        Recorder r = new Recorder().drain(s);
        assertThat(r.numbers).isEmpty();
        assertThat(r.gaps.get(0)).containsExactly(20, 20);
        assertThat(s.state()).isEqualTo(SubscriptionState.AWAITING_KEYFRAME);
        p.publish(fx.video(20, false));
        p.publish(fx.video(21, false));
        p.publish(fx.video(22, true));
        p.publish(fx.video(23, false));
        r.drain(s);
        assertThat(r.numbers).containsExactly(22L, 23L);
        assertThat(s.framesDroppedAwaitingKeyframe()).isEqualTo(2);
        assertThat(s.state()).isEqualTo(SubscriptionState.ACTIVE);
    }

    @Test
    void pastTheSecondBoundASubscriberIsEvicted() {
        Publisher p = fx.publisher();
        Subscription s = fx.subscribe(SubscribeOptions.DEFAULT.withLag(8, 30));
        publishRun(fx, p, 0, 40, 5);
        Recorder r = new Recorder().drain(s);
        assertThat(r.numbers).isEmpty();
        assertThat(r.ends).containsExactly(EndReason.EVICTED);
        assertThat(s.state()).isEqualTo(SubscriptionState.EVICTED);
        assertThat(fx.registry.stats(KEY).orElseThrow().evictions()).isEqualTo(1);
        assertThat(fx.registry.stats(KEY).orElseThrow().subscribers()).isZero();
        p.publish(fx.video(40, true));
        assertThat(s.poll(r, 10)).isZero();
    }

    @Test
    void aSubscriberThatKeepsSkippingIsEvictedAfterItsSkipBudget() {
        Publisher p = fx.publisher();
        Subscription s = fx.subscribe(SubscribeOptions.DEFAULT.withLag(5, 1000).withEvictAfterSkips(2));
        Recorder r = new Recorder();
        publishRun(fx, p, 0, 10, 5);
        r.drain(s);
        assertThat(s.state()).isEqualTo(SubscriptionState.ACTIVE);
        publishRun(fx, p, 10, 20, 5);
        r.drain(s);
        assertThat(r.gaps).hasSize(2);
        assertThat(r.ends).containsExactly(EndReason.EVICTED);
        assertThat(fx.registry.evictions()).isEqualTo(1);
    }

    @Test
    void aSweepEvictsSubscribersThatStoppedPolling() {
        Publisher p = fx.publisher();
        Subscription idle = fx.subscribe(SubscribeOptions.DEFAULT.withLag(8, 30));
        Subscription busy = fx.subscribe(SubscribeOptions.DEFAULT.withLag(8, 30));
        Recorder b = new Recorder();
        for (long n = 0; n < 40; n++) {
            p.publish(fx.video(n, n % 5 == 0));
            b.drain(busy);
        }
        assertThat(fx.registry.evictLagging()).isEqualTo(1);
        assertThat(fx.registry.stats(KEY).orElseThrow().subscribers()).isEqualTo(1);
        Recorder r = new Recorder().drain(idle);
        assertThat(r.ends).containsExactly(EndReason.EVICTED);
        assertThat(idle.state()).isEqualTo(SubscriptionState.EVICTED);
        assertThat(fx.registry.evictions()).as("counted once").isEqualTo(1);
        assertThat(b.numbers).hasSize(40);
    }

    @Test
    void aSubscriberFarBehindOnlyEverMovesForward() throws Exception {
        try (StreamFixture small = new StreamFixture(new StreamSettings(16, 4, 1 << 20, 1))) {
            Publisher p = small.publisher();
            Subscription s = small.subscribe(SubscribeOptions.DEFAULT.withLag(15, 10_000));
            // frames keep coming while the subscriber reads: every frame read releases, so refcounts stay exact
            Recorder r = new Recorder();
            for (long n = 0; n < 100; n++) {
                p.publish(small.video(n, n % 8 == 0));
                if (n % 40 == 39) {
                    r.drain(s);
                }
            }
            r.drain(s);
            assertThat(r.gaps).isNotEmpty();
            for (int i = 1; i < r.numbers.size(); i++) {
                assertThat(r.numbers.get(i)).isGreaterThan(r.numbers.get(i - 1));
            }
        }
    }

    @Test
    void aWakeUpRunsOnceWhenTheNextFrameIsPublished() {
        AtomicInteger woken = new AtomicInteger();
        Publisher p = fx.publisher();
        Subscription s = fx.subscribe(SubscribeOptions.DEFAULT.withWakeup(woken::incrementAndGet));
        assertThat(s.armWakeup()).as("nothing waiting: sleep").isTrue();
        assertThat(s.armWakeup()).as("arming twice is harmless").isTrue();
        p.publish(fx.video(0, true));
        assertThat(woken).hasValue(1);
        p.publish(fx.video(1, false));
        assertThat(woken).as("one-shot").hasValue(1);
        assertThat(s.armWakeup()).as("frames are waiting: poll instead").isFalse();
        new Recorder().drain(s);
        assertThat(s.armWakeup()).isTrue();
        p.close();
        assertThat(woken).as("the end wakes too").hasValue(2);
        Subscription plain = fx.registry.subscribe(StreamKey.of("live", "x"),
                SubscribeOptions.DEFAULT.withFollowRepublish(true));
        fx.track(plain);
        assertThatThrownBy(plain::armWakeup).isInstanceOf(IllegalStateException.class);
    }
}
