package io.mediaplane.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The lifecycle both decoders share: explicit reset, the keyframe gate after it, and close. */
class NativeVideoDecoderTest {
    @TempDir
    Path dir;

    /** A stream whose unit 0 is a keyframe and units 1, 2 are not, with its decoder. */
    private record Stream(List<byte[]> units, Function<DecoderOptions, NativeVideoDecoder> decoder) {}

    private Stream stream(String codec) throws Exception {
        return switch (codec) {
            case "h264" -> new Stream(Clips.accessUnits(Clips.h264(dir, "life", "320x240", 3, "-profile:v",
                    "baseline", "-g", "30", "-x264-params", "scenecut=0")), H264Decoder::create);
            case "vp8" -> new Stream(Clips.ivfFrames(Clips.vp8(dir, "life", "320x240", 3)), Vp8Decoder::create);
            default -> throw new IllegalArgumentException(codec);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"h264", "vp8"})
    void resetDropsUntilKeyframeAndAsksOnce(String codec) throws Exception {
        Stream stream = stream(codec);
        AtomicInteger keyframeRequests = new AtomicInteger();
        try (NativeVideoDecoder decoder = stream.decoder().apply(DecoderOptions.defaults()
                .withKeyframeRequest(keyframeRequests::incrementAndGet))) {
            assertThat(decoder.decode(stream.units().get(0))).isEqualTo(DecodeStatus.PICTURE);
            assertThat(decoder.decode(stream.units().get(1))).isEqualTo(DecodeStatus.PICTURE);
            assertThat(decoder.picture()).isNotNull();
            assertThat(keyframeRequests.get()).isZero();

            decoder.reset();
            assertThat(decoder.picture()).as("the library's buffer is gone with the old decoder").isNull();
            assertThat(keyframeRequests.get()).isEqualTo(1);
            assertThat(decoder.counters().keyframeRequests()).isEqualTo(1);
            assertThat(decoder.counters().resets()).isEqualTo(1);
            assertThat(decoder.decode(stream.units().get(1))).isEqualTo(DecodeStatus.WAITING_FOR_KEYFRAME);
            assertThat(decoder.decode(stream.units().get(2))).isEqualTo(DecodeStatus.WAITING_FOR_KEYFRAME);
            assertThat(keyframeRequests.get()).as("one request per wait").isEqualTo(1);
            assertThat(decoder.decode(stream.units().get(0))).isEqualTo(DecodeStatus.PICTURE);
            assertThat(decoder.decode(stream.units().get(1))).isEqualTo(DecodeStatus.PICTURE);
            assertThat(decoder.consecutiveErrors()).isZero();
            assertThat(decoder.counters().get(DecodeStatus.WAITING_FOR_KEYFRAME)).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h264", "vp8"})
    void closedDecoderRefusesCallsAndClosesOnce(String codec) throws Exception {
        Stream stream = stream(codec);
        NativeVideoDecoder decoder = stream.decoder().apply(DecoderOptions.defaults());
        assertThat(decoder.decode(stream.units().get(0))).isEqualTo(DecodeStatus.PICTURE);
        decoder.close();
        decoder.close();
        assertThat(decoder.picture()).isNull();
        String name = decoder.getClass().getSimpleName();
        assertThatThrownBy(() -> decoder.decode(stream.units().get(0)))
                .isInstanceOf(IllegalStateException.class).hasMessage(name + " is closed");
        assertThatThrownBy(decoder::reset).isInstanceOf(IllegalStateException.class).hasMessage(name + " is closed");
    }
}
