package io.mediaplane.video;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Colour conversions between packed RGB ({@code 0xRRGGBB} ints, as {@code BufferedImage.TYPE_INT_RGB} stores them)
 * and I420 with the BT.601 matrix (Kr = 0.299, Kb = 0.114), in 16.16 fixed point.
 */
final class YuvRgb {
    private YuvRgb() {}

    private static final int ONE = 1 << 16;
    private static final int HALF = 1 << 15;

    private static int fix(double v) {
        return (int) Math.round(v * ONE);
    }

    // RGB -> limited-range YCbCr (BT.601 §2.5.3: Y = 16 + 219·E'y, Cb/Cr = 128 + 224·E'cb/cr)
    private static final int YR = fix(0.299 * 219 / 255);
    private static final int YG = fix(0.587 * 219 / 255);
    private static final int YB = fix(0.114 * 219 / 255);
    private static final int UR = fix(-0.168736 * 224 / 255);
    private static final int UG = fix(-0.331264 * 224 / 255);
    private static final int UB = fix(0.5 * 224 / 255);
    private static final int VR = fix(0.5 * 224 / 255);
    private static final int VG = fix(-0.418688 * 224 / 255);
    private static final int VB = fix(-0.081312 * 224 / 255);

    // full-range YCbCr (JFIF §7) -> RGB
    private static final int CR_R = fix(1.402);
    private static final int CB_G = fix(-0.344136);
    private static final int CR_G = fix(-0.714136);
    private static final int CB_B = fix(1.772);

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /**
     * RGB to limited-range I420 (what the H264 encoder expects). Chroma is the BT.601 conversion of the mean RGB of
     * each 2x2 block (edge blocks of odd sizes average what they have).
     */
    static void rgbToI420(int[] rgb, int width, int height, I420Picture out) {
        if (out.width() != width || out.height() != height || rgb.length < width * height) {
            throw new IllegalArgumentException("sizes differ");
        }
        byte[] row = new byte[width];
        MemorySegment y = out.y();
        for (int r = 0; r < height; r++) {
            int base = r * width;
            for (int x = 0; x < width; x++) {
                int p = rgb[base + x];
                int red = (p >>> 16) & 0xff;
                int green = (p >>> 8) & 0xff;
                int blue = p & 0xff;
                row[x] = (byte) (16 + ((YR * red + YG * green + YB * blue + HALF) >> 16));
            }
            MemorySegment.copy(row, 0, y, ValueLayout.JAVA_BYTE, (long) r * out.strideY(), width);
        }
        int cw = I420Picture.chromaWidth(width);
        int ch = I420Picture.chromaHeight(height);
        byte[] us = new byte[cw];
        byte[] vs = new byte[cw];
        for (int cy = 0; cy < ch; cy++) {
            int r0 = 2 * cy;
            int r1 = Math.min(r0 + 1, height - 1);
            for (int cx = 0; cx < cw; cx++) {
                int c0 = 2 * cx;
                int c1 = Math.min(c0 + 1, width - 1);
                int p00 = rgb[r0 * width + c0];
                int p01 = rgb[r0 * width + c1];
                int p10 = rgb[r1 * width + c0];
                int p11 = rgb[r1 * width + c1];
                int red = ((p00 >>> 16 & 0xff) + (p01 >>> 16 & 0xff) + (p10 >>> 16 & 0xff) + (p11 >>> 16 & 0xff));
                int green = ((p00 >>> 8 & 0xff) + (p01 >>> 8 & 0xff) + (p10 >>> 8 & 0xff) + (p11 >>> 8 & 0xff));
                int blue = ((p00 & 0xff) + (p01 & 0xff) + (p10 & 0xff) + (p11 & 0xff));
                // sums of four: divide by 4 inside the rounding shift
                us[cx] = (byte) (128 + ((UR * red + UG * green + UB * blue + (HALF << 2)) >> 18));
                vs[cx] = (byte) (128 + ((VR * red + VG * green + VB * blue + (HALF << 2)) >> 18));
            }
            MemorySegment.copy(us, 0, out.u(), ValueLayout.JAVA_BYTE, (long) cy * out.strideUv(), cw);
            MemorySegment.copy(vs, 0, out.v(), ValueLayout.JAVA_BYTE, (long) cy * out.strideUv(), cw);
        }
    }

    /** Full-range I420 (JFIF) to RGB, chroma repeated over its 2x2 block. */
    static void fullRangeToRgb(I420Picture in, int[] rgb) {
        int width = in.width();
        int height = in.height();
        int cw = I420Picture.chromaWidth(width);
        byte[] ys = new byte[width];
        byte[] us = new byte[cw];
        byte[] vs = new byte[cw];
        for (int r = 0; r < height; r++) {
            MemorySegment.copy(in.y(), ValueLayout.JAVA_BYTE, (long) r * in.strideY(), ys, 0, width);
            if ((r & 1) == 0) {
                MemorySegment.copy(in.u(), ValueLayout.JAVA_BYTE, (long) (r >> 1) * in.strideUv(), us, 0, cw);
                MemorySegment.copy(in.v(), ValueLayout.JAVA_BYTE, (long) (r >> 1) * in.strideUv(), vs, 0, cw);
            }
            int base = r * width;
            for (int x = 0; x < width; x++) {
                int luma = (ys[x] & 0xff) << 16;
                int cb = (us[x >> 1] & 0xff) - 128;
                int cr = (vs[x >> 1] & 0xff) - 128;
                int red = clamp((luma + CR_R * cr + HALF) >> 16);
                int green = clamp((luma + CB_G * cb + CR_G * cr + HALF) >> 16);
                int blue = clamp((luma + CB_B * cb + HALF) >> 16);
                rgb[base + x] = red << 16 | green << 8 | blue;
            }
        }
    }
}
