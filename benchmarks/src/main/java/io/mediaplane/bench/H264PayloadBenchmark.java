package io.mediaplane.bench;

import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.codec.AnnexB;
import io.mediaplane.codec.H264Depacketizer;
import io.mediaplane.codec.H264Packetizer;
import io.mediaplane.codec.PayloadStatus;
import io.mediaplane.rtp.RtpPacket;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * H264 packetize and depacketize throughput on a real x264 clip (1080p30, 5 s, 8 Mbit/s, made by GStreamer at set-up
 * and cached in the temp directory; {@code -Dmediaplane.bench.clip=FILE} uses another Annex-B file).
 *
 * <p>One operation is one access unit; the {@code payloadBytes} counter is access-unit bytes per second, the figure
 * the targets are stated in (packetize ≥ 5 GB/s, depacketize ≥ 3 GB/s, 0 B/op). Packetize writes into pooled
 * datagram buffers (header, then the payload copied once) and the sink releases each one, as a send loop would
 * after the socket took it. {@code packetizeAnnexB} includes the start-code scan; {@code packetizeNals} starts from
 * NAL boundaries an encoder reports. The baseline, GStreamer's rtph264pay on the same clip, is timed outside JMH by
 * {@code benchmarks/gst-payloader-baseline.sh}; benchmarks/README.md has both and their ratio.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class H264PayloadBenchmark {
    @Param({"HEAP", "NATIVE"})
    public String memory;

    private MemorySegment clip;
    private long[] auOffsets;
    private int[] auLengths;
    private long[][] nalOffsets;
    private int[][] nalLengths;
    private int au;
    private PacketPool pool;
    private H264Packetizer packetizer;
    // depacketize input: every packet of the clip, back to back in one segment
    private MemorySegment packets;
    private int[] packetOffsets;
    private int[] packetLengths;
    private int[] packetsPerAu;
    private int packetIndex;
    private final RtpPacket rtp = new RtpPacket();
    private H264Depacketizer depacketizer;
    private long delivered;

    /** Access-unit bytes handled, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long payloadBytes;

        @Setup(Level.Iteration)
        public void clear() {
            payloadBytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[] bytes = Files.readAllBytes(clip());
        clip = memory.equals("HEAP") ? MemorySegment.ofArray(bytes)
                : java.lang.foreign.Arena.ofAuto().allocate(bytes.length).copyFrom(MemorySegment.ofArray(bytes));
        splitAccessUnits(bytes);
        pool = memory.equals("HEAP") ? PacketPool.heap(64, 1500) : PacketPool.nativeMemory(64, 1500);
        packetizer = new H264Packetizer(pool, PacketBuffer::release, 96, 0x11223344);

        // packetize once to get the depacketizer's input
        List<byte[]> out = new ArrayList<>();
        packetsPerAu = new int[auOffsets.length];
        H264Packetizer capture = new H264Packetizer(pool, b -> {
            out.add(b.toArray());
            b.release();
        }, 96, 0x11223344);
        for (int i = 0; i < auOffsets.length; i++) {
            int before = out.size();
            capture.packetizeAnnexB(clip, auOffsets[i], auLengths[i], 3000 * i);
            packetsPerAu[i] = out.size() - before;
        }
        int total = out.stream().mapToInt(b -> b.length).sum();
        byte[] all = new byte[total];
        packetOffsets = new int[out.size()];
        packetLengths = new int[out.size()];
        int p = 0;
        for (int i = 0; i < out.size(); i++) {
            System.arraycopy(out.get(i), 0, all, p, out.get(i).length);
            packetOffsets[i] = p;
            packetLengths[i] = out.get(i).length;
            p += out.get(i).length;
        }
        packets = memory.equals("HEAP") ? MemorySegment.ofArray(all)
                : java.lang.foreign.Arena.ofAuto().allocate(all.length).copyFrom(MemorySegment.ofArray(all));
        depacketizer = new H264Depacketizer((seg, off, len, ts, key, lost) -> delivered += len);
        // one checked pass: every access unit must come out, or the benchmark would measure drops
        for (int k = 0; k < packetOffsets.length; k++) {
            rtp.wrap(packets, packetOffsets[k], packetLengths[k]);
            if (depacketizer.push(rtp) != PayloadStatus.OK) {
                throw new IllegalStateException("packet " + k + " refused: " + depacketizer.counters());
            }
        }
        if (depacketizer.counters().units() != auOffsets.length) {
            throw new IllegalStateException("depacketized " + depacketizer.counters().units() + " of " + auOffsets.length);
        }
        depacketizer.reset();
        System.out.printf("%nclip: %d access units, %d bytes, %d packets%n", auOffsets.length, bytes.length, out.size());
    }

    private void splitAccessUnits(byte[] bytes) {
        // access units begin at an AUD (x264 writes one per picture); NAL boundaries kept for packetizeNals
        long[] offs = new long[1 << 20];
        int[] lens = new int[1 << 20];
        int n = AnnexB.split(MemorySegment.ofArray(bytes), 0, bytes.length, offs, lens);
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if ((bytes[(int) offs[i]] & 0x1F) == 9) {
                starts.add(i);
            }
        }
        if (starts.isEmpty() || starts.getFirst() != 0) {
            throw new IllegalStateException("the clip must begin every access unit with an AUD (x264 does)");
        }
        int count = starts.size();
        auOffsets = new long[count];
        auLengths = new int[count];
        nalOffsets = new long[count][];
        nalLengths = new int[count][];
        for (int a = 0; a < count; a++) {
            int from = starts.get(a);
            int to = a + 1 < count ? starts.get(a + 1) : n;
            auOffsets[a] = offs[from] - 4; // x264 begins an access unit with a four-byte start code
            long end = to < n ? offs[to] - 4 : bytes.length;
            auLengths[a] = (int) (end - auOffsets[a]);
            nalOffsets[a] = new long[to - from];
            nalLengths[a] = new int[to - from];
            for (int k = from; k < to; k++) {
                nalOffsets[a][k - from] = offs[k];
                nalLengths[a][k - from] = lens[k];
            }
        }
    }

    static Path clip() throws IOException, InterruptedException {
        String given = System.getProperty("mediaplane.bench.clip");
        if (given != null) {
            return Path.of(given);
        }
        Path clip = Path.of(System.getProperty("java.io.tmpdir"), "mediaplane-bench-1080p30-8M.h264");
        if (Files.size(Files.exists(clip) ? clip : Path.of("/dev/null")) > 0) {
            return clip;
        }
        Path tmp = Files.createTempFile("mediaplane-bench", ".h264");
        String pipeline = "videotestsrc num-buffers=150 pattern=snow ! video/x-raw,width=1920,height=1080,framerate=30/1"
                + " ! x264enc speed-preset=ultrafast tune=zerolatency bitrate=8000 key-int-max=60"
                + " ! video/x-h264,profile=constrained-baseline ! h264parse"
                + " ! video/x-h264,stream-format=byte-stream,alignment=au ! filesink location=" + tmp;
        List<String> cmd = new ArrayList<>(List.of("gst-launch-1.0", "-q"));
        cmd.addAll(List.of(pipeline.split(" ")));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("gst-launch-1.0 failed to make the clip (apt-get install gstreamer1.0-tools "
                    + "gstreamer1.0-plugins-base gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad)");
        }
        Files.move(tmp, clip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return clip;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (pool.outstanding() != 0) {
            throw new IllegalStateException("leaked packet buffers: " + pool.outstanding());
        }
        pool.close();
    }

    @Benchmark
    public PayloadStatus packetizeAnnexB(Bytes bytes) {
        int i = au;
        au = i + 1 == auOffsets.length ? 0 : i + 1;
        bytes.payloadBytes += auLengths[i];
        return packetizer.packetizeAnnexB(clip, auOffsets[i], auLengths[i], 3000 * i);
    }

    @Benchmark
    public PayloadStatus packetizeNals(Bytes bytes) {
        int i = au;
        au = i + 1 == auOffsets.length ? 0 : i + 1;
        bytes.payloadBytes += auLengths[i];
        return packetizer.packetize(clip, nalOffsets[i], nalLengths[i], nalLengths[i].length, 3000 * i);
    }

    /** Validating RTP view + depacketizer, one access unit's packets per operation. */
    @Benchmark
    public long depacketize(Bytes bytes, Blackhole bh) {
        int i = au;
        au = i + 1 == auOffsets.length ? 0 : i + 1;
        if (i == 0) { // the clip starts over: sequence numbers jump back, which is a new stream
            packetIndex = 0;
            depacketizer.reset();
        }
        int n = packetsPerAu[i];
        for (int k = 0; k < n; k++) {
            int p = packetIndex++;
            rtp.wrap(packets, packetOffsets[p], packetLengths[p]);
            bh.consume(depacketizer.push(rtp));
        }
        bytes.payloadBytes += auLengths[i];
        return delivered;
    }
}
