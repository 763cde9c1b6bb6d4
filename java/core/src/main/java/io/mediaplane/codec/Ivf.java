package io.mediaplane.codec;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The IVF container's layout (libvpx {@code ivfenc.c}/{@code ivfdec.c}; every field little-endian):
 * <pre>
 * file header, 32 bytes: "DKIF", u16 version (0), u16 header length (32), fourcc, u16 width, u16 height,
 *                        u32 time base denominator (rate), u32 time base numerator (scale), u32 frame count,
 *                        u32 unused
 * each frame:            u32 frame size, u64 timestamp (in time base units), then the frame's bytes
 * </pre>
 */
final class Ivf {
    static final int FILE_HEADER_SIZE = 32;
    static final int FRAME_HEADER_SIZE = 12;
    static final int SIGNATURE = 0x46494B44; // "DKIF" read little-endian
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static final int OFF_VERSION = 4;
    static final int OFF_HEADER_SIZE = 6;
    static final int OFF_FOURCC = 8;
    static final int OFF_WIDTH = 12;
    static final int OFF_HEIGHT = 14;
    static final int OFF_RATE = 16;
    static final int OFF_SCALE = 20;
    static final int OFF_FRAME_COUNT = 24;

    private Ivf() {}
}
