package io.mediaplane.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.testing.Ffmpeg;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Real picture content for the video tests: FFmpeg's {@code testsrc2} pattern (gradients, colour bars, moving text
 * and shapes) rendered as raw yuv420p, plus the measures the tests compare pictures with.
 */
final class TestFrames {
    private TestFrames() {}

    /** {@code frames} pictures of {@code testsrc2} at 30 fps, tightly packed yuv420p, one byte[] each. */
    static List<byte[]> testsrc2(Path dir, int width, int height, int frames) throws Exception {
        Path raw = dir.resolve("testsrc2-" + width + "x" + height + "-" + frames + ".yuv");
        if (!Files.exists(raw)) {
            // testsrc2 draws even sizes only; odd ones are scaled from the next even size
            int evenW = width + (width & 1);
            int evenH = height + (height & 1);
            Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=" + evenW + "x" + evenH + ":rate=30",
                    "-vf", "scale=" + width + ":" + height, "-frames:v", Integer.toString(frames),
                    "-pix_fmt", "yuv420p", "-f", "rawvideo", raw.toString());
        }
        return split(Files.readAllBytes(raw), width, height);
    }

    /** Cuts a raw yuv420p file into pictures. */
    static List<byte[]> split(byte[] all, int width, int height) {
        int size = (int) I420Picture.packedSize(width, height);
        assertThat(all.length % size).as("whole pictures of %dx%d", width, height).isZero();
        List<byte[]> out = new ArrayList<>();
        for (int at = 0; at < all.length; at += size) {
            byte[] one = new byte[size];
            System.arraycopy(all, at, one, 0, size);
            out.add(one);
        }
        return out;
    }

    /** A heap-backed picture over packed bytes. */
    static I420Picture heap(byte[] packed, int width, int height) {
        return I420Picture.packed(width, height, MemorySegment.ofArray(packed));
    }

    /** A native copy of packed bytes in {@code arena}, with row padding so strides differ from widths. */
    static I420Picture nativePadded(Arena arena, byte[] packed, int width, int height, int padding) {
        int cw = I420Picture.chromaWidth(width);
        int ch = I420Picture.chromaHeight(height);
        int strideY = width + padding;
        int strideUv = cw + padding;
        MemorySegment y = arena.allocate((long) strideY * height);
        MemorySegment u = arena.allocate((long) strideUv * ch);
        MemorySegment v = arena.allocate((long) strideUv * ch);
        MemorySegment from = MemorySegment.ofArray(packed);
        long ySize = (long) width * height;
        long cSize = (long) cw * ch;
        I420Planes.copyPlane(from, width, y, strideY, width, height);
        I420Planes.copyPlane(from.asSlice(ySize), cw, u, strideUv, cw, ch);
        I420Planes.copyPlane(from.asSlice(ySize + cSize), cw, v, strideUv, cw, ch);
        return new I420Picture(width, height, y, strideY, u, v, strideUv);
    }

    /** Tightly packed bytes of a picture. */
    static byte[] packedBytes(I420Picture p) {
        byte[] out = new byte[(int) I420Picture.packedSize(p.width(), p.height())];
        I420Copy.toPacked(p, MemorySegment.ofArray(out));
        return out;
    }

    /** PSNR in dB over {@code length} bytes at the given offsets (8-bit samples). */
    static double psnr(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        double sse = 0;
        for (int i = 0; i < length; i++) {
            int d = (a[aOffset + i] & 0xff) - (b[bOffset + i] & 0xff);
            sse += d * d;
        }
        if (sse == 0) {
            return 100;
        }
        return 10 * Math.log10(255.0 * 255.0 * length / sse);
    }

    /** Luma PSNR of two packed pictures of the same size. */
    static double psnrY(byte[] a, byte[] b, int width, int height) {
        return psnr(a, 0, b, 0, width * height);
    }

    static byte[] bytes(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_BYTE);
    }
}
