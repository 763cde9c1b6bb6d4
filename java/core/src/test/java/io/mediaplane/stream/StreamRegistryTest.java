package io.mediaplane.stream;

import static io.mediaplane.stream.StreamFixture.KEY;
import static io.mediaplane.stream.StreamFixture.publishRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamRegistryTest {
    private final StreamFixture fx = new StreamFixture();
    private final SubscribeOptions live = SubscribeOptions.DEFAULT.withLag(32, 1000);

    @AfterEach
    void noLeaks() throws Exception {
        fx.close();
    }

    @Test
    void aSecondPublisherOnALiveKeyIsRefusedWithTheKeyInTheMessage() {
        fx.publisher();
        assertThatThrownBy(() -> fx.registry.publish(KEY))
                .isInstanceOf(StreamAlreadyPublishedException.class)
                .hasMessageContaining("live/screen")
                .hasMessageContaining("takeOver");
        assertThat(fx.registry.publish(StreamKey.of("live", "other")).isLive()).isTrue();
    }

    @Test
    void takeOverEndsTheOldPublicationAndSilencesTheOldPublisher() {
        Publisher first = fx.publisher();
        Subscription ending = fx.subscribe(live);
        Subscription following = fx.subscribe(live.withFollowRepublish(true));
        publishRun(fx, first, 0, 3, 100);

        Publisher second = fx.publisher(PublishOptions.TAKE_OVER);
        assertThat(first.isLive()).isFalse();
        assertThat(second.isLive()).isTrue();
        assertThat(first.publish(fx.video(99, true))).isEqualTo(PublishStatus.REPLACED);
        publishRun(fx, second, 10, 13, 10);

        Recorder e = new Recorder().drain(ending);
        assertThat(e.numbers).containsExactly(0L, 1L, 2L);
        assertThat(e.ends).containsExactly(EndReason.PUBLISHER_REPLACED);
        assertThat(ending.state()).isEqualTo(SubscriptionState.ENDED);

        Recorder f = new Recorder().drain(following);
        assertThat(f.numbers).containsExactly(0L, 1L, 2L, 10L, 11L, 12L);
        assertThat(f.ends).containsExactly(EndReason.PUBLISHER_REPLACED);
        assertThat(following.state()).isEqualTo(SubscriptionState.ACTIVE);
    }

    @Test
    void theEndReachesEverySubscriberAfterItsFrames() {
        Publisher p = fx.publisher();
        List<Subscription> subs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            subs.add(fx.subscribe(live));
        }
        publishRun(fx, p, 0, 5, 100);
        p.close();
        assertThat(fx.registry.isLive(KEY)).isFalse();
        assertThat(p.publish(fx.video(5, false))).isEqualTo(PublishStatus.CLOSED);
        for (Subscription s : subs) {
            Recorder r = new Recorder().drain(s);
            assertThat(r.numbers).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(r.ends).containsExactly(EndReason.PUBLISHER_ENDED);
            assertThat(s.state()).isEqualTo(SubscriptionState.ENDED);
            assertThat(s.poll(r, 10)).isZero();
        }
        assertThat(fx.registry.keys()).as("an ended stream without subscribers is dropped").isEmpty();
    }

    @Test
    void theEndReachesASubscriberThatSkipsOverIt() {
        Publisher p = fx.publisher();
        Subscription s = fx.subscribe(SubscribeOptions.DEFAULT.withLag(4, 1000));
        publishRun(fx, p, 0, 20, 100);
        p.close();
        Recorder r = new Recorder().drain(s);
        assertThat(r.ends).containsExactly(EndReason.PUBLISHER_ENDED);
        assertThat(r.gaps).isNotEmpty();
        assertThat(s.state()).isEqualTo(SubscriptionState.ENDED);
    }

    @Test
    void subscribingToAKeyWithoutPublisherNeedsFollowRepublish() {
        assertThatThrownBy(() -> fx.registry.subscribe(KEY, live))
                .isInstanceOf(StreamNotPublishedException.class).hasMessageContaining("live/screen");
        Subscription early = fx.subscribe(live.withFollowRepublish(true));
        assertThat(early.state()).isEqualTo(SubscriptionState.WAITING_FOR_PUBLISHER);
        Publisher p = fx.publisher();
        p.publish(fx.video(0, false)); // not decodable yet: dropped
        p.publish(fx.video(1, true));
        p.publish(fx.video(2, false));
        Recorder r = new Recorder().drain(early);
        assertThat(r.numbers).containsExactly(1L, 2L);
        assertThat(early.framesDroppedAwaitingKeyframe()).isEqualTo(1);
    }

    @Test
    void aRepublishContinuesFollowingSubscriptionsFromItsFirstKeyframe() {
        Publisher first = fx.publisher();
        Subscription follows = fx.subscribe(live.withFollowRepublish(true));
        Subscription ends = fx.subscribe(live);
        publishRun(fx, first, 0, 3, 100);
        first.close();

        Recorder r = new Recorder().drain(follows);
        assertThat(r.ends).containsExactly(EndReason.PUBLISHER_ENDED);
        assertThat(follows.state()).isEqualTo(SubscriptionState.WAITING_FOR_PUBLISHER);
        assertThat(fx.registry.stats(KEY).orElseThrow().state()).isEqualTo(StreamState.WAITING_FOR_PUBLISHER);

        Publisher second = fx.publisher();
        second.publish(fx.video(50, false));
        publishRun(fx, second, 51, 54, 51);
        r.drain(follows);
        assertThat(r.numbers).containsExactly(0L, 1L, 2L, 51L, 52L, 53L);
        assertThat(r.gaps).isEmpty();

        Recorder e = new Recorder().drain(ends);
        assertThat(e.numbers).containsExactly(0L, 1L, 2L);
        assertThat(ends.state()).isEqualTo(SubscriptionState.ENDED);
    }

    @Test
    void observersSeeTheLifeOfAStream() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        fx.registry.addObserver(new StreamObserver() {
            @Override
            public void onStreamStarted(StreamKey key, boolean tookOver) {
                events.add("started " + key + " " + tookOver);
            }

            @Override
            public void onStreamEnded(StreamKey key, EndReason reason) {
                events.add("ended " + reason);
            }

            @Override
            public void onSubscriberJoined(StreamKey key, long id, long replayFrames) {
                events.add("joined replay=" + replayFrames);
            }

            @Override
            public void onSubscriberLeft(StreamKey key, long id) {
                events.add("left");
            }

            @Override
            public void onSubscriberLagged(StreamKey key, long id, long skipped) {
                events.add("lagged " + skipped);
            }

            @Override
            public void onSubscriberEvicted(StreamKey key, long id) {
                events.add("evicted");
            }

            @Override
            public void onKeyframe(StreamKey key, long sequence, long pts) {
                events.add("keyframe " + sequence);
            }
        });
        fx.registry.addObserver(new StreamObserver() {
            @Override
            public void onKeyframe(StreamKey key, long sequence, long pts) {
                throw new IllegalStateException("a broken observer must not break publishing");
            }
        });
        Publisher p = fx.publisher();
        p.publish(fx.video(0, true));
        p.publish(fx.audio(1)); // an audio frame, though decodable on its own, is no keyframe event
        Subscription s = fx.subscribe(SubscribeOptions.DEFAULT.withLag(4, 12));
        publishRun(fx, p, 2, 9, 5); // keyframe at 5; 7 live frames > 4: skip to it
        new Recorder().drain(s);
        publishRun(fx, p, 9, 30, 1000);
        new Recorder().drain(s); // 21 > 12: evicted
        p.close();
        assertThat(events).containsExactly("started live/screen false", "keyframe 0", "joined replay=2",
                "keyframe 5", "lagged 5", "evicted", "left", "ended PUBLISHER_ENDED");
        assertThat(fx.registry.observerFailures()).isEqualTo(2);
        assertThat(fx.registry.evictions()).isEqualTo(1);
    }
}
