package io.mediaplane.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rate limit, change score, its moving average and scene cuts, on a hand-driven clock. */
class ScreenWatchSamplerTest {
    static final long MS = 1_000_000L;

    /** A clock the test advances. */
    static final class ManualClock {
        long now;

        long get() {
            return now;
        }
    }

    static I420Picture flat(int w, int h, int luma) {
        byte[] packed = new byte[(int) I420Picture.packedSize(w, h)];
        Arrays.fill(packed, 0, w * h, (byte) luma);
        Arrays.fill(packed, w * h, packed.length, (byte) 128);
        return TestFrames.heap(packed, w, h);
    }

    /** Left half {@code left}, right half {@code right}. */
    static I420Picture halves(int w, int h, int left, int right) {
        byte[] packed = new byte[(int) I420Picture.packedSize(w, h)];
        for (int y = 0; y < h; y++) {
            Arrays.fill(packed, y * w, y * w + w / 2, (byte) left);
            Arrays.fill(packed, y * w + w / 2, y * w + w, (byte) right);
        }
        Arrays.fill(packed, w * h, packed.length, (byte) 128);
        return TestFrames.heap(packed, w, h);
    }

    @Test
    void defaultRateIsTwoPerSecondAndNeverCloser() {
        ManualClock clock = new ManualClock();
        ScreenWatchSampler sampler = new ScreenWatchSampler(ScreenWatchSampler.Config.defaults(), clock::get);
        I420Picture picture = flat(128, 72, 100);
        List<ScreenWatchSample> samples = new ArrayList<>();
        for (int frame = 0; frame < 200; frame++) { // 10 s at 20 fps
            clock.now = frame * 50 * MS;
            boolean due = sampler.isDue();
            ScreenWatchSample s = sampler.offer(picture);
            assertThat(s != null).as("isDue agrees at frame %d", frame).isEqualTo(due);
            if (s != null) {
                samples.add(s);
            }
        }
        assertThat(samples).hasSize(20);
        for (int i = 0; i < samples.size(); i++) {
            assertThat(samples.get(i).sequence()).isEqualTo(i);
            assertThat(samples.get(i).timeNanos()).isEqualTo(i * 500 * MS);
            assertThat(samples.get(i).framesSkipped()).isEqualTo(i == 0 ? 0 : 9);
        }
        assertThat(sampler.offeredPictures()).isEqualTo(200);
        assertThat(sampler.samples()).isEqualTo(20);
    }

    @Test
    void rateLimitIsStrictForUnevenFrameIntervals() {
        ManualClock clock = new ManualClock();
        ScreenWatchSampler sampler = new ScreenWatchSampler(
                ScreenWatchSampler.Config.defaults().withMaxFramesPerSecond(5), clock::get);
        I420Picture picture = flat(64, 36, 50);
        long last = -1_000_000 * MS;
        int count = 0;
        java.util.Random random = new java.util.Random(7);
        for (int frame = 0; frame < 600; frame++) {
            clock.now += (10 + random.nextInt(40)) * MS;
            ScreenWatchSample s = sampler.offer(picture);
            if (s != null) {
                assertThat(s.timeNanos() - last).isGreaterThanOrEqualTo(200 * MS);
                last = s.timeNanos();
                count++;
            }
        }
        assertThat(count).isBetween((int) (clock.now / (250 * MS)), (int) (clock.now / (200 * MS)) + 1);
    }

    @Test
    void scoreIsTheMeanAbsoluteLumaDifference() {
        ManualClock clock = new ManualClock();
        ScreenWatchSampler sampler = new ScreenWatchSampler(ScreenWatchSampler.Config.defaults(), clock::get);
        ScreenWatchSample first = sampler.offer(flat(128, 72, 100));
        assertThat(first.changeScore()).isEqualTo(1.0);
        assertThat(first.sceneCut()).isTrue();
        assertThat(first.changeAverage()).isZero();

        clock.now += 500 * MS;
        ScreenWatchSample second = sampler.offer(flat(128, 72, 130));
        assertThat(second.changeScore()).isCloseTo(30 / 255.0, offset(1e-12));
        assertThat(second.changeAverage()).isCloseTo(30 / 255.0, offset(1e-12));

        clock.now += 500 * MS;
        ScreenWatchSample third = sampler.offer(halves(128, 72, 130, 10)); // right half changes by 120
        assertThat(third.changeScore()).isCloseTo(60 / 255.0, offset(1e-12));
        assertThat(third.changeAverage()).isCloseTo(0.3 * 60 / 255.0 + 0.7 * 30 / 255.0, offset(1e-12));

        clock.now += 500 * MS;
        ScreenWatchSample same = sampler.offer(halves(128, 72, 130, 10));
        assertThat(same.changeScore()).isZero();
        assertThat(same.sceneCut()).isFalse();
    }

    @Test
    void sceneCutNeedsALargeChangeAgainstTheUsualChange() {
        ManualClock clock = new ManualClock();
        ScreenWatchSampler sampler = new ScreenWatchSampler(ScreenWatchSampler.Config.defaults(), clock::get);
        List<ScreenWatchSample> samples = new ArrayList<>();
        // a still desktop with a small blinking change, then a cut to a different picture
        int[] lumas = {80, 82, 80, 82, 80, 200, 200, 201};
        for (int luma : lumas) {
            samples.add(sampler.offer(flat(160, 90, luma)));
            clock.now += 600 * MS;
        }
        assertThat(samples.stream().map(ScreenWatchSample::sceneCut).toList())
                .containsExactly(true, false, false, false, false, true, false, false);
        assertThat(sampler.sceneCuts()).isEqualTo(2);

        // steady heavy motion (alternating pictures) is the usual, so only its start is a cut
        ScreenWatchSampler busy = new ScreenWatchSampler(ScreenWatchSampler.Config.defaults(), clock::get);
        List<Boolean> cuts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            cuts.add(busy.offer(i % 2 == 0 ? halves(160, 90, 20, 200) : halves(160, 90, 200, 20)).sceneCut());
            clock.now += 600 * MS;
        }
        assertThat(cuts).containsExactly(true, true, false, false, false, false, false, false, false, false);
    }

    @Test
    void sizeChangeIsACut() {
        ManualClock clock = new ManualClock();
        ScreenWatchSampler sampler = new ScreenWatchSampler(ScreenWatchSampler.Config.defaults(), clock::get);
        sampler.offer(flat(128, 72, 100));
        clock.now += 500 * MS;
        ScreenWatchSample resized = sampler.offer(flat(100, 50, 100));
        assertThat(resized.sceneCut()).isTrue();
        assertThat(resized.changeScore()).isEqualTo(1.0);
        assertThat(resized.width()).isEqualTo(100);
        clock.now += 500 * MS;
        ScreenWatchSample tiny = sampler.offer(flat(100, 50, 100));
        assertThat(tiny.changeScore()).isZero();
        clock.now += 500 * MS;
        assertThat(sampler.offer(flat(7, 5, 0)).sceneCut()).as("smaller than the grid").isTrue();
    }

    @Test
    void realContentScoresSmallMotionLowAndIsDeterministic(@TempDir Path dir) throws Exception {
        List<byte[]> frames = TestFrames.testsrc2(dir, 320, 180, 60);
        List<ScreenWatchSample> a = run(frames);
        assertThat(a).hasSize(4); // 2 s at 30 fps: 0, 16, 32, 48
        assertThat(a).extracting(ScreenWatchSample::sceneCut).containsExactly(true, false, false, false);
        for (ScreenWatchSample s : a.subList(1, a.size())) {
            assertThat(s.changeScore()).isGreaterThan(0).isLessThan(0.12);
        }
        assertThat(run(frames)).isEqualTo(a);
    }

    private static List<ScreenWatchSample> run(List<byte[]> frames) {
        ManualClock clock = new ManualClock();
        ScreenWatchSampler sampler = new ScreenWatchSampler(ScreenWatchSampler.Config.defaults(), clock::get);
        List<ScreenWatchSample> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            clock.now = i * 1_000_000_000L / 30;
            ScreenWatchSample s = sampler.offer(TestFrames.heap(frames.get(i), 320, 180));
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    @Test
    void configurationIsChecked() {
        assertThatThrownBy(() -> ScreenWatchSampler.Config.defaults().withMaxFramesPerSecond(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScreenWatchSampler.Config(2, 0, 36, 0.3, 0.1, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
