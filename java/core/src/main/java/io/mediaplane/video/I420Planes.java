package io.mediaplane.video;

import java.lang.foreign.MemorySegment;

/** Plane copies and the box-filter downscale shared by the encoders and the JPEG path. */
final class I420Planes {
    private I420Planes() {}

    /** Copies {@code from} into {@code to}, which has the same size, row by row (strides may differ). */
    static void copy(I420Picture from, I420Picture to) {
        if (from.width() != to.width() || from.height() != to.height()) {
            throw new IllegalArgumentException("sizes differ");
        }
        copyPlane(from.y(), from.strideY(), to.y(), to.strideY(), from.width(), from.height());
        int cw = I420Picture.chromaWidth(from.width());
        int ch = I420Picture.chromaHeight(from.height());
        copyPlane(from.u(), from.strideUv(), to.u(), to.strideUv(), cw, ch);
        copyPlane(from.v(), from.strideUv(), to.v(), to.strideUv(), cw, ch);
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
}
