package io.mediaplane.discord;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.codec.H264Packetizer;
import io.mediaplane.crypto.DiscordAeadMode;
import io.mediaplane.crypto.DiscordTransportCipher;
import io.mediaplane.rtp.RtpExtensionWriter;
import io.mediaplane.stream.Codec;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Discord media pipelines without sockets, on a synthetic 1080p30 8 Mbit/s H264 stream (an IDR of 100 KB every
 * 30 frames, P frames filling the rest of the bit rate; bytes without start-code emulation).
 *
 * <ul>
 *   <li>{@code watchSecond}: one second of that stream (≈ 950 datagrams) through the watch path as a leg's UDP
 *       thread runs it — transport open in place, RTP view, reorder buffer, NACK bookkeeping, depacketize,
 *       {@link FrameCrypto#passthrough()}, parameter sets, frame event. Each datagram is first sealed here (fresh
 *       sequence numbers and counters every second), so {@code sealSecond}, the same sealing alone, is the
 *       baseline: watch cost = watchSecond − sealSecond, per second of media.</li>
 *   <li>{@code publishFrame}: one average access unit through the publish path — FrameCrypto seal, packetize into
 *       pooled datagrams with Discord's extension block, transport seal in place (no UDP send, no pacing). Baseline
 *       {@code copyFrame}: the same bytes copied into the same number of pooled datagrams.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DiscordPipelineBenchmark {
    static final int FPS = 30;
    static final int IDR_BYTES = 100_000;
    static final int P_BYTES = (8_000_000 / 8 - IDR_BYTES) / (FPS - 1);
    static final int SSRC = 0x1234;

    private final List<byte[]> plainPackets = new ArrayList<>(); // one second, unsealed, seq/ts rewritten per run
    private final List<byte[]> accessUnits = new ArrayList<>();
    private final MemorySegment slab = MemorySegment.ofArray(new byte[2048]);
    private final MemorySegment sealedFrame = MemorySegment.ofArray(new byte[IDR_BYTES]); // reused, as the publisher
    private DiscordTransportCipher sender;
    private DiscordTransportCipher receiverCipher;
    private VideoReceiver receiver;
    private PacketPool pool;
    private H264Packetizer packetizer;
    private final List<PacketBuffer> packets = new ArrayList<>();
    private final RtpExtensionWriter extensions = new RtpExtensionWriter();
    private int seqBase;
    private int tsBase;
    private int frameIndex;
    private long frames;

    static byte[] accessUnit(SplittableRandom random, boolean idr, int size) {
        byte[] au = new byte[size];
        for (int i = 0; i < size; i++) {
            au[i] = (byte) (1 + random.nextInt(255)); // no zero bytes: no start-code emulation
        }
        byte[] head = idr
                ? Bytes.fromHex("00000001091000000001674d4028eca0780227e5c044000003000400000300c83c60c65800000001"
                        + "68ebecb22c0000000165b8")
                : Bytes.fromHex("0000000109300000000141e2");
        System.arraycopy(head, 0, au, 0, head.length);
        return au;
    }

    private int writeExtension(MemorySegment s, long packetOffset, int sequenceNumber) {
        extensions.begin(s, packetOffset, false);
        long at = extensions.add(VideoPublisher.PLAYOUT_DELAY_ID, 2);
        Bytes.put16(s, at, 0);
        return extensions.finish();
    }

    @Setup(Level.Trial)
    public void setup() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < FPS; i++) {
            accessUnits.add(accessUnit(random, i == 0, i == 0 ? IDR_BYTES : P_BYTES));
        }
        byte[] key = new byte[32];
        random.nextBytes(key);
        sender = DiscordTransportCipher.create(DiscordAeadMode.AES256_GCM_RTPSIZE, key.clone());
        receiverCipher = DiscordTransportCipher.create(DiscordAeadMode.AES256_GCM_RTPSIZE, key.clone());
        pool = PacketPool.heap(2048, 1500);
        packetizer = new H264Packetizer(pool, packets::add, GatewayCodec.H264_PT, SSRC, 0, 1100).aggregate(false)
                .headerExtensions(this::writeExtension, 8);
        int ts = 0;
        for (byte[] au : accessUnits) {
            packets.clear();
            packetizer.packetizeAnnexB(MemorySegment.ofArray(au), 0, au.length, ts);
            for (PacketBuffer p : packets) {
                plainPackets.add(p.toArray());
                p.release();
            }
            ts += 90_000 / FPS;
        }
        packets.clear();
        LegListener listener = new LegListener() {
            @Override
            public void onVideoFrame(DiscordLeg leg, VideoFrame frame) {
                frames += frame.length();
            }
        };
        receiver = new VideoReceiver(null, LegRole.STREAM_WATCH, () -> receiverCipher, () -> null, new LegStats(),
                listener, FrameCrypto.passthrough());
        receiver.bind(SSRC, new VideoReceiver.Binding(7, SSRC, false, null));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        receiver.close();
        pool.close();
        sender.close();
        receiverCipher.close();
    }

    private int sealed(int i) {
        byte[] p = plainPackets.get(i);
        MemorySegment.copy(MemorySegment.ofArray(p), 0, slab, 0, p.length);
        Bytes.put16(slab, 2, seqBase + i);
        Bytes.put32(slab, 4, tsBase + Bytes.i32(slab, 4));
        return sender.sealRtp(slab, 0, p.length, (int) slab.byteSize());
    }

    @Benchmark
    public long sealSecond() {
        long n = 0;
        for (int i = 0; i < plainPackets.size(); i++) {
            n += sealed(i);
        }
        seqBase += plainPackets.size();
        tsBase += 90_000;
        return n;
    }

    @Benchmark
    public long watchSecond() {
        for (int i = 0; i < plainPackets.size(); i++) {
            int n = sealed(i);
            receiver.onDatagram(slab, 0, n);
            if ((i & 15) == 15) {
                receiver.onIdle();
            }
        }
        seqBase += plainPackets.size();
        tsBase += 90_000;
        return frames;
    }

    /** Datagrams per second of the synthetic stream (for turning per-second cost into per-packet figures). */
    public int packetsPerSecond() {
        return plainPackets.size();
    }

    @Benchmark
    public void publishFrame(Blackhole bh) {
        byte[] au = accessUnits.get(frameIndex++ % FPS);
        MemorySegment in = MemorySegment.ofArray(au);
        int n = FrameCrypto.passthrough().seal(Codec.H264, in, sealedFrame);
        packets.clear();
        packetizer.packetizeAnnexB(sealedFrame, 0, n, frameIndex * 3000);
        for (PacketBuffer p : packets) {
            int len = p.length();
            bh.consume(sender.sealRtp(p.segment(), p.offset(), len, len + p.tailroom()));
            p.release();
        }
        bh.consume(packets.size());
    }

    @Benchmark
    public void copyFrame(Blackhole bh) {
        byte[] au = accessUnits.get(frameIndex++ % FPS);
        MemorySegment in = MemorySegment.ofArray(au);
        for (int off = 0; off < au.length; off += 1080) {
            PacketBuffer p = pool.acquire();
            int len = Math.min(1080, au.length - off);
            MemorySegment.copy(in, off, p.segment(), p.offset(), len);
            p.length(len);
            bh.consume(p.length());
            p.release();
        }
    }
}
