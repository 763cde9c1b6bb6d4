package io.mediaplane.bench;

import io.mediaplane.ffi.TurboJpeg;
import io.mediaplane.video.I420Picture;
import io.mediaplane.video.ImageToI420;
import io.mediaplane.video.JpegEncoder;
import io.mediaplane.video.JpegOptions;
import io.mediaplane.video.JpegStatus;
import io.mediaplane.video.YuvRange;
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
 * JPEG of one 1080p testsrc2 picture at quality 90, from native I420 planes (as a decoder hands them out).
 *
 * <ul>
 *   <li>{@code turbojpegFullRange}: {@link JpegEncoder} on libturbojpeg, full-range input, so the planes go to
 *       {@code tjCompressFromYUVPlanes} untouched: the FFM path itself. Compare with the C driver
 *       ({@code jpeg-c-baseline.sh}) on the same picture.</li>
 *   <li>{@code turbojpegDirect}: baseline in the same run, {@code tjCompressFromYUVPlanes} through the binding with
 *       nothing around it (same handle settings, buffers prepared once): what {@link JpegEncoder} adds.</li>
 *   <li>{@code turbojpegVideoRange}: the default (decoder output is limited range): one Java pass expands the
 *       range into the encoder's buffer first.</li>
 *   <li>{@code turbojpegDownscaled}: the default with a 640x360 pixel budget (box filter, then compress).</li>
 *   <li>{@code imageIo}: baseline, the ImageIO fallback on the same picture (I420 to RGB, then ImageIO's JPEG
 *       writer).</li>
 *   <li>{@code pngToI420}: a 1080p PNG pushed as a frame, decoded by ImageIO and converted for the encoder.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class JpegBenchmark {
    private static final int W = 1920;
    private static final int H = 1080;

    private Arena arena;
    private I420Picture picture;
    private JpegEncoder full;
    private JpegEncoder video;
    private JpegEncoder downscaled;
    private JpegEncoder imageIo;
    private ImageToI420 pngConverter;
    private byte[] png;
    private MemorySegment directHandle;
    private MemorySegment directPlanes;
    private MemorySegment directStrides;
    private MemorySegment directOutput;
    private MemorySegment directOutputPointer;
    private MemorySegment jpegSize;

    @Setup
    public void setUp() throws Exception {
        byte[] raw = VideoFrames.testsrc2(W, H);
        arena = Arena.ofConfined();
        MemorySegment planes = arena.allocate(raw.length, 64);
        MemorySegment.copy(MemorySegment.ofArray(raw), 0, planes, 0, raw.length);
        picture = I420Picture.packed(W, H, planes);
        full = JpegEncoder.create(JpegOptions.quality(90).withInputRange(YuvRange.FULL), JpegEncoder.Backend.TURBOJPEG);
        video = JpegEncoder.create(JpegOptions.quality(90), JpegEncoder.Backend.TURBOJPEG);
        downscaled = JpegEncoder.create(JpegOptions.quality(90).withMaxPixels(640 * 360), JpegEncoder.Backend.TURBOJPEG);
        imageIo = JpegEncoder.create(JpegOptions.quality(90), JpegEncoder.Backend.IMAGEIO);
        png = VideoFrames.testsrc2Png(W, H);
        directHandle = TurboJpeg.initCompress();
        directPlanes = arena.allocate(ValueLayout.ADDRESS, 3);
        directPlanes.setAtIndex(ValueLayout.ADDRESS, 0, picture.y());
        directPlanes.setAtIndex(ValueLayout.ADDRESS, 1, picture.u());
        directPlanes.setAtIndex(ValueLayout.ADDRESS, 2, picture.v());
        directStrides = arena.allocate(ValueLayout.JAVA_INT, 3);
        directStrides.setAtIndex(ValueLayout.JAVA_INT, 0, picture.strideY());
        directStrides.setAtIndex(ValueLayout.JAVA_INT, 1, picture.strideUv());
        directStrides.setAtIndex(ValueLayout.JAVA_INT, 2, picture.strideUv());
        directOutput = arena.allocate(TurboJpeg.bufSize(W, H, TurboJpeg.SAMP_420));
        directOutputPointer = arena.allocate(ValueLayout.ADDRESS);
        directOutputPointer.set(ValueLayout.ADDRESS, 0, directOutput);
        jpegSize = arena.allocate(ValueLayout.JAVA_LONG);
        pngConverter = new ImageToI420(W, H);
    }

    @TearDown
    public void tearDown() {
        full.close();
        video.close();
        downscaled.close();
        imageIo.close();
        pngConverter.close();
        TurboJpeg.destroy(directHandle);
        arena.close();
    }

    private static long encode(JpegEncoder encoder, I420Picture picture) {
        if (encoder.encode(picture) != JpegStatus.ENCODED) {
            throw new IllegalStateException(encoder.lastError());
        }
        return encoder.jpeg().byteSize();
    }

    @Benchmark
    public long turbojpegDirect() {
        jpegSize.set(ValueLayout.JAVA_LONG, 0, directOutput.byteSize());
        int rc = TurboJpeg.compressFromYuvPlanes(directHandle, directPlanes, W, directStrides, H, TurboJpeg.SAMP_420,
                directOutputPointer, jpegSize, 90, TurboJpeg.FLAG_NOREALLOC);
        if (rc != 0) {
            throw new IllegalStateException(TurboJpeg.errorString(directHandle));
        }
        return jpegSize.get(ValueLayout.JAVA_LONG, 0);
    }

    @Benchmark
    public long turbojpegFullRange() {
        return encode(full, picture);
    }

    @Benchmark
    public long turbojpegVideoRange() {
        return encode(video, picture);
    }

    @Benchmark
    public long turbojpegDownscaled() {
        return encode(downscaled, picture);
    }

    @Benchmark
    public long imageIo() {
        return encode(imageIo, picture);
    }

    @Benchmark
    public Object pngToI420() {
        return pngConverter.convertPng(png);
    }
}
