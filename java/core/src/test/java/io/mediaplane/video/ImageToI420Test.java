package io.mediaplane.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.testing.Ffmpeg;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PNG to I420 against FFmpeg's own conversion of the same PNG (swscale: BT.601, limited range), known colours,
 * letterboxing, and malformed input as statuses.
 */
class ImageToI420Test {
    @TempDir
    static Path dir;

    static byte[] testsrc2Png(int w, int h) throws Exception {
        Path png = dir.resolve("testsrc2-" + w + "x" + h + ".png");
        Ffmpeg.run("-threads", "1", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=" + w + "x" + h, "-frames:v", "1",
                png.toString());
        return Files.readAllBytes(png);
    }

    /** FFmpeg's yuv420p of a PNG, scaled to w x h. */
    static byte[] ffmpegI420(byte[] png, String name, int w, int h) throws Exception {
        Path in = dir.resolve(name + ".png");
        Path out = dir.resolve(name + ".yuv");
        Files.write(in, png);
        Ffmpeg.run("-threads", "1", "-v", "error", "-i", in.toString(), "-vf", "scale=" + w + ":" + h + ":flags=bilinear",
                "-pix_fmt", "yuv420p", "-f", "rawvideo", out.toString());
        return Files.readAllBytes(out);
    }

    @Test
    void pngMatchesFfmpegsConversion() throws Exception {
        byte[] png = testsrc2Png(640, 360);
        try (ImageToI420 converter = new ImageToI420(640, 360)) {
            assertThat(converter.convertPng(png)).isEqualTo(ImageStatus.CONVERTED);
            byte[] ours = TestFrames.packedBytes(converter.picture());
            // chroma differs by filter: FFmpeg siting and taps against our 2x2 mean
            JpegEncoderTest.assertPsnr(ours, ffmpegI420(png, "same", 640, 360), 640, 360, 37);
        }
    }

    @Test
    void pngIsScaledToTheEncoderSize() throws Exception {
        byte[] png = testsrc2Png(1280, 720);
        try (ImageToI420 converter = new ImageToI420(640, 360)) {
            assertThat(converter.convertPng(png)).isEqualTo(ImageStatus.CONVERTED);
            byte[] ours = TestFrames.packedBytes(converter.picture());
            JpegEncoderTest.assertPsnr(ours, ffmpegI420(png, "half", 640, 360), 640, 360, 28);
        }
    }

    @Test
    void knownColoursAndLetterbox() {
        BufferedImage image = new BufferedImage(200, 200, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 100, 200);
        g.setColor(Color.WHITE);
        g.fillRect(100, 0, 100, 200);
        g.dispose();
        try (ImageToI420 converter = new ImageToI420(400, 200)) {
            I420Picture p = converter.convert(image);
            byte[] b = TestFrames.packedBytes(p);
            int ySize = 400 * 200;
            int cw = 200;
            int cSize = cw * 100;
            // bars: x < 100 and x >= 300 are black
            assertThat(b[10 * 400 + 50] & 0xff).isEqualTo(16);
            assertThat(b[10 * 400 + 350] & 0xff).isEqualTo(16);
            assertThat(b[ySize + 5 * cw + 25] & 0xff).isEqualTo(128);
            // red (BT.601 limited: 81, 90, 240) and white (235, 128, 128)
            assertThat(b[100 * 400 + 150] & 0xff).isBetween(81, 82);
            assertThat(b[ySize + 50 * cw + 75] & 0xff).isBetween(90, 91);
            assertThat(b[ySize + cSize + 50 * cw + 75] & 0xff).isEqualTo(240);
            assertThat(b[100 * 400 + 250] & 0xff).isEqualTo(235);
            assertThat(b[ySize + 50 * cw + 125] & 0xff).isEqualTo(128);
            assertThat(b[ySize + cSize + 50 * cw + 125] & 0xff).isEqualTo(128);
        }
    }

    @Test
    void malformedInputIsAStatus() throws Exception {
        BufferedImage small = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(small, "png", out);
        byte[] png = out.toByteArray();
        try (ImageToI420 converter = new ImageToI420(64, 64, 100_000)) {
            assertThat(converter.convertPng(png)).isEqualTo(ImageStatus.CONVERTED);
            assertThat(converter.convertPng(new byte[0])).isEqualTo(ImageStatus.UNREADABLE);
            assertThat(converter.convertPng("not an image".getBytes())).isEqualTo(ImageStatus.UNREADABLE);
            assertThat(converter.convertPng(Arrays.copyOf(png, png.length / 2))).isEqualTo(ImageStatus.UNREADABLE);
            // IHDR (bytes 16..23 of a PNG) claiming 40000 x 40000, with its CRC fixed up
            byte[] huge = png.clone();
            ByteBuffer.wrap(huge, 16, 8).putInt(40_000).putInt(40_000);
            CRC32 crc = new CRC32();
            crc.update(huge, 12, 17);
            ByteBuffer.wrap(huge, 29, 4).putInt((int) crc.getValue());
            assertThat(converter.convertPng(huge)).isEqualTo(ImageStatus.TOO_LARGE);
        }
    }
}
