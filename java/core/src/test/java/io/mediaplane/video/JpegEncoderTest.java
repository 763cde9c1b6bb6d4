package io.mediaplane.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediaplane.ffi.TurboJpeg;
import io.mediaplane.testing.Ffmpeg;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both JPEG backends on the same checks: FFmpeg decodes the JPEG back to yuv420p within 35 dB PSNR of the source
 * frame at quality 90 (FFmpeg converts JPEG's full range back to video range, so a range mistake fails here),
 * ImageIO reads it at the right size, the downscale matches a reference box filter, and black and white land on
 * 0 and 255.
 */
class JpegEncoderTest {
    @TempDir
    static Path dir;
    static List<byte[]> frames;
    static List<byte[]> oddFrames;

    @BeforeAll
    static void content() throws Exception {
        frames = TestFrames.testsrc2(dir, 640, 360, 3);
        oddFrames = TestFrames.testsrc2(dir, 319, 241, 3);
        assertThat(TurboJpeg.library().unavailableReason()).as("libturbojpeg0").isEmpty();
    }

    /** The JPEG decoded by FFmpeg into packed yuv420p (video range). */
    static byte[] ffmpegDecode(byte[] jpeg, String name) throws Exception {
        Path file = dir.resolve(name + ".jpg");
        Path raw = dir.resolve(name + ".yuv");
        Files.write(file, jpeg);
        Ffmpeg.run("-threads", "1", "-v", "error", "-i", file.toString(), "-f", "rawvideo", "-pix_fmt", "yuv420p",
                raw.toString());
        return Files.readAllBytes(raw);
    }

    static void assertPsnr(byte[] decoded, byte[] reference, int w, int h, double minimum) {
        assertThat(decoded).hasSize(reference.length);
        int ySize = w * h;
        int cSize = I420Picture.chromaWidth(w) * I420Picture.chromaHeight(h);
        assertThat(TestFrames.psnr(decoded, 0, reference, 0, ySize)).as("Y PSNR").isGreaterThanOrEqualTo(minimum);
        assertThat(TestFrames.psnr(decoded, ySize, reference, ySize, cSize)).as("U PSNR").isGreaterThanOrEqualTo(minimum);
        assertThat(TestFrames.psnr(decoded, ySize + cSize, reference, ySize + cSize, cSize)).as("V PSNR")
                .isGreaterThanOrEqualTo(minimum);
    }

    static byte[] encodeOnce(JpegEncoder.Backend backend, JpegOptions options, I420Picture picture) {
        try (JpegEncoder encoder = JpegEncoder.create(options, backend)) {
            assertThat(encoder.encode(picture)).as(encoder.lastError()).isEqualTo(JpegStatus.ENCODED);
            return TestFrames.bytes(encoder.jpeg());
        }
    }

    @ParameterizedTest
    @EnumSource(JpegEncoder.Backend.class)
    void quality90DecodesBackAbove35Db(JpegEncoder.Backend backend) throws Exception {
        try (JpegEncoder encoder = JpegEncoder.create(JpegOptions.quality(90), backend);
             Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < frames.size(); i++) {
                // decoder-like native planes with padded strides, and heap planes
                I420Picture picture = i % 2 == 0 ? TestFrames.nativePadded(arena, frames.get(i), 640, 360, 32)
                        : TestFrames.heap(frames.get(i), 640, 360);
                assertThat(encoder.encode(picture)).as(encoder.lastError()).isEqualTo(JpegStatus.ENCODED);
                byte[] jpeg = TestFrames.bytes(encoder.jpeg());
                assertThat(encoder.outputWidth()).isEqualTo(640);
                assertPsnr(ffmpegDecode(jpeg, backend + "-" + i), frames.get(i), 640, 360, 35);
                BufferedImage read = ImageIO.read(new ByteArrayInputStream(jpeg));
                assertThat(read.getWidth()).isEqualTo(640);
                assertThat(read.getHeight()).isEqualTo(360);
            }
            assertThat(encoder.encodedPictures()).isEqualTo(frames.size());
            assertThat(encoder.failedPictures()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(JpegEncoder.Backend.class)
    void oddSizes(JpegEncoder.Backend backend) throws Exception {
        byte[] jpeg = encodeOnce(backend, JpegOptions.quality(90), TestFrames.heap(oddFrames.getFirst(), 319, 241));
        assertPsnr(ffmpegDecode(jpeg, backend + "-odd"), oddFrames.getFirst(), 319, 241, 35);
    }

    /** Mean of each 2x2 block per plane, rounded half up: the box filter at an exact factor of two. */
    static byte[] halve(byte[] packed, int w, int h) {
        int hw = w / 2;
        int hh = h / 2;
        byte[] out = new byte[(int) I420Picture.packedSize(hw, hh)];
        int[][] planes = {{0, w, h, 0, hw, hh},
                {w * h, w / 2, h / 2, hw * hh, I420Picture.chromaWidth(hw), I420Picture.chromaHeight(hh)},
                {w * h + (w / 2) * (h / 2), w / 2, h / 2, hw * hh + I420Picture.chromaWidth(hw) * I420Picture.chromaHeight(hh),
                        I420Picture.chromaWidth(hw), I420Picture.chromaHeight(hh)}};
        for (int[] p : planes) {
            for (int y = 0; y < p[5]; y++) {
                for (int x = 0; x < p[4]; x++) {
                    int sx = x * p[1] / p[4];
                    int sy = y * p[2] / p[5];
                    int sum = (packed[p[0] + sy * p[1] + sx] & 0xff) + (packed[p[0] + sy * p[1] + sx + 1] & 0xff)
                            + (packed[p[0] + (sy + 1) * p[1] + sx] & 0xff) + (packed[p[0] + (sy + 1) * p[1] + sx + 1] & 0xff);
                    out[p[3] + y * p[4] + x] = (byte) ((sum + 2) / 4);
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(JpegEncoder.Backend.class)
    void downscaleToAPixelBudgetMatchesABoxFilter(JpegEncoder.Backend backend) throws Exception {
        try (JpegEncoder encoder = JpegEncoder.create(JpegOptions.quality(90).withMaxPixels(320 * 180), backend)) {
            assertThat(encoder.encode(TestFrames.heap(frames.getFirst(), 640, 360))).isEqualTo(JpegStatus.ENCODED);
            assertThat(encoder.outputWidth()).isEqualTo(320);
            assertThat(encoder.outputHeight()).isEqualTo(180);
            byte[] decoded = ffmpegDecode(TestFrames.bytes(encoder.jpeg()), backend + "-half");
            assertPsnr(decoded, halve(frames.getFirst(), 640, 360), 320, 180, 35);
        }
    }

    @Test
    void pixelBudgetKeepsTheAspectRatio() {
        for (long budget : new long[] {100_000, 307_200, 921_600, 1, 2_073_600}) {
            int[] size = I420Planes.fitWithin(1920, 1080, budget);
            assertThat((long) size[0] * size[1]).isLessThanOrEqualTo(budget);
            assertThat(size[0]).isPositive();
            if (budget >= 100_000) {
                assertThat(size[0] / (double) size[1]).isCloseTo(16 / 9.0, org.assertj.core.data.Offset.offset(0.02));
                assertThat((long) (size[0] + 2) * (size[1] + 2)).as("largest that fits").isGreaterThan(budget);
            }
        }
        assertThat(I420Planes.fitWithin(1366, 768, 0)).containsExactly(1366, 768);
        assertThat(I420Planes.fitWithin(1366, 768, 1366 * 768)).containsExactly(1366, 768);
    }

    @ParameterizedTest
    @EnumSource(JpegEncoder.Backend.class)
    void videoRangeBlackAndWhiteBecomeFullRange(JpegEncoder.Backend backend) throws Exception {
        int w = 64;
        int h = 32;
        byte[] packed = new byte[(int) I420Picture.packedSize(w, h)];
        for (int y = 0; y < h; y++) {
            Arrays.fill(packed, y * w, y * w + w / 2, (byte) 16);
            Arrays.fill(packed, y * w + w / 2, y * w + w, (byte) 235);
        }
        Arrays.fill(packed, w * h, packed.length, (byte) 128);
        I420Picture picture = TestFrames.heap(packed, w, h);
        BufferedImage limited = ImageIO.read(new ByteArrayInputStream(
                encodeOnce(backend, JpegOptions.quality(95), picture)));
        assertThat(limited.getRGB(4, 16) & 0xff).as("video black").isLessThanOrEqualTo(2);
        assertThat(limited.getRGB(60, 16) & 0xff).as("video white").isGreaterThanOrEqualTo(253);
        BufferedImage full = ImageIO.read(new ByteArrayInputStream(
                encodeOnce(backend, JpegOptions.quality(95).withInputRange(YuvRange.FULL), picture)));
        assertThat(full.getRGB(4, 16) & 0xff).as("full-range 16 stays 16").isBetween(14, 18);
        assertThat(full.getRGB(60, 16) & 0xff).as("full-range 235 stays 235").isBetween(233, 237);
    }

    @ParameterizedTest
    @EnumSource(JpegEncoder.Backend.class)
    void qualityChangesTheSize(JpegEncoder.Backend backend) {
        I420Picture picture = TestFrames.heap(frames.getFirst(), 640, 360);
        int low = encodeOnce(backend, JpegOptions.quality(30), picture).length;
        int high = encodeOnce(backend, JpegOptions.quality(90), picture).length;
        assertThat(low).isLessThan(high * 2 / 3);
    }

    @Test
    void backendPropertyAndMisuse() {
        String old = System.getProperty(JpegEncoder.BACKEND_PROPERTY);
        try {
            System.setProperty(JpegEncoder.BACKEND_PROPERTY, "imageio");
            assertThat(JpegEncoder.defaultBackend()).isEqualTo(JpegEncoder.Backend.IMAGEIO);
            System.setProperty(JpegEncoder.BACKEND_PROPERTY, "nonsense");
            assertThatThrownBy(JpegEncoder::defaultBackend).isInstanceOf(IllegalArgumentException.class);
            System.clearProperty(JpegEncoder.BACKEND_PROPERTY);
            assertThat(JpegEncoder.defaultBackend()).isEqualTo(JpegEncoder.Backend.TURBOJPEG);
        } finally {
            if (old == null) {
                System.clearProperty(JpegEncoder.BACKEND_PROPERTY);
            } else {
                System.setProperty(JpegEncoder.BACKEND_PROPERTY, old);
            }
        }
        JpegEncoder encoder = JpegEncoder.create(JpegOptions.quality(80));
        encoder.close();
        encoder.close();
        assertThatThrownBy(() -> encoder.encode(TestFrames.heap(frames.getFirst(), 640, 360)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> JpegOptions.quality(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
