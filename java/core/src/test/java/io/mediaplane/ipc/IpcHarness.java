package io.mediaplane.ipc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A scripted control plane: runs a real {@link IpcDaemon} in process with its stdin and stdout on OS pipes, writes
 * command lines and collects the frames it writes (on a thread of its own, so the daemon never waits on the test).
 */
final class IpcHarness implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    final IpcDaemon daemon;
    private final OutputStream stdin;
    private final OutputStream stdoutSink;
    private final BlockingQueue<Frames.Frame> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<IpcDaemon.Stop> stopped;
    private final Thread collector;
    volatile MediaBackend backend;

    IpcHarness(Function<Consumer<Event>, MediaBackend> backendFactory) throws IOException {
        this(LineReader.MAX_LINE_BYTES, backendFactory);
    }

    IpcHarness(int maxLineBytes, Function<Consumer<Event>, MediaBackend> backendFactory) throws IOException {
        Pipe in = Pipe.open();
        Pipe out = Pipe.open();
        stdin = Channels.newOutputStream(in.sink());
        InputStream daemonIn = Channels.newInputStream(in.source());
        stdoutSink = Channels.newOutputStream(out.sink());
        InputStream stdout = Channels.newInputStream(out.source());
        daemon = new IpcDaemon(daemonIn, stdoutSink, maxLineBytes, sink -> {
            MediaBackend b = backendFactory.apply(sink);
            backend = b;
            return b;
        });
        collector = Thread.ofPlatform().name("test-frame-collector").daemon(true).start(() -> {
            Frames reader = new Frames(stdout);
            try {
                for (Frames.Frame f; (f = reader.next()) != null; ) {
                    frames.add(f);
                }
            } catch (IOException e) {
                // end of the pipe
            }
        });
        stopped = CompletableFuture.supplyAsync(daemon::run, r -> Thread.ofPlatform().name("test-daemon-run").start(r));
    }

    static IpcHarness recording() throws IOException {
        return new IpcHarness(RecordingBackend::new);
    }

    RecordingBackend recorder() {
        return (RecordingBackend) backend;
    }

    void send(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        stdin.write(bytes);
        stdin.flush();
    }

    /** The next frame, failing the test if none comes within {@link #WAIT}. */
    Frames.Frame next() throws InterruptedException {
        Frames.Frame f = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (f == null) {
            throw new AssertionError("no frame from the daemon within " + WAIT);
        }
        return f;
    }

    /** The next JSON event of the given type, skipping others (log lines, state changes). */
    Frames.Frame next(String type) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Frames.Frame f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (f != null && f.kind() == 0 && f.type().equals(type)) {
                return f;
            }
        }
        throw new AssertionError("no " + type + " event from the daemon within " + WAIT);
    }

    /** The next frame within {@code wait}, or null. */
    Frames.Frame poll(Duration wait) throws InterruptedException {
        return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes stdin (end of input) and waits for the daemon to stop. */
    IpcDaemon.Stop endInput() throws Exception {
        stdin.close();
        return awaitStop();
    }

    IpcDaemon.Stop awaitStop() throws Exception {
        IpcDaemon.Stop s = stopped.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        stdoutSink.close();
        collector.join(WAIT.toMillis());
        return s;
    }

    /**
     * Round trip: sends a command known to be refused and returns every frame that came before its answer, so
     * everything sent earlier has been handled.
     */
    java.util.List<Frames.Frame> sync() throws IOException, InterruptedException {
        send("{\"type\":\"sync-marker\"}");
        java.util.List<Frames.Frame> before = new java.util.ArrayList<>();
        while (true) {
            Frames.Frame f = next();
            if (f.kind() == 0 && f.type().equals("error") && f.json().path("message").asText().contains("sync-marker")) {
                return before;
            }
            before.add(f);
        }
    }

    @Override
    public void close() throws Exception {
        if (!stopped.isDone()) {
            endInput();
        }
    }
}
