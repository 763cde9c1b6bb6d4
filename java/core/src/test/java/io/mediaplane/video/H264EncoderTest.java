package io.mediaplane.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediaplane.codec.AnnexB;
import io.mediaplane.codec.H264;
import io.mediaplane.codec.H264TestStreams;
import io.mediaplane.codec.H264Sps;
import io.mediaplane.codec.H264SpsParser;
import io.mediaplane.testing.Ffmpeg;
import io.mediaplane.testing.Peers;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenH264 encoding of FFmpeg's testsrc2: the access units are constrained baseline Annex-B, IDRs fall exactly on
 * the configured period and on request, FFmpeg decodes every frame without error and close to the source (and our
 * {@link H264Decoder} to the same pictures), and rate control lands near the target bitrate.
 */
class H264EncoderTest {
    static final int W = 320;
    static final int H = 240;
    static final int FRAMES = 60;

    @TempDir
    static Path dir;
    static List<byte[]> source;

    @BeforeAll
    static void content() throws Exception {
        source = TestFrames.testsrc2(dir, W, H, FRAMES);
    }

    record Encoded(List<byte[]> accessUnits, List<Boolean> keyFlags) {
        byte[] stream() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            accessUnits.forEach(out::writeBytes);
            return out.toByteArray();
        }
    }

    static Encoded encode(H264EncoderConfig config, Set<Integer> forceIdrAt, boolean heapInput) {
        List<byte[]> aus = new ArrayList<>();
        List<Boolean> keys = new ArrayList<>();
        try (H264Encoder encoder = H264Encoder.open(config); Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < source.size(); i++) {
                if (forceIdrAt.contains(i)) {
                    encoder.requestKeyFrame();
                }
                I420Picture picture = heapInput ? TestFrames.heap(source.get(i), W, H)
                        : TestFrames.nativePadded(arena, source.get(i), W, H, 24);
                EncodeStatus status = encoder.encode(picture, i * 1000L / 30);
                assertThat(status).as("frame %d", i).isEqualTo(EncodeStatus.ENCODED);
                aus.add(TestFrames.bytes(encoder.accessUnit()));
                keys.add(encoder.isKeyFrame());
            }
            assertThat(encoder.encodedFrames()).isEqualTo(source.size());
            assertThat(encoder.encoderErrors()).isZero();
        }
        return new Encoded(aus, keys);
    }

    /** NAL unit types of one Annex-B access unit, in order. */
    static List<Integer> nalTypes(byte[] au) {
        List<Integer> types = H264TestStreams.nalTypes(au);
        assertThat(types).isNotEmpty();
        return types;
    }

    static Set<Integer> idrIndexes(List<byte[]> aus) {
        Set<Integer> idr = new TreeSet<>();
        for (int i = 0; i < aus.size(); i++) {
            List<Integer> types = nalTypes(aus.get(i));
            assertThat(types).as("AU %d has one picture", i)
                    .filteredOn(t -> t == H264.IDR_SLICE || t == H264.NON_IDR_SLICE).hasSize(1);
            if (types.contains(H264.IDR_SLICE)) {
                assertThat(types).as("IDR %d carries SPS then PPS first", i).startsWith(H264.SPS, H264.PPS);
                idr.add(i);
            }
        }
        return idr;
    }

    /** FFprobe's key_frame flags per decoded frame. */
    static Set<Integer> ffprobeKeyFrames(Path file) throws Exception {
        Peers.require("ffprobe", "ffmpeg");
        try (Peers.Running probe = Peers.start(List.of("ffprobe", "-v", "error", "-select_streams", "v:0",
                "-show_entries", "frame=key_frame", "-of", "csv=p=0", file.toString()))) {
            assertThat(probe.awaitExit(60)).as(probe.output()).isZero();
            Set<Integer> keys = new TreeSet<>();
            List<String> lines = probe.output().lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).hasSize(FRAMES);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).trim().equals("1")) {
                    keys.add(i);
                }
            }
            return keys;
        }
    }

    @Test
    void forcedIdrAppearsExactlyWhereRequestedAndFfmpegDecodesEverything() throws Exception {
        H264EncoderConfig config = H264EncoderConfig.of(W, H).withKeyFrameInterval(0).withBitrate(1_500_000);
        Encoded e = encode(config, Set.of(23, 41), false);
        assertThat(idrIndexes(e.accessUnits())).containsExactly(0, 23, 41);
        for (int i = 0; i < FRAMES; i++) {
            assertThat(e.keyFlags().get(i)).as("isKeyFrame at %d", i).isEqualTo(i == 0 || i == 23 || i == 41);
        }
        byte[] first = e.accessUnits().getFirst();
        long[] offsets = new long[8];
        int[] lengths = new int[8];
        AnnexB.split(MemorySegment.ofArray(first), 0, first.length, offsets, lengths);
        H264Sps sps = H264SpsParser.parse(MemorySegment.ofArray(first), offsets[0], lengths[0]);
        assertThat(sps).isNotNull();
        assertThat(sps.isConstrainedBaseline()).as("profile %d flags %x", sps.profileIdc(), sps.constraintFlags())
                .isTrue();
        assertThat(sps.width()).isEqualTo(W);
        assertThat(sps.height()).isEqualTo(H);

        Path h264 = dir.resolve("forced.h264");
        Files.write(h264, e.stream());
        assertThat(ffprobeKeyFrames(h264)).containsExactly(0, 23, 41);
        Path decoded = dir.resolve("forced.yuv");
        String log = Ffmpeg.run("-threads", "1", "-v", "error", "-xerror", "-i", h264.toString(),
                "-f", "rawvideo", "-pix_fmt", "yuv420p", decoded.toString());
        assertThat(log).as("FFmpeg reports no decode error").isBlank();
        List<byte[]> frames = TestFrames.split(Files.readAllBytes(decoded), W, H);
        assertThat(frames).hasSize(FRAMES);
        try (H264Decoder ours = H264Decoder.create()) {
            for (int i = 0; i < FRAMES; i++) {
                assertThat(TestFrames.psnrY(frames.get(i), source.get(i), W, H)).as("luma PSNR of frame %d", i)
                        .isGreaterThan(32);
                assertThat(ours.decode(e.accessUnits().get(i))).as("our decoder, AU %d", i)
                        .isEqualTo(DecodeStatus.PICTURE);
                assertThat(TestFrames.packedBytes(ours.picture())).as("our decode equals FFmpeg's, frame %d", i)
                        .isEqualTo(frames.get(i));
            }
        }
    }

    @Test
    void keyFrameIntervalPlacesIdrsOnThePeriod() {
        Encoded e = encode(H264EncoderConfig.of(W, H).withKeyFrameInterval(16), Set.of(), true);
        assertThat(idrIndexes(e.accessUnits())).containsExactly(0, 16, 32, 48);
    }

    @Test
    void heapAndNativeInputEncodeIdentically() {
        H264EncoderConfig config = H264EncoderConfig.of(W, H).withRateControl(H264EncoderConfig.RateControl.QUALITY);
        Encoded heap = encode(config, Set.of(10), true);
        Encoded nat = encode(config, Set.of(10), false);
        assertThat(heap.stream()).isEqualTo(nat.stream());
    }

    @Test
    void bitrateModeLandsNearTheTarget() {
        for (int target : new int[] {250_000, 1_000_000}) {
            H264EncoderConfig config = H264EncoderConfig.of(W, H).withBitrate(target).withKeyFrameInterval(0)
                    .withContent(H264EncoderConfig.Content.CAMERA);
            Encoded e = encode(config, Set.of(), true);
            double bps = e.stream().length * 8.0 * 30 / FRAMES;
            assertThat(bps).as("bitrate at target %d", target).isBetween(target * 0.75, target * 1.25);
        }
    }

    @Test
    void wrongSizeIsAStatusAndClosedIsMisuse() {
        H264Encoder encoder = H264Encoder.open(H264EncoderConfig.of(W, H));
        byte[] small = new byte[(int) I420Picture.packedSize(160, 120)];
        assertThat(encoder.encode(TestFrames.heap(small, 160, 120), 0)).isEqualTo(EncodeStatus.WRONG_SIZE);
        assertThat(encoder.wrongSizeFrames()).isOne();
        assertThat(encoder.accessUnit().byteSize()).isZero();
        assertThat(encoder.encode(TestFrames.heap(source.getFirst(), W, H), 0)).isEqualTo(EncodeStatus.ENCODED);
        assertThat(encoder.isKeyFrame()).isTrue();
        assertThat(encoder.setBitrate(500_000)).isTrue();
        assertThat(encoder.setFrameRate(15f)).isTrue();
        encoder.close();
        encoder.close();
        assertThatThrownBy(() -> encoder.encode(TestFrames.heap(source.getFirst(), W, H), 0))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> H264EncoderConfig.of(321, 240)).isInstanceOf(IllegalArgumentException.class);
    }
}
