package io.mediaplane.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.ffi.MediaplaneNative;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The range mapping in libmediaplane and in Java give the same bytes, and both round like the exact formula. */
class I420PlanesTest {
    @Test
    void nativeAndJavaRangeMappingAgreeOnEveryValue() {
        assertThat(MediaplaneNative.hasYuvMapRange()).as("libmediaplane: %s", MediaplaneNative.library()).isTrue();
        int width = 256 + 13; // every value, plus a tail that is not a multiple of a vector
        int rows = 3;
        int stride = width + 7;
        for (I420Planes.SampleMap map : new I420Planes.SampleMap[] {
                I420Planes.LUMA_TO_FULL, I420Planes.CHROMA_TO_FULL, I420Planes.IDENTITY}) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment src = arena.allocate((long) stride * rows);
                MemorySegment dst = arena.allocate((long) stride * rows);
                for (int r = 0; r < rows; r++) {
                    for (int x = 0; x < width; x++) {
                        src.set(ValueLayout.JAVA_BYTE, (long) r * stride + x, (byte) (x + r));
                    }
                }
                MediaplaneNative.yuvMapRange(src, stride, dst, stride, width, rows, map.multiplier(), map.subtrahend());
                byte[] viaJava = new byte[(int) dst.byteSize()];
                I420Planes.resamplePlane(src, stride, width, rows, MemorySegment.ofArray(viaJava), stride, width, rows,
                        map, new I420Planes.Scratch());
                for (int r = 0; r < rows; r++) {
                    for (int x = 0; x < width; x++) {
                        long at = (long) r * stride + x;
                        assertThat(dst.get(ValueLayout.JAVA_BYTE, at)).as("row %d value %d", r, x)
                                .isEqualTo(viaJava[(int) at]).isEqualTo(map.table()[(x + r) & 0xff]);
                    }
                }
            }
        }
        for (int s = 0; s < 256; s++) {
            long luma = Math.max(0, Math.min(255, Math.round((s - 16) * 255.0 / 219.0)));
            long chroma = Math.max(0, Math.min(255, Math.round((s - 128) * 255.0 / 224.0 + 128)));
            assertThat(I420Planes.LUMA_TO_FULL.table()[s] & 0xff).as("luma %d", s).isBetween((int) luma - 1, (int) luma + 1);
            assertThat(I420Planes.CHROMA_TO_FULL.table()[s] & 0xff).as("chroma %d", s)
                    .isBetween((int) chroma - 1, (int) chroma + 1);
            assertThat(I420Planes.IDENTITY.table()[s] & 0xff).isEqualTo(s);
        }
    }
}
