package io.mediaplane.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediaplane.testing.Ffmpeg;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class H264DecoderTest {
    @TempDir
    Path dir;

    private static List<String> decodeAll(VideoDecoder decoder, List<byte[]> units, boolean nativeCopy) {
        FrameMd5 md5 = new FrameMd5();
        List<String> hashes = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            for (byte[] unit : units) {
                MemorySegment s = nativeCopy ? arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, unit)
                        : MemorySegment.ofArray(unit);
                DecodeStatus status = decoder.decode(s, 0, unit.length);
                if (status.hasPicture()) {
                    assertThat(status).isEqualTo(DecodeStatus.PICTURE);
                    hashes.add(md5.hash(decoder.picture()));
                } else {
                    assertThat(status).isEqualTo(DecodeStatus.NO_PICTURE);
                }
            }
        }
        return hashes;
    }

    @Test
    void constrainedBaselineDecodesLikeFfmpeg() throws Exception {
        Path clip = Clips.h264(dir, "baseline", "1366x768", 6, "-profile:v", "baseline", "-g", "3");
        List<byte[]> units = Clips.accessUnits(clip);
        assertThat(units).hasSize(6);
        List<String> expected = Ffmpeg.md5Column(Ffmpeg.frameMd5(clip, "h264"));
        try (H264Decoder decoder = H264Decoder.create()) {
            assertThat(decodeAll(decoder, units, false)).isEqualTo(expected);
            assertThat(decoder.sps().isBaseline()).isTrue();
            assertThat(decoder.sps().sarWidth()).as("x264 writes the 1:1 SAR of its input").isEqualTo(1);
            assertThat(decoder.sps().sarHeight()).isEqualTo(1);
            assertThat(decoder.counters().pictures()).isEqualTo(6);
        }
        try (H264Decoder decoder = H264Decoder.create()) {
            assertThat(decodeAll(decoder, units, true)).as("from native memory").isEqualTo(expected);
        }
    }

    /**
     * OpenH264 2.3.1 holds a CABAC picture back for display reordering even when the SPS rules reordering out; the
     * decoder flushes it, so each access unit gives its own picture at once, in order.
     */
    @ParameterizedTest
    @ValueSource(strings = {"main", "high"})
    void cabacWithoutBFramesGivesOnePicturePerUnitLikeFfmpeg(String profile) throws Exception {
        Path clip = Clips.h264(dir, profile, "640x360", 8, "-profile:v", profile, "-bf", "0", "-g", "4");
        List<byte[]> units = Clips.accessUnits(clip);
        try (H264Decoder decoder = H264Decoder.create()) {
            List<String> got = new ArrayList<>();
            FrameMd5 md5 = new FrameMd5();
            for (byte[] unit : units) {
                assertThat(decoder.decode(unit)).isEqualTo(DecodeStatus.PICTURE);
                got.add(md5.hash(decoder.picture()));
            }
            assertThat(got).isEqualTo(Ffmpeg.md5Column(Ffmpeg.frameMd5(clip, "h264")));
            assertThat(decoder.sps().profileIdc()).isEqualTo(profile.equals("main") ? 77 : 100);
            assertThat(decoder.nativeFlags()).isEmpty();
        }
    }

    @Test
    void bFrameStreamIsRefused() throws Exception {
        Path clip = Clips.h264(dir, "bframes", "320x240", 10, "-profile:v", "high", "-bf", "2");
        AtomicInteger keyframeRequests = new AtomicInteger();
        try (H264Decoder decoder = H264Decoder.create(DecoderOptions.defaults()
                .withKeyframeRequest(keyframeRequests::incrementAndGet))) {
            for (byte[] unit : Clips.accessUnits(clip)) {
                assertThat(decoder.decode(unit)).isEqualTo(DecodeStatus.REORDERING_UNSUPPORTED);
                assertThat(decoder.picture()).isNull();
            }
            assertThat(decoder.sps().reorderingPossible()).isTrue();
            assertThat(decoder.counters().pictures()).isZero();
            assertThat(decoder.counters().resets()).as("a refused stream is not an error a reset could fix").isZero();
        }
    }

    @Test
    void garbageUntilResetThenCleanIdrDecodes() throws Exception {
        List<byte[]> units = Clips.accessUnits(Clips.h264(dir, "reset", "320x240", 3, "-profile:v", "baseline",
                "-g", "1"));
        AtomicInteger keyframeRequests = new AtomicInteger();
        try (H264Decoder decoder = H264Decoder.create(DecoderOptions.defaults().withMaxConsecutiveErrors(10)
                .withKeyframeRequest(keyframeRequests::incrementAndGet))) {
            assertThat(decoder.decode(units.get(0))).isEqualTo(DecodeStatus.PICTURE);
            Random random = new Random(42);
            int fed = 0;
            while (decoder.counters().resets() == 0 && fed < 1000) {
                byte[] garbage = new byte[200 + random.nextInt(2000)];
                random.nextBytes(garbage);
                garbage[0] = 0;
                garbage[1] = 0;
                garbage[2] = 1;
                garbage[3] = 0x41; // nal_ref_idc 2, non-IDR slice: passes the checks and reaches OpenH264
                for (int i = 4; i + 2 < garbage.length; i++) {
                    if (garbage[i] == 0 && garbage[i + 1] == 0) {
                        garbage[i + 2] |= 4; // no start codes inside
                    }
                }
                DecodeStatus s = decoder.decode(garbage);
                assertThat(s.isError() || s == DecodeStatus.PICTURE || s == DecodeStatus.NO_PICTURE).isTrue();
                fed++;
            }
            assertThat(decoder.counters().resets()).as("reset after %d units of garbage", fed).isEqualTo(1);
            assertThat(keyframeRequests.get()).isEqualTo(1);
            assertThat(decoder.counters().keyframeRequests()).isEqualTo(1);
            assertThat(decoder.decode(units.get(1))).isEqualTo(DecodeStatus.PICTURE);
            assertThat(decoder.picture().width()).isEqualTo(320);
            assertThat(decoder.consecutiveErrors()).isZero();
        }
    }

    @Test
    void joiningMidStreamWaitsForIdrAndAsksOnce() throws Exception {
        List<byte[]> units = Clips.accessUnits(Clips.h264(dir, "join", "320x240", 8, "-profile:v", "baseline",
                "-g", "4", "-x264-params", "scenecut=0"));
        AtomicInteger keyframeRequests = new AtomicInteger();
        try (H264Decoder decoder = H264Decoder.create(DecoderOptions.defaults()
                .withKeyframeRequest(keyframeRequests::incrementAndGet))) {
            // units 1..3 are P frames (the SPS/PPS/IDR is unit 0)
            assertThat(decoder.decode(units.get(1))).isEqualTo(DecodeStatus.WAITING_FOR_KEYFRAME);
            assertThat(decoder.decode(units.get(2))).isEqualTo(DecodeStatus.WAITING_FOR_KEYFRAME);
            assertThat(keyframeRequests.get()).isEqualTo(1);
            assertThat(decoder.decode(units.get(4))).isEqualTo(DecodeStatus.PICTURE); // second IDR, SPS repeated
            assertThat(decoder.decode(units.get(5))).isEqualTo(DecodeStatus.PICTURE);
        }
    }

    @Test
    void malformedUnitsNeverReachTheLibrary() {
        try (H264Decoder decoder = H264Decoder.create()) {
            assertThat(decoder.decode(new byte[0])).isEqualTo(DecodeStatus.EMPTY);
            assertThat(decoder.decode(new byte[] {1, 2, 3, 4, 5})).isEqualTo(DecodeStatus.NOT_ANNEX_B);
            assertThat(decoder.decode(new byte[] {7, 0, 0, 1, 0x65, 1})).isEqualTo(DecodeStatus.NOT_ANNEX_B);
            assertThat(decoder.decode(new byte[] {0, 0, 1})).isEqualTo(DecodeStatus.NOT_ANNEX_B);
            assertThat(decoder.decode(new byte[] {0, 0, 1, (byte) 0xE5, 1})).isEqualTo(DecodeStatus.BAD_NAL);
            assertThat(decoder.decode(new byte[] {0, 0, 1, 0x78, 1})).isEqualTo(DecodeStatus.BAD_NAL); // STAP-A
            assertThat(decoder.decode(new byte[] {0, 0, 1, 0x67, 0x42})).isEqualTo(DecodeStatus.BAD_SPS);
            assertThat(decoder.decode(new byte[] {0, 0, 1, 0x62, 1})).isEqualTo(DecodeStatus.UNSUPPORTED_STREAM);
            byte[] many = new byte[4 * 300];
            for (int i = 0; i < 300; i++) {
                many[4 * i + 2] = 1;
                many[4 * i + 3] = 0x06;
            }
            assertThat(decoder.decode(many)).isEqualTo(DecodeStatus.BAD_NAL);
            assertThat(decoder.nativeState()).isZero();
            assertThatThrownBy(() -> decoder.decode(MemorySegment.ofArray(new byte[4]), 2, 4))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
        H264Decoder closed = H264Decoder.create();
        closed.close();
        closed.close();
        assertThatThrownBy(() -> closed.decode(new byte[] {0, 0, 1, 0x65})).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void tooLargeUnitsAreRefused() {
        try (H264Decoder decoder = H264Decoder.create(new DecoderOptions(50, 100, DecoderOptions.DEFAULT_MAX_PIXELS,
                () -> {}))) {
            byte[] unit = new byte[101];
            unit[2] = 1;
            unit[3] = 0x65;
            assertThat(decoder.decode(unit)).isEqualTo(DecodeStatus.TOO_LARGE);
        }
    }
}
