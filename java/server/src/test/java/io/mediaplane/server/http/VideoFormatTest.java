package io.mediaplane.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.stream.Codec;
import io.mediaplane.stream.Frame;
import io.mediaplane.stream.FramePool;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The picture size read from keyframes of publishers, whose bytes are outside input. */
class VideoFormatTest {
    private final FramePool pool = FramePool.heap(new FramePool.SizeClass(4096, 8));

    private int size(Codec codec, byte[] bytes) {
        Frame f = pool.copyOf(codec, 0, 0, Frame.KEYFRAME, bytes);
        try {
            return VideoFormat.keyframeSize(f);
        } finally {
            f.release();
        }
    }

    @Test
    void readsTheSizeOfAVp8KeyframeAndAnH264Sps() {
        // RFC 6386 §9.1: frame tag (key frame), start code 9d 01 2a, 14-bit width and height (little endian)
        byte[] vp8 = HexFormat.of().parseHex("5003009d012a8002e0010000");
        assertThat(size(Codec.VP8, vp8)).isEqualTo(640 << 16 | 480);
        // SPS and PPS of x264 at 640x480, constrained baseline (ffmpeg -f lavfi -i testsrc2=size=640x480
        // -frames:v 1 -c:v libx264 -profile:v baseline -f h264 -), then an IDR slice start
        byte[] h264 = HexFormat.of().parseHex("000000016742c01ed900a03db011000003000100000300320f162e48"
                + "0000000168cb83cb20000000016588");
        int s = size(Codec.H264, h264);
        assertThat(s >>> 16).isEqualTo(640);
        assertThat(s & 0xFFFF).isEqualTo(480);
    }

    @Test
    void garbageGivesNoSizeAndNeverThrows() {
        SplittableRandom random = new SplittableRandom(0x5eed);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[random.nextInt(64)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) random.nextInt(256);
            }
            if (b.length > 4 && random.nextBoolean()) { // often a start code and an SPS header, to reach the parser
                b[0] = 0;
                b[1] = 0;
                b[2] = 1;
                b[3] = 0x67;
            }
            int s = size(random.nextBoolean() ? Codec.H264 : Codec.VP8, b);
            assertThat(s >>> 16).isBetween(0, 0xFFFF);
        }
    }
}
