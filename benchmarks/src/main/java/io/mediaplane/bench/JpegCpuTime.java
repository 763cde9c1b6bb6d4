package io.mediaplane.bench;

import io.mediaplane.ffi.TurboJpeg;
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
 * interleaved round by round; prints each round's pictures per CPU-second and the median.
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
             JpegEncoder video = JpegEncoder.create(JpegOptions.quality(90), JpegEncoder.Backend.TURBOJPEG)) {
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
            String[] names = {"direct binding call", "JpegEncoder, full-range input", "JpegEncoder, video range"};
            Runnable[] cases = {direct, fullRange, videoRange};
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

    private static void check(JpegEncoder encoder, I420Picture picture) {
        if (encoder.encode(picture) != JpegStatus.ENCODED) {
            throw new IllegalStateException(encoder.lastError());
        }
    }
}
