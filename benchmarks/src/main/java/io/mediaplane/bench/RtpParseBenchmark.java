package io.mediaplane.bench;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.rtp.RtpExtensionWriter;
import io.mediaplane.rtp.RtpExtensions;
import io.mediaplane.rtp.RtpHeader;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.jitsi.service.neomedia.RawPacket;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Parse one RTP packet and read what a forwarder reads: payload type, sequence number, timestamp, SSRC and the
 * transport-wide sequence number extension. The packet looks like a browser's video packet: one-byte
 * extensions (abs-send-time, transport-cc), 1100 bytes of payload.
 *
 * <p>Baseline in the same run: Jitsi's {@code RawPacket} (libjitsi), constructed per packet as its pipeline does,
 * reading the same fields. Target: ours at most 10 ns per packet and 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RtpParseBenchmark {
    private static final int TRANSPORT_CC_ID = 3;

    @Param({"HEAP", "NATIVE"})
    public String memory;

    private PacketPool pool;
    private PacketBuffer buffer;
    private MemorySegment segment;
    private long offset;
    private int length;
    private final RtpPacket view = new RtpPacket();
    private byte[] array;
    private long plainOffset;
    private int plainLength;
    private byte[] plainArray;

    @Setup
    public void setUp() {
        pool = memory.equals("HEAP") ? PacketPool.heap(1, 3000) : PacketPool.nativeMemory(1, 3000);
        buffer = pool.acquire();
        segment = buffer.segment();
        offset = buffer.offset();
        int header = RtpHeader.write(segment, offset, false, 96, 4711, 90_000, 0x47b94f7b);
        RtpExtensionWriter w = new RtpExtensionWriter().begin(segment, offset, false);
        w.add(2, new byte[] {1, 2, 3}); // abs-send-time
        long tcc = w.add(TRANSPORT_CC_ID, 2);
        Bytes.put16(segment, tcc, 1234);
        header = w.finish();
        length = header + 1100;
        buffer.length(length);
        array = buffer.toArray(); // the same bytes in a byte[] for the baseline
        // a second packet without extensions, as an audio or plain RTP sender sends, after the first
        plainOffset = offset + 1536;
        RtpHeader.write(segment, plainOffset, true, 111, 4712, 960, 0x1234);
        plainLength = 12 + 160;
        plainArray = segment.asSlice(plainOffset, plainLength).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    @TearDown
    public void tearDown() {
        buffer.release();
        pool.close();
    }

    @Benchmark
    public void mediaplaneRtpPacket(Blackhole bh) {
        view.wrap(segment, offset, length);
        bh.consume(view.payloadType());
        bh.consume(view.sequenceNumber());
        bh.consume(view.timestamp());
        bh.consume(view.ssrc());
        long ref = view.findExtension(TRANSPORT_CC_ID);
        bh.consume(Bytes.u16(segment, RtpExtensions.offset(ref)));
    }

    /** The plain case: validate and read the four cached fields of a packet without extensions. */
    @Benchmark
    public void mediaplaneRtpPacketNoExtension(Blackhole bh) {
        view.wrap(segment, plainOffset, plainLength);
        bh.consume(view.payloadType());
        bh.consume(view.sequenceNumber());
        bh.consume(view.timestamp());
        bh.consume(view.ssrc());
    }

    @Benchmark
    public void jitsiRawPacketNoExtension(Blackhole bh) {
        RawPacket p = new RawPacket(plainArray, 0, plainArray.length);
        bh.consume(p.getPayloadType());
        bh.consume(p.getSequenceNumber());
        bh.consume(p.getTimestamp());
        bh.consume(p.getSSRC());
    }

    @Benchmark
    public void jitsiRawPacket(Blackhole bh) {
        RawPacket p = new RawPacket(array, 0, array.length);
        bh.consume(p.getPayloadType());
        bh.consume(p.getSequenceNumber());
        bh.consume(p.getTimestamp());
        bh.consume(p.getSSRC());
        RawPacket.HeaderExtension ext = p.getHeaderExtension((byte) TRANSPORT_CC_ID);
        byte[] b = ext.getBuffer();
        int at = ext.getOffset() + 1; // the element starts with its one-byte ID/length header
        bh.consume((b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF));
    }
}
