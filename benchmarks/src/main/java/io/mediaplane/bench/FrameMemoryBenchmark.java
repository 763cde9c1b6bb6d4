package io.mediaplane.bench;

import io.mediaplane.stream.Codec;
import io.mediaplane.stream.Frame;
import io.mediaplane.stream.FramePool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Where a frame's memory comes from: a slot of a {@link FramePool} slab (native or heap) against an arena of its
 * own per frame (what the pool falls back to for frames larger than every size class), both filled with
 * {@code bytes} bytes and freed. Decides the pool's default and shows what the fallback costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FrameMemoryBenchmark {
    @Param({"1000", "50000"})
    public int bytes;

    private FramePool nativePool;
    private FramePool heapPool;
    private FramePool overflowPool;
    private MemorySegment source;
    private Arena sourceArena;

    @Setup
    public void setUp() {
        nativePool = FramePool.nativeMemory(new FramePool.SizeClass(64 * 1024, 16));
        heapPool = FramePool.heap(new FramePool.SizeClass(64 * 1024, 16));
        overflowPool = FramePool.nativeMemory(new FramePool.SizeClass(16, 1)); // every frame overflows
        sourceArena = Arena.ofShared();
        source = sourceArena.allocate(64 * 1024);
    }

    @TearDown
    public void tearDown() {
        nativePool.close();
        heapPool.close();
        overflowPool.close();
        sourceArena.close();
    }

    private int cycle(FramePool pool) {
        Frame f = pool.copyOf(Codec.H264, 0, 0, Frame.KEYFRAME, source, 0, bytes);
        int length = f.length();
        f.release();
        return length;
    }

    @Benchmark
    public int pooledNativeSlab() {
        return cycle(nativePool);
    }

    @Benchmark
    public int pooledHeapSlab() {
        return cycle(heapPool);
    }

    @Benchmark
    public int arenaPerFrame() {
        return cycle(overflowPool);
    }
}
