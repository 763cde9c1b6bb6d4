package io.mediaplane.video;

import io.mediaplane.ffi.MediaplaneNative;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Range mapping and the box-filter downscale shared by the JPEG path and the sampler. */
final class I420Planes {
    private I420Planes() {}

    private static void checkRows(MemorySegment plane, int stride, int width, int rows) {
        if (width > stride || (long) stride * (rows - 1) + width > plane.byteSize()) {
            throw new IndexOutOfBoundsException(rows + " rows of " + width + " at stride " + stride + " exceed "
                    + plane.byteSize() + " bytes");
        }
    }

    static void copyPlane(MemorySegment from, int fromStride, MemorySegment to, int toStride, int width, int rows) {
        if (fromStride == width && toStride == width) {
            MemorySegment.copy(from, 0, to, 0, (long) width * rows);
            return;
        }
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(from, (long) r * fromStride, to, (long) r * toStride, width);
        }
    }

    /**
     * A per-sample mapping {@code min(255, max(0, s * multiplier - subtrahend) >> 7)}: in Java as a table, in
     * libmediaplane ({@code mp_yuv_map_range}) as vectorised 16-bit arithmetic. Both give the same bytes.
     */
    record SampleMap(int multiplier, int subtrahend, byte[] table) {
        static SampleMap of(int multiplier, int subtrahend) {
            if (multiplier < 0 || 255 * multiplier > 0xFFFF || subtrahend < 0 || subtrahend > 0xFFFF) {
                throw new IllegalArgumentException("outside 16-bit arithmetic: " + multiplier + ", " + subtrahend);
            }
            byte[] table = new byte[256];
            for (int s = 0; s < 256; s++) {
                table[s] = (byte) Math.min(255, Math.max(0, s * multiplier - subtrahend) >> 7);
            }
            return new SampleMap(multiplier, subtrahend, table);
        }
    }

    /** Values pass through. */
    static final SampleMap IDENTITY = SampleMap.of(128, 0);
    /**
     * Video (limited) range luma 16..235 to full range 0..255 (BT.601 §2.5.3 quantisation to JFIF §7):
     * {@code ((y - 16) * 149 + 64) >> 7}, i.e. {@code (y - 16) * 255 / 219} rounded, within one level.
     */
    static final SampleMap LUMA_TO_FULL = SampleMap.of(149, 16 * 149 - 64);
    /** Video range chroma 16..240 to full range: {@code (c - 128) * 255 / 224 + 128} rounded, within one level. */
    static final SampleMap CHROMA_TO_FULL = SampleMap.of(146, 146 * 128 - 128 * 128 - 64);

    /** The largest size of this aspect ratio with at most {@code maxPixels} pixels, or the size itself if it fits. */
    static int[] fitWithin(int width, int height, long maxPixels) {
        if (maxPixels <= 0 || (long) width * height <= maxPixels) {
            return new int[] {width, height};
        }
        double s = Math.sqrt((double) maxPixels / ((double) width * height));
        int w = Math.max(1, (int) Math.floor(width * s));
        int h = Math.max(1, (int) Math.floor(height * s));
        while ((long) w * h > maxPixels) { // floating-point edge cases
            if (w >= h) {
                w--;
            } else {
                h--;
            }
        }
        return new int[] {w, h};
    }

    /** Scratch rows for {@link #resample}; one per converting object, reused across pictures. */
    static final class Scratch {
        private byte[] row = new byte[0];
        private int[] sums = new int[0];
        private int[] x0 = new int[0];
        private int[] x1 = new int[0];

        private void ensure(int sourceWidth, int targetWidth) {
            if (row.length < sourceWidth) {
                row = new byte[sourceWidth];
            }
            if (sums.length < targetWidth) {
                sums = new int[targetWidth];
                x0 = new int[targetWidth];
                x1 = new int[targetWidth];
            }
        }
    }

    /**
     * Resamples all three planes of {@code from} into {@code to} with a box filter (each target sample is the mean
     * of the source samples its area covers; bounds rounded to whole samples), mapping each result through a
     * table. Same size: a copy through the tables.
     */
    static void resample(I420Picture from, I420Picture to, SampleMap lumaMap, SampleMap chromaMap, Scratch scratch) {
        resamplePlane(from.y(), from.strideY(), from.width(), from.height(),
                to.y(), to.strideY(), to.width(), to.height(), lumaMap, scratch);
        int fcw = I420Picture.chromaWidth(from.width());
        int fch = I420Picture.chromaHeight(from.height());
        int tcw = I420Picture.chromaWidth(to.width());
        int tch = I420Picture.chromaHeight(to.height());
        resamplePlane(from.u(), from.strideUv(), fcw, fch, to.u(), to.strideUv(), tcw, tch, chromaMap, scratch);
        resamplePlane(from.v(), from.strideUv(), fcw, fch, to.v(), to.strideUv(), tcw, tch, chromaMap, scratch);
    }

    static void resamplePlane(MemorySegment from, int fromStride, int fw, int fh,
                              MemorySegment to, int toStride, int tw, int th, SampleMap sampleMap,
                              Scratch scratch) {
        if (tw > fw || th > fh) {
            throw new IllegalArgumentException("box filter only shrinks: " + fw + "x" + fh + " -> " + tw + "x" + th);
        }
        if (tw == fw && th == fh) {
            if (sampleMap == IDENTITY) {
                copyPlane(from, fromStride, to, toStride, fw, fh);
                return;
            }
            if (from.isNative() && to.isNative() && MediaplaneNative.hasYuvMapRange()) {
                checkRows(from, fromStride, fw, fh);
                checkRows(to, toStride, fw, fh);
                MediaplaneNative.yuvMapRange(from, fromStride, to, toStride, fw, fh, sampleMap.multiplier(),
                        sampleMap.subtrahend());
                return;
            }
        }
        scratch.ensure(fw, tw);
        byte[] row = scratch.row;
        byte[] map = sampleMap.table();
        if (tw == fw && th == fh) {
            for (int r = 0; r < fh; r++) {
                MemorySegment.copy(from, ValueLayout.JAVA_BYTE, (long) r * fromStride, row, 0, fw);
                for (int x = 0; x < fw; x++) {
                    row[x] = map[row[x] & 0xff];
                }
                MemorySegment.copy(row, 0, to, ValueLayout.JAVA_BYTE, (long) r * toStride, fw);
            }
            return;
        }
        int[] sums = scratch.sums;
        int[] x0 = scratch.x0;
        int[] x1 = scratch.x1;
        for (int x = 0; x < tw; x++) {
            x0[x] = (int) ((long) x * fw / tw);
            x1[x] = Math.max(x0[x] + 1, (int) ((long) (x + 1) * fw / tw));
        }
        for (int ty = 0; ty < th; ty++) {
            int y0 = (int) ((long) ty * fh / th);
            int y1 = Math.max(y0 + 1, (int) ((long) (ty + 1) * fh / th));
            java.util.Arrays.fill(sums, 0, tw, 0);
            for (int sy = y0; sy < y1; sy++) {
                MemorySegment.copy(from, ValueLayout.JAVA_BYTE, (long) sy * fromStride, row, 0, fw);
                for (int x = 0; x < tw; x++) {
                    int sum = 0;
                    for (int sx = x0[x], end = x1[x]; sx < end; sx++) {
                        sum += row[sx] & 0xff;
                    }
                    sums[x] += sum;
                }
            }
            int rows = y1 - y0;
            for (int x = 0; x < tw; x++) {
                int count = (x1[x] - x0[x]) * rows;
                row[x] = map[(sums[x] + count / 2) / count];
            }
            MemorySegment.copy(row, 0, to, ValueLayout.JAVA_BYTE, (long) ty * toStride, tw);
        }
    }
}
