package io.mediaplane.video;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Fuzz target for both decoders on arbitrary units: the first byte picks H264 (even) or VP8 (odd), the rest is the
 * access unit or frame. Whatever the bytes, the result is a status (never an exception or a crash of the JVM in
 * the native library), and a picture, when there is one, is readable end to end. The decoders persist across
 * inputs, as they do per stream, so state built by one input meets the next. Seeds: a 64x48 SPS+PPS+IDR and P
 * slice from libx264, a keyframe and an interframe from libvpx. Fuzzes when JAZZER_FUZZ=1.
 */
class VideoDecoderFuzzTest {
    private static final DecoderOptions OPTIONS = new DecoderOptions(50, 1 << 20, 1920L * 1088, () -> {});
    private static H264Decoder h264;
    private static Vp8Decoder vp8;

    @FuzzTest(maxDuration = "20s")
    void decoders(byte[] data) {
        if (data.length == 0) {
            return;
        }
        VideoDecoder decoder;
        if ((data[0] & 1) == 0) {
            decoder = h264 == null ? h264 = H264Decoder.create(OPTIONS) : h264;
        } else {
            decoder = vp8 == null ? vp8 = Vp8Decoder.create(OPTIONS) : vp8;
        }
        DecodeStatus status = decoder.decode(MemorySegment.ofArray(data), 1, data.length - 1);
        if (status.hasPicture()) {
            I420Picture p = decoder.picture();
            assertThat(p.width() * (long) p.height()).isLessThanOrEqualTo(OPTIONS.maxPixels());
            // touch the last byte of each plane: the sizes handed out must be backed by the library's buffers
            p.y().get(ValueLayout.JAVA_BYTE, p.y().byteSize() - 1);
            p.u().get(ValueLayout.JAVA_BYTE, p.u().byteSize() - 1);
            p.v().get(ValueLayout.JAVA_BYTE, p.v().byteSize() - 1);
        } else {
            assertThat(decoder.picture()).isNull();
        }
    }
}
