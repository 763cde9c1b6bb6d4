package io.mediaplane.video;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A planar YUV 4:2:0 picture (I420: full-size luma, chroma halved in both directions, rounded up) as
 * three plane views with their strides. The planes may be a decoder's own output buffers (valid only
 * until its next call, see the producer's documentation) or memory the caller owns; this type never
 * copies and never frees.
 *
 * <p>Plane {@code y} holds {@code height} rows of {@code strideY} bytes of which the first {@code width}
 * are pixels; {@code u} and {@code v} hold {@code (height + 1) / 2} rows of {@code strideUv} bytes of
 * which the first {@code (width + 1) / 2} are pixels.
 */
public record I420Picture(int width, int height,
                          MemorySegment y, int strideY,
                          MemorySegment u, MemorySegment v, int strideUv) {

    public I420Picture {
        Objects.requireNonNull(y, "y");
        Objects.requireNonNull(u, "u");
        Objects.requireNonNull(v, "v");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("picture size must be positive: " + width + "x" + height);
        }
        if (strideY < width || strideUv < chromaWidth(width)) {
            throw new IllegalArgumentException("stride shorter than a row: strideY=" + strideY
                    + " strideUv=" + strideUv + " for " + width + "x" + height);
        }
        requirePlane("y", y, strideY, width, height);
        requirePlane("u", u, strideUv, chromaWidth(width), chromaHeight(height));
        requirePlane("v", v, strideUv, chromaWidth(width), chromaHeight(height));
    }

    /** Width of a chroma plane in samples. */
    public static int chromaWidth(int width) {
        return (width + 1) / 2;
    }

    /** Height of a chroma plane in rows. */
    public static int chromaHeight(int height) {
        return (height + 1) / 2;
    }

    /** Bytes of a tightly packed I420 picture of this size (what FFmpeg's framemd5 hashes). */
    public static long packedSize(int width, int height) {
        return (long) width * height + 2L * chromaWidth(width) * chromaHeight(height);
    }

    /** An I420 picture laid out tightly (strides equal to the widths) in one segment. */
    public static I420Picture packed(int width, int height, MemorySegment buffer) {
        long ySize = (long) width * height;
        long cSize = (long) chromaWidth(width) * chromaHeight(height);
        if (buffer.byteSize() < ySize + 2 * cSize) {
            throw new IllegalArgumentException("buffer of " + buffer.byteSize() + " bytes is smaller than a "
                    + width + "x" + height + " I420 picture (" + (ySize + 2 * cSize) + ")");
        }
        return new I420Picture(width, height,
                buffer.asSlice(0, ySize), width,
                buffer.asSlice(ySize, cSize), buffer.asSlice(ySize + cSize, cSize), chromaWidth(width));
    }

    private static void requirePlane(String name, MemorySegment plane, int stride, int rowBytes, int rows) {
        long needed = (long) stride * (rows - 1) + rowBytes;
        if (plane.byteSize() < needed) {
            throw new IllegalArgumentException("plane " + name + " has " + plane.byteSize()
                    + " bytes, needs " + needed);
        }
    }
}
