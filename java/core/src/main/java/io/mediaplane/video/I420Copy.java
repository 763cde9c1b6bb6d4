package io.mediaplane.video;

import java.lang.foreign.MemorySegment;

/** Copies a picture's visible samples into a tightly packed I420 buffer (strides equal to widths: Y, then U, then V). */
public final class I420Copy {
    private I420Copy() {}

    /** Copies {@code picture} into {@code packed} (at least {@link I420Picture#packedSize} bytes); returns the size. */
    public static long toPacked(I420Picture picture, MemorySegment packed) {
        int w = picture.width();
        int h = picture.height();
        int cw = I420Picture.chromaWidth(w);
        int ch = I420Picture.chromaHeight(h);
        long size = I420Picture.packedSize(w, h);
        if (packed.byteSize() < size) {
            throw new IllegalArgumentException("buffer of " + packed.byteSize() + " bytes is smaller than a " + w + "x"
                    + h + " I420 picture (" + size + ")");
        }
        long at = plane(picture.y(), picture.strideY(), w, h, packed, 0);
        at = plane(picture.u(), picture.strideUv(), cw, ch, packed, at);
        plane(picture.v(), picture.strideUv(), cw, ch, packed, at);
        return size;
    }

    private static long plane(MemorySegment plane, int stride, int width, int rows, MemorySegment dst, long at) {
        if (stride == width) {
            MemorySegment.copy(plane, 0, dst, at, (long) width * rows);
            return at + (long) width * rows;
        }
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(plane, (long) r * stride, dst, at, width);
            at += width;
        }
        return at;
    }
}
