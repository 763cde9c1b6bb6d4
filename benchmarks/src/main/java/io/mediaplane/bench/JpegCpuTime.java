package io.mediaplane.bench;

import io.mediaplane.ffi.TurboJpeg;
import io.mediaplane.video.DecodeStatus;
import io.mediaplane.video.EncodeStatus;
import io.mediaplane.video.H264Decoder;
import io.mediaplane.video.H264Encoder;
import io.mediaplane.video.H264EncoderConfig;
import io.mediaplane.video.I420Picture;
import io.mediaplane.video.JpegEncoder;
import io.mediaplane.video.JpegOptions;
import io.mediaplane.video.JpegStatus;
import io.mediaplane.video.YuvRange;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The JPEG cases of {@link JpegBenchmark} timed in thread CPU time instead of wall time, to compare with the C
 * driver ({@code jpeg-c-baseline.sh} prints the same measure) on a machine shared with other work, where wall
 * time mostly measures the other tenants. Not JMH: a warm-up, then 5 rounds of 200 pictures per case, cases
 * interleaved round by round; prints each round's pictures per CPU-second and the median. The last case is
 * {@code SnapshotLatencyBenchmark.idrToJpeg} (1080p IDR decoded by OpenH264, then JPEG) in CPU time.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar io.mediaplane.bench.JpegCpuTime</pre>
 */
public final class JpegCpuTime {
    private JpegCpuTime() {}

    public static void main(String[] args) throws Exception {
        int w = 1920;
        int h = 1080;
        byte[] raw = VideoFrames.testsrc2(w, h);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofConfined();
             JpegEncoder full = JpegEncoder.create(JpegOptions.quality(90).withInputRange(YuvRange.FULL),
                     JpegEncoder.Backend.TURBOJPEG);
             JpegEncoder video = JpegEncoder.create(JpegOptions.quality(90), JpegEncoder.Backend.TURBOJPEG);
             H264Decoder decoder = H264Decoder.create()) {
            MemorySegment planes = arena.allocate(raw.length, 64);
            MemorySegment.copy(MemorySegment.ofArray(raw), 0, planes, 0, raw.length);
            I420Picture picture = I420Picture.packed(w, h, planes);
            MemorySegment handle = TurboJpeg.initCompress();
            MemorySegment pointers = arena.allocate(ValueLayout.ADDRESS, 3);
            pointers.setAtIndex(ValueLayout.ADDRESS, 0, picture.y());
            pointers.setAtIndex(ValueLayout.ADDRESS, 1, picture.u());
            pointers.setAtIndex(ValueLayout.ADDRESS, 2, picture.v());
            MemorySegment strides = arena.allocate(ValueLayout.JAVA_INT, 3);
            strides.setAtIndex(ValueLayout.JAVA_INT, 0, w);
            strides.setAtIndex(ValueLayout.JAVA_INT, 1, w / 2);
            strides.setAtIndex(ValueLayout.JAVA_INT, 2, w / 2);
            MemorySegment out = arena.allocate(TurboJpeg.bufSize(w, h, TurboJpeg.SAMP_420));
            MemorySegment outPointer = arena.allocate(ValueLayout.ADDRESS);
            outPointer.set(ValueLayout.ADDRESS, 0, out);
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            Runnable direct = () -> {
                size.set(ValueLayout.JAVA_LONG, 0, out.byteSize());
                if (TurboJpeg.compressFromYuvPlanes(handle, pointers, w, strides, h, TurboJpeg.SAMP_420, outPointer,
                        size, 90, TurboJpeg.FLAG_NOREALLOC) != 0) {
                    throw new IllegalStateException(TurboJpeg.errorString(handle));
                }
            };
            Runnable fullRange = () -> check(full, picture);
            Runnable videoRange = () -> check(video, picture);
            MemorySegment idr = idr(arena, picture);
            Runnable idrToJpeg = () -> {
                DecodeStatus status = decoder.decode(idr, 0, (int) idr.byteSize());
                if (!status.hasPicture()) {
                    throw new IllegalStateException("decode: " + status);
                }
                check(video, decoder.picture());
            };
            String[] names = {"direct binding call", "JpegEncoder, full-range input", "JpegEncoder, video range",
                    "IDR decode + JPEG (snapshot)"};
            Runnable[] cases = {direct, fullRange, videoRange, idrToJpeg};
            for (Runnable c : cases) {
                for (int i = 0; i < 100; i++) {
                    c.run();
                }
            }
            double[][] rates = new double[cases.length][5];
            for (int round = 0; round < 5; round++) {
                for (int c = 0; c < cases.length; c++) {
                    long t0 = threads.getCurrentThreadCpuTime();
                    for (int i = 0; i < 200; i++) {
                        cases[c].run();
                    }
                    rates[c][round] = 200 / ((threads.getCurrentThreadCpuTime() - t0) / 1e9);
                }
            }
            for (int c = 0; c < cases.length; c++) {
                double[] r = rates[c].clone();
                java.util.Arrays.sort(r);
                System.out.printf("%-32s median %.1f pictures per CPU-second (rounds %s)%n", names[c], r[2],
                        java.util.Arrays.toString(java.util.Arrays.stream(rates[c]).map(v -> Math.round(v)).toArray()));
            }
            TurboJpeg.destroy(handle);
        }
    }

    /** The IDR SnapshotLatencyBenchmark uses: our encoder's, 4 Mbit/s, of the same picture. */
    private static MemorySegment idr(Arena arena, I420Picture picture) {
        try (H264Encoder once = H264Encoder.open(H264EncoderConfig.of(picture.width(), picture.height())
                .withBitrate(4_000_000))) {
            if (once.encode(picture, 0) != EncodeStatus.ENCODED || !once.isKeyFrame()) {
                throw new IllegalStateException("no IDR from the encoder");
            }
            MemorySegment copy = arena.allocate(once.accessUnit().byteSize());
            MemorySegment.copy(once.accessUnit(), 0, copy, 0, copy.byteSize());
            return copy;
        }
    }

    private static void check(JpegEncoder encoder, I420Picture picture) {
        if (encoder.encode(picture) != JpegStatus.ENCODED) {
            throw new IllegalStateException(encoder.lastError());
        }
    }
}
