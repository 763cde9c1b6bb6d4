package io.mediaplane.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.discord.FrameCryptoStatus;
import io.mediaplane.discord.LegRole;
import io.mediaplane.discord.VideoFrame;
import io.mediaplane.stream.Codec;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ScreenWatchTest {
    private static VideoFrame frame(Codec codec, byte[] data, int ts) {
        return new VideoFrame(LegRole.STREAM_WATCH, 7, 1234, codec, true, ts, "screen", "100",
                MemorySegment.ofArray(data), 0, FrameCryptoStatus.OK, false);
    }

    /** A codec no decoder here handles still reaches the control plane, encoded, in order. */
    @Test
    void framesOfACodecWithoutDecoderAreForwardedEncoded() throws InterruptedException {
        List<Event> events = new CopyOnWriteArrayList<>();
        ScreenWatch watch = new ScreenWatch(new Command.SubscribeUserVideo("7", 2, 100, null, null, 75), events::add,
                ssrc -> { });
        watch.offer(frame(Codec.AV1, new byte[] {1, 2, 3}, 3000), false);
        watch.offer(frame(Codec.AV1, new byte[] {4, 5}, 6000), true);
        for (int i = 0; i < 3000 && events.size() < 2; i++) {
            Thread.sleep(10);
        }
        watch.close();
        assertThat(events).hasSize(2);
        Event.UserVideoFrame first = (Event.UserVideoFrame) events.get(0);
        Event.UserVideoFrame second = (Event.UserVideoFrame) events.get(1);
        assertThat(first.codec()).isEqualTo("AV1");
        assertThat(first.userId()).isEqualTo("7");
        assertThat(first.ssrc()).isEqualTo(1234);
        assertThat(first.frame()).containsExactly(1, 2, 3);
        assertThat(first.rtpTimestamp()).isEqualTo(3000);
        assertThat(first.daveDecrypted()).isFalse();
        assertThat(second.frame()).containsExactly(4, 5);
        assertThat(second.daveDecrypted()).isTrue();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("mediaplane-ipc-decode-7"));
    }

    @Test
    void aGarbageH264UnitMakesNoEventAndAsksForAKeyframe() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        List<Integer> keyframeRequests = new CopyOnWriteArrayList<>();
        ScreenWatch watch = new ScreenWatch(new Command.SubscribeUserVideo("8", 30, 100, null, null, 75), events::add,
                keyframeRequests::add);
        // a non-IDR slice with no parameter sets: nothing to decode yet, so the decoder wants a keyframe
        watch.offer(frame(Codec.H264, new byte[] {0, 0, 0, 1, 0x41, (byte) 0x9a, 0x10, 0x20}, 3000), false);
        for (int i = 0; i < 300 && keyframeRequests.isEmpty(); i++) {
            Thread.sleep(10);
        }
        watch.close();
        assertThat(events).isEmpty();
        assertThat(keyframeRequests).containsOnly(1234);
    }
}
