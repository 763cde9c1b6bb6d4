package io.mediaplane.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mediaplane.ipc.CommandParser;
import io.mediaplane.ipc.Event;
import io.mediaplane.ipc.EventType;
import io.mediaplane.ipc.EventWriter;
import io.mediaplane.ipc.TransportRole;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * IPC throughput, per event (or command line):
 *
 * <ul>
 *   <li>{@code controlEvents} / {@code decodedFrames}: events through {@link EventWriter} end to end (queued by
 *       the benchmark thread, serialised and framed by the writer thread into a discarding stream; each invocation
 *       waits until its batch is written). A {@code decoded_video_frame} carries a 32 KB JPEG (a 640x360 screen
 *       sample), so it is mostly base64.</li>
 *   <li>Baselines {@code controlJacksonOnly} / {@code decodedJacksonOnly}: the same events serialised by a plain
 *       Jackson {@code ObjectWriter} on the calling thread into the same stream: no framing, lanes or thread
 *       hand-off, the least any JSON event path can cost.</li>
 *   <li>{@code parseCommand}: a {@code subscribe_user_video} line through {@link CommandParser} (tree, typed
 *       fields, validation); baseline {@code parseJacksonTreeOnly}: Jackson's tree of the same line.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class IpcEventBenchmark {
    static final int CONTROL_BATCH = 256;
    /** Below the video lane's capacity, so nothing is dropped and every event is written. */
    static final int VIDEO_BATCH = 32;

    /** Counts and discards, as a pipe to a fast reader would. */
    static final class NullOutput extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    private final NullOutput out = new NullOutput();
    private EventWriter writer;
    private ObjectWriter jackson;
    private Event.TransportState[] control;
    private Event.DecodedVideoFrame[] decoded;
    private final CommandParser parser = new CommandParser();
    private final ObjectMapper mapper = new ObjectMapper();
    private byte[] commandLine;

    @Setup
    public void setUp() {
        writer = new EventWriter(out, () -> { });
        jackson = JsonMapper.builder().serializationInclusion(JsonInclude.Include.NON_NULL).build().writer();
        control = new Event.TransportState[CONTROL_BATCH];
        for (int i = 0; i < CONTROL_BATCH; i++) {
            control[i] = new Event.TransportState(TransportRole.values()[i % 3],
                    Event.TransportStatus.values()[i % Event.TransportStatus.values().length], i % 2 == 0 ? null : "4015");
        }
        byte[] jpeg = new byte[32 * 1024];
        new Random(7).nextBytes(jpeg);
        decoded = new Event.DecodedVideoFrame[VIDEO_BATCH];
        for (int i = 0; i < VIDEO_BATCH; i++) {
            decoded[i] = new Event.DecodedVideoFrame("1100000000000000004", 107063, 640, 360, jpeg, 3000L * i,
                    "screen", "100", 0.02, 0.05, false);
        }
        commandLine = ("{\"type\":\"subscribe_user_video\",\"userId\":\"1100000000000000004\",\"maxFramesPerSecond\":2,"
                + "\"preferredQuality\":100,\"preferredPixelCount\":921600,\"preferredStreamType\":\"screen\","
                + "\"jpegQuality\":75}").getBytes(StandardCharsets.UTF_8);
    }

    @TearDown
    public void tearDown() {
        writer.close();
    }

    private void awaitWritten(EventType.Lane lane, long target) {
        while (writer.counters(lane).written() < target) {
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @OperationsPerInvocation(CONTROL_BATCH)
    public void controlEvents() {
        long target = writer.counters(EventType.Lane.CONTROL).written() + CONTROL_BATCH;
        for (Event.TransportState e : control) {
            writer.emit(e);
        }
        awaitWritten(EventType.Lane.CONTROL, target);
    }

    @Benchmark
    @OperationsPerInvocation(CONTROL_BATCH)
    public void controlJacksonOnly() throws IOException {
        for (Event.TransportState e : control) {
            jackson.writeValue(out, e);
        }
    }

    @Benchmark
    @OperationsPerInvocation(VIDEO_BATCH)
    public void decodedFrames() {
        long target = writer.counters(EventType.Lane.VIDEO).written() + VIDEO_BATCH;
        for (Event.DecodedVideoFrame e : decoded) {
            if (!writer.emit(e)) {
                throw new IllegalStateException("video lane dropped an event: the batch must fit the lane");
            }
        }
        awaitWritten(EventType.Lane.VIDEO, target);
    }

    @Benchmark
    @OperationsPerInvocation(VIDEO_BATCH)
    public void decodedJacksonOnly() throws IOException {
        for (Event.DecodedVideoFrame e : decoded) {
            jackson.writeValue(out, e);
        }
    }

    @Benchmark
    public CommandParser.Result parseCommand() {
        return parser.parse(commandLine, 0, commandLine.length);
    }

    @Benchmark
    public void parseJacksonTreeOnly(Blackhole bh) throws IOException {
        bh.consume(mapper.readTree(commandLine));
    }
}
