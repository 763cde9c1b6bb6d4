package io.mediaplane.ipc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The control-plane protocol daemon: reads command lines from {@code in}, carries them out on a {@link
 * MediaBackend}, and writes events to {@code out} through an {@link EventWriter}. Bad input is answered with an
 * {@code error} event and reading goes on. End of input, {@code destroy}, or a failed output stops it: the backend
 * is closed (legs, their threads), queued events are written, and {@link #run} returns.
 */
public final class IpcDaemon {
    private static final System.Logger LOG = System.getLogger(IpcDaemon.class.getName());

    /** Why the daemon stopped. */
    public enum Stop {
        END_OF_INPUT(0), DESTROY(0), STOPPED(0), OUTPUT_FAILED(1), INPUT_FAILED(1);

        private final int exitStatus;

        Stop(int exitStatus) {
            this.exitStatus = exitStatus;
        }

        public int exitStatus() {
            return exitStatus;
        }
    }

    /** Counts of input lines by outcome. */
    public static final class InputCounters {
        final AtomicLong commands = new AtomicLong();
        final AtomicLong invalidJson = new AtomicLong();
        final AtomicLong invalidRequest = new AtomicLong();
        final AtomicLong tooLarge = new AtomicLong();
        final AtomicLong unsupported = new AtomicLong();

        public long commands() { return commands.get(); }
        public long invalidJson() { return invalidJson.get(); }
        public long invalidRequest() { return invalidRequest.get(); }
        public long tooLarge() { return tooLarge.get(); }
        public long unsupported() { return unsupported.get(); }
    }

    private final InputStream in;
    private final EventWriter writer;
    private final MediaBackend backend;
    private final CommandParser parser = new CommandParser();
    private final InputCounters inputCounters = new InputCounters();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicReference<Stop> stop = new AtomicReference<>();
    private final int maxLineBytes;

    // the main voice leg's inputs, gathered from join / voice_server / voice_state (command thread only)
    private String guildId;
    private String channelId;
    private String voiceEndpoint;
    private String voiceToken;
    private String voiceSessionId;
    private String voiceUserId;
    private LegCredentials voiceConnected;

    /**
     * @param backendFactory makes the backend given the event sink it reports to
     */
    public IpcDaemon(InputStream in, OutputStream out, Function<Consumer<Event>, MediaBackend> backendFactory) {
        this(in, out, LineReader.MAX_LINE_BYTES, backendFactory);
    }

    public IpcDaemon(InputStream in, OutputStream out, int maxLineBytes,
                     Function<Consumer<Event>, MediaBackend> backendFactory) {
        this.in = Objects.requireNonNull(in);
        this.maxLineBytes = maxLineBytes;
        this.writer = new EventWriter(out, () -> requestStop(Stop.OUTPUT_FAILED));
        MediaBackend b;
        try {
            b = Objects.requireNonNull(backendFactory.apply(writer::emit), "backend");
        } catch (RuntimeException | Error e) {
            writer.close();
            throw e;
        }
        this.backend = b;
    }

    /**
     * Reads and carries out commands until end of input, {@code destroy} or an output failure, then shuts down.
     * The input is read on a thread of its own so that an output failure or {@link #stop} can stop the daemon while
     * a read blocks; that (daemon) thread ends with the input.
     */
    public Stop run() {
        Thread reader = Thread.ofPlatform().name("mediaplane-ipc-reader").daemon(true).start(this::readLoop);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            requestStop(Stop.INPUT_FAILED);
        }
        Stop why = stop.get();
        LOG.log(System.Logger.Level.INFO, "ipc stopping: " + why.name().toLowerCase(java.util.Locale.ROOT));
        try {
            backend.close();
        } finally {
            writer.close();
            finished.countDown();
        }
        if (why == Stop.END_OF_INPUT || why == Stop.DESTROY) {
            joinQuietly(reader); // it has finished or is about to; otherwise it may block in a read until input ends
        }
        return why;
    }

    /**
     * Stops the daemon from another thread (a signal's shutdown hook) as {@code destroy} would, and waits up to
     * {@code timeout} for {@link #run} to have closed the legs and written the queued events.
     */
    public boolean stop(java.time.Duration timeout) throws InterruptedException {
        requestStop(Stop.STOPPED);
        return finished.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public InputCounters inputCounters() {
        return inputCounters;
    }

    public EventWriter writer() {
        return writer;
    }

    private void requestStop(Stop why) {
        if (stop.compareAndSet(null, why)) {
            stopped.countDown();
        }
    }

    private void readLoop() {
        LineReader lines = new LineReader(in, maxLineBytes);
        try {
            while (stop.get() == null) {
                LineReader.Status status = lines.next();
                switch (status) {
                    case END -> {
                        requestStop(Stop.END_OF_INPUT);
                        return;
                    }
                    case TOO_LARGE -> {
                        inputCounters.tooLarge.incrementAndGet();
                        writer.emit(Event.Error.of(ErrorCode.INPUT_TOO_LARGE, "input line of " + lines.length()
                                + " bytes is over the limit of " + maxLineBytes + " bytes"));
                    }
                    case LINE -> handleLine(lines.buffer(), (int) lines.length());
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "ipc input failed: " + e);
            requestStop(Stop.INPUT_FAILED);
        } catch (RuntimeException e) {
            // a backend bug must not leave the daemon half alive: stop cleanly and say why
            LOG.log(System.Logger.Level.ERROR, "ipc command handling failed", e);
            writer.emit(Event.Error.of(ErrorCode.VOICE_RUNTIME_ERROR, "internal error: " + e));
            requestStop(Stop.INPUT_FAILED);
        }
    }

    private void handleLine(byte[] buffer, int length) {
        if (isBlank(buffer, length)) {
            return; // clankvox skips blank lines
        }
        switch (parser.parse(buffer, 0, length)) {
            case CommandParser.Refused r -> {
                (r.error().code() == ErrorCode.INVALID_JSON ? inputCounters.invalidJson : inputCounters.invalidRequest)
                        .incrementAndGet();
                writer.emit(r.error());
            }
            case CommandParser.Parsed p -> {
                inputCounters.commands.incrementAndGet();
                execute(p.command());
            }
        }
    }

    private static boolean isBlank(byte[] b, int length) {
        for (int i = 0; i < length; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Carries out one valid command (command thread). */
    void execute(Command command) {
        if (!command.type().supported()) {
            inputCounters.unsupported.incrementAndGet();
            writer.emit(new Event.Error(ErrorCode.UNSUPPORTED_COMMAND, "command \"" + command.type().wireName()
                    + "\" is not supported: " + command.type().unsupportedBecause().orElseThrow(), null,
                    command.type().wireName()));
            return;
        }
        switch (command) {
            case Command.Join j -> join(j);
            case Command.VoiceServer vs -> voiceServer(vs.data());
            case Command.VoiceState st -> voiceState(st.data());
            case Command.StreamWatchConnect c -> backend.connect(TransportRole.STREAM_WATCH, c.credentials());
            case Command.StreamWatchDisconnect d -> backend.disconnect(TransportRole.STREAM_WATCH, d.reason());
            case Command.StreamPublishConnect c -> backend.connect(TransportRole.STREAM_PUBLISH, c.credentials());
            case Command.StreamPublishDisconnect d -> backend.disconnect(TransportRole.STREAM_PUBLISH, d.reason());
            case Command.SubscribeUserVideo s -> backend.subscribeVideo(s);
            case Command.UnsubscribeUserVideo u -> backend.unsubscribeVideo(u.userId());
            case Command.StreamPublishPlay p -> backend.publishUrl(p.url(), p.resolvedDirectUrl());
            case Command.StreamPublishBrowserStart s -> backend.publishFramesStart(s.mimeType());
            case Command.StreamPublishBrowserFrame f -> backend.publishFrame(Base64.getDecoder().decode(f.frameBase64()),
                    f.capturedAtMs());
            case Command.StreamPublishStop s -> backend.publishStop();
            case Command.StreamPublishPause s -> backend.publishPause();
            case Command.StreamPublishResume s -> backend.publishResume();
            case Command.Destroy d -> requestStop(Stop.DESTROY);
            case Command.Audio a -> throw unreachable(a);
            case Command.StopPlayback a -> throw unreachable(a);
            case Command.StopTtsPlayback a -> throw unreachable(a);
            case Command.SubscribeUser a -> throw unreachable(a);
            case Command.UnsubscribeUser a -> throw unreachable(a);
            case Command.MusicPlay a -> throw unreachable(a);
            case Command.MusicStop a -> throw unreachable(a);
            case Command.MusicPause a -> throw unreachable(a);
            case Command.MusicResume a -> throw unreachable(a);
            case Command.MusicSetGain a -> throw unreachable(a);
            case Command.StreamPublishPlayVisualizer a -> throw unreachable(a);
        }
    }

    private static IllegalStateException unreachable(Command c) {
        return new IllegalStateException(c.type() + " is unsupported and answered before dispatch");
    }

    /** clankvox answers join with the OP4 voice state update for the control plane's main gateway. */
    private void join(Command.Join j) {
        guildId = j.guildId();
        channelId = j.channelId();
        ObjectNode d = JsonNodeFactory.instance.objectNode()
                .put("guild_id", j.guildId())
                .put("channel_id", j.channelId())
                .put("self_mute", j.selfMute())
                // clankvox ignores selfDeaf: the media plane must hear the channel to capture it
                .put("self_deaf", false);
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("op", 4);
        payload.set("d", d);
        writer.emit(new Event.AdapterSend(payload));
        connectVoiceWhenComplete();
    }

    private void voiceServer(Command.VoiceServerData data) {
        if (data.endpoint() == null) {
            // Discord sends a null endpoint while it moves the voice server; a new update follows
            voiceEndpoint = null;
            disconnectVoice("voice server unavailable");
            return;
        }
        voiceEndpoint = data.endpoint();
        if (data.token() != null) {
            voiceToken = data.token();
        }
        connectVoiceWhenComplete();
    }

    private void voiceState(Command.VoiceStateData data) {
        if (data.sessionId() != null) {
            voiceSessionId = data.sessionId();
        }
        if (data.userId() != null) {
            voiceUserId = data.userId();
        }
        if (data.channelId() == null) {
            // left the channel: the voice leg has nothing to serve
            channelId = null;
            disconnectVoice("left voice channel");
            return;
        }
        channelId = data.channelId();
        connectVoiceWhenComplete();
    }

    private void connectVoiceWhenComplete() {
        if (guildId == null || channelId == null || voiceEndpoint == null || voiceToken == null
                || voiceSessionId == null || voiceUserId == null) {
            return;
        }
        LegCredentials credentials = new LegCredentials(voiceEndpoint, voiceToken, guildId, voiceSessionId,
                voiceUserId, channelId);
        if (credentials.equals(voiceConnected)) {
            return; // the same update repeated: keep the leg
        }
        voiceConnected = credentials;
        backend.connect(TransportRole.VOICE, credentials);
    }

    private void disconnectVoice(String reason) {
        if (voiceConnected != null) {
            voiceConnected = null;
            backend.disconnect(TransportRole.VOICE, reason);
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
