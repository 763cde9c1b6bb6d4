package io.mediaplane.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.mediaplane.codec.H264AccessUnitReader;
import io.mediaplane.video.DecodeStatus;
import io.mediaplane.video.H264Decoder;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * H264 decode of a 1080p clip ({@value #FRAMES} frames of FFmpeg's testsrc2 at 1920x1080, libx264, made with
 * FFmpeg at set-up), one operation = the whole clip, so frames per second = ops/s × {@value #FRAMES}.
 *
 * <ul>
 *   <li>{@code ffm}: {@link H264Decoder} (checks, one FFM call per access unit, planes wrapped as segments).</li>
 *   <li>{@code cHarness}: baseline, the same OpenH264 calls made from C ({@code benchmarks/native/h264-harness},
 *       built by CMake for this benchmark; see the README), one FFM call per clip. Target: ffm ≥ 0.95×.</li>
 * </ul>
 * {@code profile}: {@code baseline} (CAVLC) or {@code main} (CABAC, no B-frames: one FlushFrame per unit too).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class H264DecodeBenchmark {
    static final int FRAMES = 60;

    @Param({"baseline", "main"})
    String profile;

    private Arena arena;
    private MemorySegment clip;
    private long[] offsets;
    private int[] lengths;
    private MemorySegment nativeOffsets;
    private MemorySegment nativeLengths;
    private H264Decoder decoder;
    private MethodHandle harnessDecode;
    private MethodHandle harnessClose;
    private MemorySegment harness;
    private Path dir;

    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        dir = Files.createTempDirectory("h264-bench");
        Path file = dir.resolve("clip.h264");
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30", "-frames:v", Integer.toString(FRAMES),
                "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "veryfast", "-profile:v", profile, "-bf", "0",
                "-g", "30", "-b:v", "6M", file.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("ffmpeg could not make the clip (apt-get install ffmpeg)");
        }
        arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file)) {
            clip = arena.allocate(ch.size());
            clip.copyFrom(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
        }
        H264AccessUnitReader reader = new H264AccessUnitReader().reset(clip, 0, clip.byteSize());
        List<long[]> units = new ArrayList<>();
        while (reader.next()) {
            units.add(new long[] {reader.unitOffset(), reader.unitLength()});
        }
        offsets = units.stream().mapToLong(u -> u[0]).toArray();
        lengths = units.stream().mapToInt(u -> (int) u[1]).toArray();
        if (offsets.length != FRAMES) {
            throw new IllegalStateException("clip split into " + offsets.length + " access units, not " + FRAMES);
        }
        nativeOffsets = arena.allocateFrom(JAVA_LONG, offsets);
        nativeLengths = arena.allocateFrom(JAVA_INT, lengths);
        decoder = H264Decoder.create();

        Path lib = Path.of(System.getProperty("mediaplane.bench.h264harness",
                "benchmarks/target/h264-harness/libh264harness.so")).toAbsolutePath();
        if (!Files.exists(lib)) {
            throw new IllegalStateException("C harness missing at " + lib + ": build it with cmake -S "
                    + "benchmarks/native/h264-harness -B benchmarks/target/h264-harness && cmake --build "
                    + "benchmarks/target/h264-harness (needs libopenh264-dev), or set -Dmediaplane.bench.h264harness");
        }
        SymbolLookup lookup = SymbolLookup.libraryLookup(lib, arena);
        Linker linker = Linker.nativeLinker();
        MethodHandle open = linker.downcallHandle(lookup.findOrThrow("h264_harness_open"), FunctionDescriptor.of(ADDRESS));
        harnessDecode = linker.downcallHandle(lookup.findOrThrow("h264_harness_decode"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT));
        harnessClose = linker.downcallHandle(lookup.findOrThrow("h264_harness_close"), FunctionDescriptor.ofVoid(ADDRESS));
        harness = (MemorySegment) open.invokeExact();
        if (harness.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("the C harness could not open an OpenH264 decoder");
        }
        if (ffm() != FRAMES || cHarness() != FRAMES) {
            throw new IllegalStateException("a decoder did not output every frame");
        }
    }

    @Benchmark
    public int ffm() {
        int pictures = 0;
        for (int i = 0; i < offsets.length; i++) {
            DecodeStatus s = decoder.decode(clip, offsets[i], lengths[i]);
            if (s == DecodeStatus.PICTURE) {
                pictures++;
            }
        }
        return pictures;
    }

    @Benchmark
    public int cHarness() throws Throwable {
        return (int) harnessDecode.invokeExact(harness, clip, nativeOffsets, nativeLengths, offsets.length);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Throwable {
        decoder.close();
        harnessClose.invokeExact(harness);
        arena.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }
}
