package io.mediaplane.bench;

import io.mediaplane.reliability.TransportFeedbackGenerator;
import io.mediaplane.rtp.RtcpTransportCcWriter;
import io.mediaplane.rtp.SequenceUnwrapper;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jitsi.impl.neomedia.rtcp.RTCPTCCPacket;
import org.jitsi.service.neomedia.RawPacket;
import org.jitsi.utils.logging.DiagnosticContext;
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
 * Transport-wide congestion control feedback on the publisher receive path
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01): each arriving packet's transport-wide sequence number and
 * arrival time are recorded, and every 50 ms one RTPFB FMT 15 feedback is built from them. The input is a seeded
 * trace of {@code rate} packets/s with 2% loss and 1% of packets swapped with the next one (arrival jitter up to
 * half a packet interval), long enough to wrap the 16-bit sequence number; feedback is due when a packet's arrival
 * passes the next 50 ms boundary.
 *
 * <ul>
 *   <li>{@code record*}, one operation per packet: the arrival bookkeeping, with the feedback built every 50 ms
 *       inside the packet that crosses the boundary (so it is the whole per-packet cost, feedback amortized).</li>
 *   <li>{@code feedback*}, one operation per feedback: the packets of one 50 ms interval are recorded off the clock
 *       (an invocation-level setup), then one feedback is built and written.</li>
 * </ul>
 *
 * <p>Implementations: ours, {@link TransportFeedbackGenerator} (a ring of arrival times indexed by sequence number,
 * written with {@link RtcpTransportCcWriter}); baseline 1, libjitsi 1.1's {@code RTCPTCCPacket} built from its
 * {@code PacketMap} ({@code TreeMap<Integer, Long>} of arrival milliseconds, ordered by RTP sequence-number
 * comparison), the shape of libjitsi's {@code TransportCCEngine}, serialised with {@code toRawPacket()}; baseline 2
 * (ours, written for this benchmark), a {@code TreeMap<Long, Long>} of unwrapped sequence number to arrival time,
 * encoded through the same {@link RtcpTransportCcWriter}, i.e. the straightforward map-based shape with our
 * encoder.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TransportFeedbackBenchmark {
    static final long FEEDBACK_INTERVAL_MICROS = 50_000;
    static final int SENDER_SSRC = 0x0BADCAFE;
    static final int MEDIA_SSRC = 0x11223344;

    /** A seeded arrival trace, replayed in a loop with time moving on (its length is a multiple of 2^16). */
    @State(Scope.Benchmark)
    public static class Trace {
        static final int LENGTH = 1 << 17;

        @Param({"300", "1000"})
        public int rate;

        int[] sequence;
        long[] arrival;
        long duration;

        @Setup
        public void build() {
            SplittableRandom r = new SplittableRandom(0x7CC);
            long interval = 1_000_000L / rate;
            duration = LENGTH * interval;
            int[] seq = new int[LENGTH];
            long[] at = new long[LENGTH];
            int n = 0;
            for (int i = 0; i < LENGTH; i++) {
                if (r.nextInt(100) < 2) {
                    continue; // lost
                }
                seq[n] = i & 0xFFFF;
                at[n] = 1_000_000_000L + i * interval + r.nextLong(interval / 2);
                n++;
            }
            for (int i = 0; i + 1 < n; i++) {
                if (r.nextInt(100) < 1) { // this one arrives after the next one
                    int s = seq[i];
                    seq[i] = seq[i + 1];
                    seq[i + 1] = s;
                    i++;
                }
            }
            sequence = java.util.Arrays.copyOf(seq, n);
            arrival = java.util.Arrays.copyOf(at, n);
        }
    }

    /** A position in the trace and the next feedback time. */
    abstract static class Receiver {
        private Trace trace;
        private int index;
        private long cycleOffset;
        long nextFeedback;
        int seq;
        long arrivalMicros;

        void start(Trace t) {
            trace = t;
            nextFeedback = t.arrival[0] + FEEDBACK_INTERVAL_MICROS;
        }

        /** Moves to the next packet of the trace; true when a feedback is due after recording it. */
        boolean next() {
            seq = trace.sequence[index];
            arrivalMicros = trace.arrival[index] + cycleOffset;
            if (++index == trace.sequence.length) {
                index = 0;
                cycleOffset += trace.duration;
            }
            if (arrivalMicros >= nextFeedback) {
                nextFeedback += FEEDBACK_INTERVAL_MICROS;
                return true;
            }
            return false;
        }

        abstract void record();

        abstract Object feedback();

        /** Records the packets of one interval, up to and including the one that makes a feedback due. */
        void recordInterval() {
            while (!next()) {
                record();
            }
            record();
        }
    }

    @State(Scope.Thread)
    public static class Ours extends Receiver {
        final TransportFeedbackGenerator generator = new TransportFeedbackGenerator();
        final MemorySegment out = MemorySegment.ofArray(new byte[1500]);

        @Setup
        public void setup(Trace t) {
            start(t);
        }

        @Override
        void record() {
            generator.onPacket(seq, arrivalMicros);
        }

        @Override
        Object feedback() {
            return generator.write(out, 0, SENDER_SSRC, MEDIA_SSRC);
        }
    }

    @State(Scope.Thread)
    public static class OursFeedback extends Ours {
        @Setup(Level.Invocation)
        public void interval() {
            recordInterval();
        }
    }

    @State(Scope.Thread)
    public static class Jitsi extends Receiver {
        final DiagnosticContext context = new DiagnosticContext();
        RTCPTCCPacket.PacketMap packets = new RTCPTCCPacket.PacketMap();
        byte count;
        long refusedAtWrap;

        @Setup
        public void setup(Trace t) {
            start(t);
        }

        @TearDown
        public void report() {
            System.out.println();
            System.out.println("libjitsi feedbacks refused at the sequence-number wrap: " + refusedAtWrap);
        }

        @Override
        void record() {
            packets.put(seq, arrivalMicros / 1000); // TransportCCEngine keeps System.currentTimeMillis()
        }

        @Override
        Object feedback() {
            if (packets.isEmpty()) {
                return null;
            }
            RawPacket p;
            try {
                p = new RTCPTCCPacket(SENDER_SSRC & 0xFFFF_FFFFL, MEDIA_SSRC & 0xFFFF_FFFFL, packets, count++, context)
                        .toRawPacket();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (IllegalArgumentException wrapped) {
                // PacketMap orders plain 16-bit numbers, so an interval spanning the wrap looks 65,536 packets
                // long and is refused: once per 65,536 sequence numbers that feedback is lost
                refusedAtWrap++;
                p = null;
            }
            packets.clear();
            return p;
        }
    }

    @State(Scope.Thread)
    public static class JitsiFeedback extends Jitsi {
        @Setup(Level.Invocation)
        public void interval() {
            recordInterval();
        }
    }

    @State(Scope.Thread)
    public static class MapBased extends Receiver {
        final TreeMap<Long, Long> arrivals = new TreeMap<>();
        final SequenceUnwrapper unwrapper = new SequenceUnwrapper();
        final RtcpTransportCcWriter writer = new RtcpTransportCcWriter(TransportFeedbackGenerator.MAX_PACKETS_PER_FEEDBACK);
        final MemorySegment out = MemorySegment.ofArray(new byte[1500]);
        long nextReported = -1;
        int count;

        @Setup
        public void setup(Trace t) {
            start(t);
        }

        @Override
        void record() {
            long u = unwrapper.unwrap(seq);
            if (u >= nextReported) { // a packet after its number was reported is dropped, as ours does
                arrivals.put(u, arrivalMicros);
            }
        }

        @Override
        Object feedback() {
            if (arrivals.isEmpty()) {
                return 0;
            }
            long first = nextReported < 0 ? arrivals.firstKey() : nextReported;
            writer.reset(SENDER_SSRC, MEDIA_SSRC, (int) first, count++);
            long expected = first;
            for (Map.Entry<Long, Long> e : arrivals.entrySet()) {
                long s = e.getKey();
                while (expected < s) {
                    writer.add(RtcpTransportCcWriter.NOT_RECEIVED);
                    expected++;
                }
                writer.add(e.getValue());
                expected++;
            }
            nextReported = expected;
            arrivals.clear();
            return writer.write(out, 0);
        }
    }

    @State(Scope.Thread)
    public static class MapBasedFeedback extends MapBased {
        @Setup(Level.Invocation)
        public void interval() {
            recordInterval();
        }
    }

    private static Object recordOne(Receiver r) {
        boolean due = r.next();
        r.record();
        return due ? r.feedback() : null;
    }

    @Benchmark
    public Object recordOurs(Ours s) {
        return recordOne(s);
    }

    @Benchmark
    public Object recordJitsi(Jitsi s) {
        return recordOne(s);
    }

    @Benchmark
    public Object recordMap(MapBased s) {
        return recordOne(s);
    }

    @Benchmark
    public Object feedbackOurs(OursFeedback s) {
        return s.feedback();
    }

    @Benchmark
    public Object feedbackJitsi(JitsiFeedback s) {
        return s.feedback();
    }

    @Benchmark
    public Object feedbackMap(MapBasedFeedback s) {
        return s.feedback();
    }
}
