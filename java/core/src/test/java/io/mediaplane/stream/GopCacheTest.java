package io.mediaplane.stream;

import static io.mediaplane.stream.StreamFixture.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GopCacheTest {
    @Test
    void aLateJoinerGetsConfigThenTheCachedGopAsReplayThenLiveFramesWithoutGapOrDuplicate() throws Exception {
        try (StreamFixture fx = new StreamFixture()) {
            Publisher p = fx.publisher();
            p.publish(fx.config(0));
            p.publish(fx.video(1, true));
            p.publish(fx.video(2, false));
            p.publish(fx.audio(3));
            p.publish(fx.video(4, false));
            Subscription s = fx.subscribe(SubscribeOptions.DEFAULT);
            p.publish(fx.video(5, false));
            p.publish(fx.video(6, false));
            Recorder r = new Recorder().drain(s);
            assertThat(r.numbers).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(r.sequences).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(r.replays).containsExactly(true, true, true, true, true, false, false);
            assertThat(r.configs.get(0)).isTrue();
            assertThat(r.keyframes.get(1)).isTrue();
            assertThat(s.replayedFrames()).isEqualTo(5);
            assertThat(s.deliveredFrames()).isEqualTo(2);
        }
    }

    @Test
    void theConfigPrefixIsTheNewestPerCodecBeforeTheAnchorAndNeverRepeatsOneInTheWindow() throws Exception {
        try (StreamFixture fx = new StreamFixture()) {
            Publisher p = fx.publisher();
            p.publish(fx.config(0));
            p.publish(fx.video(1, true));
            p.publish(fx.video(2, false));
            p.publish(fx.config(3)); // new parameters: the next keyframe uses them
            p.publish(fx.video(4, true));
            p.publish(fx.video(5, false));
            Recorder r = new Recorder().drain(fx.subscribe(SubscribeOptions.DEFAULT));
            assertThat(r.numbers).containsExactly(3L, 4L, 5L);

            p.publish(fx.config(6)); // a config inside the next window arrives in place, once
            p.publish(fx.video(7, false));
            Recorder r2 = new Recorder().drain(fx.subscribe(SubscribeOptions.DEFAULT));
            assertThat(r2.numbers).containsExactly(3L, 4L, 5L, 6L, 7L);
        }
    }

    @Test
    void theCacheIsBoundedInFrames() throws Exception {
        try (StreamFixture fx = new StreamFixture(new StreamSettings(64, 4, 1 << 20, 1))) {
            Publisher p = fx.publisher();
            for (long n = 0; n < 4; n++) {
                p.publish(fx.video(n, n == 0));
            }
            assertThat(fx.registry.stats(KEY).orElseThrow().replayFrames()).isEqualTo(4);
            p.publish(fx.video(4, false));
            assertThat(fx.registry.stats(KEY).orElseThrow().replayFrames())
                    .as("the GOP outgrew the cache: nothing to replay").isZero();
            Subscription s = fx.subscribe(SubscribeOptions.DEFAULT);
            assertThat(s.state()).isEqualTo(SubscriptionState.AWAITING_KEYFRAME);
            p.publish(fx.video(5, false));
            p.publish(fx.video(6, true));
            Recorder r = new Recorder().drain(s);
            assertThat(r.numbers).containsExactly(6L);
            assertThat(r.replays).containsExactly(false);
            assertThat(fx.registry.stats(KEY).orElseThrow().replayFrames()).isEqualTo(1);
        }
    }

    @Test
    void theCacheIsBoundedInBytes() throws Exception {
        try (StreamFixture fx = new StreamFixture(new StreamSettings(64, 32, 350, 1))) {
            Publisher p = fx.publisher();
            p.publish(fx.video(0, true, 100));
            p.publish(fx.video(1, false, 100));
            p.publish(fx.video(2, false, 100));
            assertThat(fx.registry.stats(KEY).orElseThrow().replayFrames()).isEqualTo(3);
            p.publish(fx.video(3, false, 100));
            assertThat(fx.registry.stats(KEY).orElseThrow().replayFrames()).isZero();
            p.publish(fx.video(4, true, 300));
            assertThat(fx.registry.stats(KEY).orElseThrow().replayFrames()).isEqualTo(1);
            p.publish(fx.video(5, true, 400));
            assertThat(fx.registry.stats(KEY).orElseThrow().replayFrames())
                    .as("a single keyframe larger than the cache is not cached").isZero();
        }
    }

    @Test
    void severalGopsAreKeptWhenTheyFit() throws Exception {
        try (StreamFixture fx = new StreamFixture(new StreamSettings(64, 32, 1 << 20, 2))) {
            Publisher p = fx.publisher();
            for (long n = 0; n < 9; n++) {
                p.publish(fx.video(n, n % 3 == 0)); // keyframes 0, 3, 6
            }
            Recorder r = new Recorder().drain(fx.subscribe(SubscribeOptions.DEFAULT));
            assertThat(r.numbers).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
            assertThat(r.replays).containsOnly(true);
        }
    }

    @Test
    void aJoinerThatDeclinesTheCacheStartsAtTheNextKeyframe() throws Exception {
        try (StreamFixture fx = new StreamFixture()) {
            Publisher p = fx.publisher();
            p.publish(fx.config(0));
            p.publish(fx.video(1, true));
            p.publish(fx.video(2, false));
            Subscription s = fx.subscribe(SubscribeOptions.DEFAULT.withReplayCache(false));
            p.publish(fx.video(3, false));
            p.publish(fx.video(4, true));
            Recorder r = new Recorder().drain(s);
            assertThat(r.numbers).as("the config still comes first, so the keyframe decodes").containsExactly(0L, 4L);
            assertThat(r.replays).containsExactly(true, false);
        }
    }

    @Test
    void audioOnlyStreamsResumeAtAnyFrame() throws Exception {
        try (StreamFixture fx = new StreamFixture()) {
            Publisher p = fx.publisher();
            for (long n = 0; n < 5; n++) {
                p.publish(fx.audio(n));
            }
            Recorder r = new Recorder().drain(fx.subscribe(SubscribeOptions.DEFAULT));
            assertThat(r.numbers).containsExactly(4L);
        }
    }

    @Test
    void anEndedPublicationLeavesNothingToReplay() throws Exception {
        try (StreamFixture fx = new StreamFixture()) {
            Subscription follower = fx.subscribe(SubscribeOptions.DEFAULT.withFollowRepublish(true));
            Publisher p = fx.publisher();
            p.publish(fx.config(0));
            p.publish(fx.video(1, true));
            p.close();
            Publisher q = fx.publisher();
            Recorder r = new Recorder().drain(fx.subscribe(SubscribeOptions.DEFAULT));
            assertThat(r.numbers).isEmpty();
            q.publish(fx.video(2, true));
            Recorder f = new Recorder().drain(follower);
            assertThat(f.numbers).containsExactly(0L, 1L, 2L);
        }
    }
}
