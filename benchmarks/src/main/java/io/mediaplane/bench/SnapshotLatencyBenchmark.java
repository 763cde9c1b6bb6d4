package io.mediaplane.bench;

import io.mediaplane.video.DecodeStatus;
import io.mediaplane.video.EncodeStatus;
import io.mediaplane.video.H264Decoder;
import io.mediaplane.video.H264Encoder;
import io.mediaplane.video.H264EncoderConfig;
import io.mediaplane.video.I420Picture;
import io.mediaplane.video.JpegEncoder;
import io.mediaplane.video.JpegOptions;
import io.mediaplane.video.JpegStatus;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Screen-watch snapshot latency at 1080p: one IDR access unit (our OpenH264 encoder's, 4 Mbit/s, of a testsrc2
 * picture) decoded by {@link H264Decoder} and compressed by {@link JpegEncoder} (libturbojpeg, quality 90,
 * limited-range input), sampled per operation for percentiles. {@code decodeIdr} alone is the decode share;
 * {@code encodeFrame} is the publish path's encoder on the same picture (P frames after the first).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SnapshotLatencyBenchmark {
    private static final int W = 1920;
    private static final int H = 1080;

    private Arena arena;
    private I420Picture source;
    private MemorySegment idr;
    private H264Decoder decoder;
    private JpegEncoder jpeg;
    private H264Encoder encoder;
    private long timestamp;

    @Setup
    public void setUp() throws Exception {
        byte[] raw = VideoFrames.testsrc2(W, H);
        arena = Arena.ofConfined();
        MemorySegment planes = arena.allocate(raw.length, 64);
        MemorySegment.copy(MemorySegment.ofArray(raw), 0, planes, 0, raw.length);
        source = I420Picture.packed(W, H, planes);
        try (H264Encoder once = H264Encoder.open(H264EncoderConfig.of(W, H).withBitrate(4_000_000))) {
            if (once.encode(source, 0) != EncodeStatus.ENCODED || !once.isKeyFrame()) {
                throw new IllegalStateException("no IDR from the encoder");
            }
            byte[] au = once.accessUnit().toArray(ValueLayout.JAVA_BYTE);
            idr = arena.allocate(au.length);
            MemorySegment.copy(MemorySegment.ofArray(au), 0, idr, 0, au.length);
        }
        decoder = H264Decoder.create();
        jpeg = JpegEncoder.create(JpegOptions.quality(90), JpegEncoder.Backend.TURBOJPEG);
        encoder = H264Encoder.open(H264EncoderConfig.of(W, H).withBitrate(4_000_000));
    }

    @TearDown
    public void tearDown() {
        decoder.close();
        jpeg.close();
        encoder.close();
        arena.close();
    }

    @Benchmark
    public long idrToJpeg() {
        DecodeStatus status = decoder.decode(idr, 0, (int) idr.byteSize());
        if (!status.hasPicture()) {
            throw new IllegalStateException("decode: " + status);
        }
        if (jpeg.encode(decoder.picture()) != JpegStatus.ENCODED) {
            throw new IllegalStateException(jpeg.lastError());
        }
        return jpeg.jpeg().byteSize();
    }

    @Benchmark
    public Object decodeIdr() {
        DecodeStatus status = decoder.decode(idr, 0, (int) idr.byteSize());
        if (!status.hasPicture()) {
            throw new IllegalStateException("decode: " + status);
        }
        return decoder.picture();
    }

    @Benchmark
    public long encodeFrame() {
        if (encoder.encode(source, timestamp += 33) != EncodeStatus.ENCODED) {
            throw new IllegalStateException("encode failed");
        }
        return encoder.accessUnit().byteSize();
    }
}
