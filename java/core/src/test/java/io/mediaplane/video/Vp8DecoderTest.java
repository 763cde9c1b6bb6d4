package io.mediaplane.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.testing.Ffmpeg;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Vp8DecoderTest {
    @TempDir
    Path dir;

    @Test
    void decodesLikeFfmpeg() throws Exception {
        Path clip = Clips.vp8(dir, "vp8", "1366x768", 6);
        List<String> expected = Ffmpeg.md5Column(Ffmpeg.frameMd5(clip, "vp8"));
        FrameMd5 md5 = new FrameMd5();
        List<String> got = new ArrayList<>();
        try (Vp8Decoder decoder = Vp8Decoder.create()) {
            for (byte[] frame : Clips.ivfFrames(clip)) {
                DecodeStatus s = decoder.decode(frame);
                assertThat(s).isEqualTo(DecodeStatus.PICTURE);
                assertThat(decoder.picture().width()).isEqualTo(1366);
                got.add(md5.hash(decoder.picture()));
            }
        }
        assertThat(got).hasSize(6).isEqualTo(expected);
    }

    @Test
    void garbageUntilResetThenKeyframeDecodes() throws Exception {
        List<byte[]> frames = Clips.ivfFrames(Clips.vp8(dir, "reset", "320x240", 3));
        AtomicInteger keyframeRequests = new AtomicInteger();
        try (Vp8Decoder decoder = Vp8Decoder.create(DecoderOptions.defaults().withMaxConsecutiveErrors(10)
                .withKeyframeRequest(keyframeRequests::incrementAndGet))) {
            assertThat(decoder.decode(frames.get(1))).isEqualTo(DecodeStatus.WAITING_FOR_KEYFRAME);
            assertThat(keyframeRequests.get()).isEqualTo(1);
            assertThat(decoder.decode(frames.get(0))).isEqualTo(DecodeStatus.PICTURE);
            Random random = new Random(42);
            int fed = 0;
            while (decoder.counters().resets() == 0 && fed < 1000) {
                byte[] garbage = new byte[100 + random.nextInt(2000)];
                random.nextBytes(garbage);
                garbage[0] |= 1; // interframe, so it passes the header checks and reaches libvpx
                decoder.decode(garbage);
                fed++;
            }
            assertThat(decoder.counters().resets()).isEqualTo(1);
            assertThat(keyframeRequests.get()).isEqualTo(2);
            assertThat(decoder.decode(frames.get(1))).isEqualTo(DecodeStatus.WAITING_FOR_KEYFRAME);
            assertThat(decoder.decode(frames.get(0))).isEqualTo(DecodeStatus.PICTURE);
            assertThat(decoder.decode(frames.get(1))).isEqualTo(DecodeStatus.PICTURE);
        }
    }

    @Test
    void malformedFrameHeadersAreRefused() throws Exception {
        byte[] key = Clips.ivfFrames(Clips.vp8(dir, "hdr", "320x240", 1)).getFirst();
        try (Vp8Decoder decoder = Vp8Decoder.create()) {
            assertThat(decoder.decode(new byte[0])).isEqualTo(DecodeStatus.EMPTY);
            assertThat(decoder.decode(new byte[] {0, 0})).isEqualTo(DecodeStatus.BAD_FRAME_HEADER);
            assertThat(decoder.decode(java.util.Arrays.copyOf(key, 9))).isEqualTo(DecodeStatus.BAD_FRAME_HEADER);
            byte[] badStart = key.clone();
            badStart[3] = 0;
            assertThat(decoder.decode(badStart)).isEqualTo(DecodeStatus.BAD_FRAME_HEADER);
            byte[] version7 = key.clone();
            version7[0] |= 0x0E;
            assertThat(decoder.decode(version7)).isEqualTo(DecodeStatus.UNSUPPORTED_STREAM);
            byte[] zeroWidth = key.clone();
            zeroWidth[6] = 0;
            zeroWidth[7] = 0;
            assertThat(decoder.decode(zeroWidth)).isEqualTo(DecodeStatus.BAD_FRAME_HEADER);
            byte[] truncated = java.util.Arrays.copyOf(key, 20); // first partition runs past the end
            assertThat(decoder.decode(truncated)).isEqualTo(DecodeStatus.BAD_FRAME_HEADER);
            assertThat(decoder.decode(key)).isEqualTo(DecodeStatus.PICTURE);
        }
    }
}
