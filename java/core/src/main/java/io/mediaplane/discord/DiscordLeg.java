package io.mediaplane.discord;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediaplane.crypto.DiscordAeadMode;
import io.mediaplane.crypto.DiscordTransportCipher;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One Discord media connection ({@link LegRole}): a voice gateway WebSocket and a UDP path with its own
 * transport key. {@link #connect} starts it; progress arrives as {@link LegListener} events.
 *
 * <p>Handshake (Discord voice docs "Voice Connections"): Hello (OP8) → Identify (OP0: server/user/session ids,
 * token, {@code video}, {@code streams}, {@code max_dave_protocol_version}) → Ready (OP2: SSRC, address, modes,
 * streams) → UDP IP discovery → Select Protocol (OP1: AES-256-GCM rtpsize when offered, else XChaCha20; codecs)
 * → Session Description (OP4: key, mode, DAVE version) → ready; then Speaking (OP5) and Video (OP12)
 * announcements. Heartbeats (OP3 with {@code seq_ack}) run at Hello's interval.
 *
 * <p>Recovery: a close below 4000 or 4015 resumes (new WebSocket, Hello, Resume OP7 with the last sequence
 * number; the UDP path and key stay); 4014, 4021 and 4022 stop the leg ({@link LegState#DISCONNECTED}); other
 * codes, a failed handshake step, or a UDP path whose keepalives go unanswered start over with a fresh Identify
 * and UDP socket. Attempts back off 0.5, 1, 2, 4, 8 s and give up after {@link LegConfig#maxReconnectAttempts}.
 *
 * <p>Threads: one gateway thread per leg runs every gateway message, timer and state change in order; the UDP
 * receive thread runs the watch pipeline; a publishing leg has a sender thread. {@link #close} stops all three.
 */
public final class DiscordLeg implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DiscordLeg.class.getName());
    private static final long DEFAULT_HEARTBEAT_MS = 13_750; // clankvox's fallback when Hello has none

    private final LegConfig config;
    private final LegListener listener;
    private final LegStats stats = new LegStats();
    private final ScheduledExecutorService gateway;
    private final HttpClient http;
    private final VideoReceiver receiver;
    private final VideoPublisher publisher;
    private final Set<Long> users = ConcurrentHashMap.newKeySet();
    private final Map<Long, List<Integer>> videoSsrcsByUser = new HashMap<>(); // gateway thread
    private final DaveHook.GatewaySender daveSender = new DaveHook.GatewaySender() {
        @Override
        public void sendJson(int opcode, String payloadJson) {
            onGateway(() -> send(GatewayCodec.raw(opcode, payloadJson)));
        }

        @Override
        public void sendBinary(int opcode, byte[] payload) {
            byte[] frame = new byte[payload.length + 1];
            frame[0] = (byte) opcode;
            System.arraycopy(payload, 0, frame, 1, payload.length);
            onGateway(() -> sendBinaryFrame(frame));
        }
    };

    private volatile LegState state = LegState.IDLE;
    private volatile MediaTransport transport;
    private volatile DiscordTransportCipher cipher;
    private volatile GatewayCodec.Ready ready;
    private volatile DiscordAeadMode mode;
    private volatile int daveProtocolVersion;
    private volatile String videoCodec;
    private volatile boolean closing;

    // gateway thread only
    private WebSocket socket;
    private int generation;
    private long lastSeq = -1;
    private boolean resumeWanted;
    private int attempts;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> keepalive;
    private ScheduledFuture<?> stepTimeout;
    private boolean publishingAnnounced;

    private DiscordLeg(LegConfig config, LegListener listener) {
        this.config = config;
        this.listener = listener;
        this.gateway = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("discord-" + config.role().wireName() + "-gateway").factory());
        this.http = HttpClient.newBuilder().connectTimeout(config.handshakeTimeout()).build();
        this.receiver = new VideoReceiver(this, stats, listener, config.frameCrypto());
        this.publisher = config.role() == LegRole.STREAM_PUBLISH
                ? new VideoPublisher(this, stats, config.publishSettings(), config.frameCrypto()) : null;
        if (publisher != null) {
            receiver.onKeyframeRequest(publisher::onKeyframeRequest);
            receiver.onNack(publisher::onNack);
        }
    }

    /** Creates the leg and starts connecting; returns at once. */
    public static DiscordLeg connect(LegConfig config, LegListener listener) {
        DiscordLeg leg = new DiscordLeg(config, listener == null ? new LegListener() { } : listener);
        leg.onGateway(leg::openSocket);
        return leg;
    }

    // ---- public view ----------------------------------------------------------------------------------------

    public LegConfig config() {
        return config;
    }

    public LegRole role() {
        return config.role();
    }

    public LegState state() {
        return state;
    }

    public LegStats stats() {
        return stats;
    }

    /** Our audio SSRC from Ready (0 before). */
    public int ssrc() {
        GatewayCodec.Ready r = ready;
        return r == null ? 0 : r.ssrc();
    }

    /** The video layers Ready assigned us (empty before Ready). */
    public List<VideoStreamDescriptor> readyStreams() {
        GatewayCodec.Ready r = ready;
        return r == null ? List.of() : r.streams();
    }

    /** The transport mode in use (null before Session Description). */
    public DiscordAeadMode mode() {
        return mode;
    }

    /** The DAVE protocol version Session Description announced (0: none). */
    public int daveProtocolVersion() {
        return daveProtocolVersion;
    }

    /** The video codec the server chose (Session Description / Update), or null. */
    public String videoCodec() {
        return videoCodec;
    }

    /** Users the server said are in the call (OP11 minus OP13). */
    public Set<Long> connectedUsers() {
        return Set.copyOf(users);
    }

    /** The publish pipeline; only a {@link LegRole#STREAM_PUBLISH} leg has one. */
    public VideoPublisher publisher() {
        if (publisher == null) {
            throw new IllegalStateException(config.role().wireName() + " legs do not publish");
        }
        return publisher;
    }

    /**
     * Tells the server which layers we want (OP15, the documented flat form): SSRC → quality 0..100, {@code any}
     * for the rest, optional pixel counts.
     */
    public void setMediaSinkWants(Map<Integer, Integer> qualities, int any, Map<Integer, Double> pixelCounts) {
        String msg = GatewayCodec.sinkWants(Map.copyOf(qualities), any,
                pixelCounts == null ? Map.of() : Map.copyOf(pixelCounts));
        onGateway(() -> send(msg));
    }

    /** Asks the sender of {@code ssrc} for a keyframe (PLI + FIR), unless one was asked for very recently. */
    public void requestKeyframe(int ssrc) {
        receiver.requestKeyframe(ssrc);
    }

    /** Waits until the leg is in {@code wanted} (or a terminal state); returns whether it reached {@code wanted}. */
    public boolean awaitState(LegState wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (state != wanted && !state.isTerminal()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return state == wanted;
        }
    }

    /** Closes the WebSocket (1000), the UDP socket and every thread; reports the video of every user as ended. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (publisher != null) {
            publisher.close();
        }
        try {
            gateway.submit(() -> {
                generation++;
                cancelTimers();
                if (socket != null) {
                    socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
                    socket.abort();
                }
                endAllVideo();
                closeTransport();
                setState(LegState.DISCONNECTED, "closed");
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            closeTransport();
        }
        gateway.shutdownNow();
        receiver.close();
        http.close();
    }

    // ---- package API for the pipelines -------------------------------------------------------------------------

    DiscordTransportCipher cipher() {
        return cipher;
    }

    MediaTransport transport() {
        return transport;
    }

    int publishVideoSsrc() {
        GatewayCodec.Ready r = ready;
        if (r == null) {
            return 0;
        }
        return r.videoSsrc() != 0 ? r.videoSsrc() : r.streams().isEmpty() ? 0 : r.streams().getFirst().ssrc();
    }

    /** The RTX SSRC of our video layer: Ready's, else the video SSRC + 1 (userdoccers). */
    int publishRtxSsrc() {
        GatewayCodec.Ready r = ready;
        int video = publishVideoSsrc();
        if (r != null) {
            for (VideoStreamDescriptor s : r.streams()) {
                if (s.ssrc() == video && s.rtxSsrc() != 0) {
                    return s.rtxSsrc();
                }
            }
        }
        return video + 1;
    }

    void announcePublishing(boolean active) {
        onGateway(() -> {
            publishingAnnounced = active;
            if (state == LegState.READY) {
                sendPublishAnnouncements();
            }
        });
    }

    void publishStateChanged(PublishState to, String reason) {
        onGateway(() -> safely(() -> listener.onPublishState(this, to, reason)));
    }

    // ---- gateway thread ---------------------------------------------------------------------------------------

    private void onGateway(Runnable r) {
        if (gateway.isShutdown()) {
            return;
        }
        try {
            gateway.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "discord " + role().wireName() + " gateway step failed", e);
                    error(LegError.UNEXPECTED_GATEWAY_MESSAGE, String.valueOf(e));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private URI gatewayUri() {
        String endpoint = config.endpoint();
        String base = endpoint.startsWith("ws://") || endpoint.startsWith("wss://") ? endpoint : "wss://" + endpoint;
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + "/?v=" + config.gatewayVersion());
    }

    private void openSocket() {
        if (closing) {
            return;
        }
        int gen = ++generation;
        setState(resumeWanted ? LegState.RESUMING : state == LegState.RECONNECTING ? LegState.RECONNECTING
                : LegState.CONNECTING, null);
        armStepTimeout("Hello");
        http.newWebSocketBuilder().connectTimeout(config.handshakeTimeout())
                .buildAsync(gatewayUri(), new SocketListener(gen))
                .whenComplete((ws, err) -> onGateway(() -> {
                    if (gen != generation) {
                        if (ws != null) {
                            ws.abort();
                        }
                        return;
                    }
                    if (err != null) {
                        error(LegError.CONNECT_FAILED, String.valueOf(err.getCause() != null ? err.getCause() : err));
                        connectionLost(1006, "connect failed");
                    }
                }));
    }

    /** Receives WebSocket callbacks and moves them onto the gateway thread, tagged with their socket's generation. */
    private final class SocketListener implements WebSocket.Listener {
        private final int gen;
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        SocketListener(int gen) {
            this.gen = gen;
        }

        @Override
        public void onOpen(WebSocket ws) {
            // runs before any onText, so the socket is known on the gateway thread before Hello is handled
            onGateway(() -> {
                if (gen == generation) {
                    socket = ws;
                } else {
                    ws.abort();
                }
            });
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (text.length() + data.length() <= GatewayCodec.MAX_MESSAGE_CHARS + 1) {
                text.append(data);
            }
            if (last) {
                String message = text.toString();
                text.setLength(0);
                onGateway(() -> handleText(gen, message));
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            if (binary.size() + chunk.length <= GatewayCodec.MAX_MESSAGE_CHARS) {
                binary.writeBytes(chunk);
            }
            if (last) {
                byte[] frame = binary.toByteArray();
                binary.reset();
                onGateway(() -> handleBinary(gen, frame));
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            onGateway(() -> onClosed(gen, statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            onGateway(() -> onClosed(gen, 1006, String.valueOf(error)));
        }
    }

    private void handleText(int gen, String text) {
        if (gen != generation || closing) {
            return;
        }
        GatewayMessage msg = GatewayCodec.parse(text);
        if (msg == null) {
            error(LegError.MALFORMED_GATEWAY_MESSAGE, "not a gateway message: " + abbreviate(text));
            return;
        }
        if (msg.seq() >= 0) {
            lastSeq = msg.seq();
        }
        VoiceOpcode op = msg.opcode();
        if (op == null) {
            return; // opcodes newer than this client: ignored, as Discord's clients do
        }
        JsonNode d = msg.d();
        switch (op) {
            case HELLO -> onHello(d);
            case READY -> onReady(d);
            case SESSION_DESCRIPTION -> onSessionDescription(d);
            case RESUMED -> onResumed();
            case HEARTBEAT_ACK -> stats.count(LegStats.Counter.HEARTBEAT_ACKS);
            case SPEAKING -> onSpeaking(d);
            case VIDEO -> onVideo(d);
            case CLIENTS_CONNECT -> onClientsConnect(d);
            case CLIENT_DISCONNECT -> onClientDisconnect(d);
            case MEDIA_SINK_WANTS -> onSinkWants(d);
            case SESSION_UPDATE -> {
                String codec = GatewayCodec.parseSessionUpdateVideoCodec(d);
                if (codec != null) {
                    videoCodec = codec;
                }
            }
            default -> {
                if (op.isDave()) {
                    config.daveHook().onJson(op, d == null ? "null" : d.toString(), daveSender);
                }
                // 16 backend version, 18 client flags, 20 client platform: informational
            }
        }
    }

    private void handleBinary(int gen, byte[] frame) {
        if (gen != generation || closing) {
            return;
        }
        if (frame.length < 3) {
            error(LegError.MALFORMED_BINARY_FRAME, "binary frame of " + frame.length + " bytes");
            return;
        }
        int seq = (frame[0] & 0xFF) << 8 | frame[1] & 0xFF;
        lastSeq = seq;
        int op = frame[2] & 0xFF;
        byte[] payload = java.util.Arrays.copyOfRange(frame, 3, frame.length);
        config.daveHook().onBinary(seq, op, payload, daveSender);
    }

    private void onHello(JsonNode d) {
        long interval = GatewayCodec.parseHello(d);
        if (interval < 0) {
            error(LegError.MALFORMED_GATEWAY_MESSAGE, "Hello without a usable heartbeat_interval");
            interval = DEFAULT_HEARTBEAT_MS;
        }
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        heartbeat = gateway.scheduleAtFixedRate(this::sendHeartbeat, interval, interval, TimeUnit.MILLISECONDS);
        if (resumeWanted) {
            send(GatewayCodec.resume(config, lastSeq));
            armStepTimeout("Resumed");
        } else {
            List<VideoStreamDescriptor> offered = List.of(new VideoStreamDescriptor("screen", "100", 0, 0, true, 100,
                    0, 0, null, 0, 0));
            send(GatewayCodec.identify(config, offered));
            setState(LegState.IDENTIFYING, null);
            armStepTimeout("Ready");
        }
    }

    private void sendHeartbeat() {
        if (send(GatewayCodec.heartbeat(System.currentTimeMillis(), lastSeq))) {
            stats.count(LegStats.Counter.HEARTBEATS_SENT);
        }
    }

    private void onReady(JsonNode d) {
        if (state != LegState.IDENTIFYING) {
            error(LegError.UNEXPECTED_GATEWAY_MESSAGE, "Ready in state " + state);
            return;
        }
        GatewayCodec.Ready r = GatewayCodec.parseReady(d);
        if (r == null) {
            error(LegError.MALFORMED_GATEWAY_MESSAGE, "malformed Ready");
            connectionLost(4002, "malformed Ready");
            return;
        }
        DiscordAeadMode chosen = chooseMode(r.modes());
        if (chosen == null) {
            error(LegError.NO_SUPPORTED_MODE, "offered modes " + r.modes());
            fail("no supported encryption mode in " + r.modes());
            return;
        }
        ready = r;
        setState(LegState.DISCOVERING, null);
        closeTransport();
        IpDiscovery.Result external;
        try {
            MediaTransport t = MediaTransport.open(new InetSocketAddress(InetAddress.getByName(r.ip()), r.port()));
            transport = t;
            external = t.discover(r.ssrc(), config.handshakeTimeout());
        } catch (java.io.IOException | RuntimeException e) {
            external = null;
        }
        if (external == null) {
            error(LegError.IP_DISCOVERY_FAILED, "no IP discovery response from " + r.ip() + ":" + r.port());
            connectionLost(4000, "IP discovery failed");
            return;
        }
        mode = chosen;
        send(GatewayCodec.selectProtocol(role(), external.address(), external.port(), chosen.wireName(),
                r.experiments()));
        setState(LegState.SELECTING_PROTOCOL, null);
        armStepTimeout("Session Description");
    }

    /** The configured mode when offered, else AES-256-GCM rtpsize when offered, else XChaCha20 (always offered). */
    private DiscordAeadMode chooseMode(List<String> offered) {
        List<DiscordAeadMode> order = new ArrayList<>();
        if (config.preferredMode() != null) {
            order.add(config.preferredMode());
        }
        order.add(DiscordAeadMode.AES256_GCM_RTPSIZE);
        order.add(DiscordAeadMode.XCHACHA20_POLY1305_RTPSIZE);
        for (DiscordAeadMode m : order) {
            if (offered.contains(m.wireName())) {
                return m;
            }
        }
        return null;
    }

    private void onSessionDescription(JsonNode d) {
        if (state != LegState.SELECTING_PROTOCOL) {
            error(LegError.UNEXPECTED_GATEWAY_MESSAGE, "Session Description in state " + state);
            return;
        }
        GatewayCodec.SessionDescription sd = GatewayCodec.parseSessionDescription(d);
        DiscordAeadMode m = sd == null ? null : DiscordAeadMode.of(sd.mode());
        if (sd == null || m == null) {
            error(LegError.MALFORMED_GATEWAY_MESSAGE, "malformed Session Description");
            connectionLost(4002, "malformed Session Description");
            return;
        }
        DiscordTransportCipher c = DiscordTransportCipher.create(m, sd.secretKey());
        java.util.Arrays.fill(sd.secretKey(), (byte) 0);
        mode = m;
        cipher = c;
        daveProtocolVersion = sd.daveProtocolVersion();
        if (sd.videoCodec() != null) {
            videoCodec = sd.videoCodec();
        }
        receiver.ownSsrc(ready.ssrc());
        transport.start(c, "discord-" + role().wireName() + "-udp", receiver);
        config.daveHook().onSessionDescription(sd.daveProtocolVersion(), daveSender);
        becameReady();
        long ka = config.keepaliveInterval().toMillis();
        keepalive = gateway.scheduleAtFixedRate(this::sendKeepalive, 0, ka, TimeUnit.MILLISECONDS);
    }

    private void becameReady() {
        cancelStepTimeout();
        attempts = 0;
        setState(LegState.READY, null);
        switch (role()) {
            case VOICE -> send(GatewayCodec.speaking(1, ready.ssrc()));
            case STREAM_WATCH -> announceInactiveVideo();
            case STREAM_PUBLISH -> sendPublishAnnouncements();
        }
    }

    /** A receive-only leg announces its layers inactive, as clankvox and Discord's clients do. */
    private void announceInactiveVideo() {
        List<VideoStreamDescriptor> streams = ready.streams().stream().map(s -> s.withActive(false)).toList();
        if (!streams.isEmpty()) {
            send(GatewayCodec.video(ready.ssrc(), streams));
        }
    }

    private void sendPublishAnnouncements() {
        GatewayCodec.Ready r = ready;
        if (r == null) {
            return;
        }
        PublishSettings ps = config.publishSettings();
        int video = publishVideoSsrc();
        VideoStreamDescriptor layer = r.streams().isEmpty()
                ? VideoStreamDescriptor.defaultScreen(video, video + 1)
                : r.streams().getFirst();
        layer = layer.withLimits(ps.maxBitrate(), ps.framesPerSecond(), ps.width(), ps.height())
                .withActive(publishingAnnounced);
        // Ready lists a stream connection's layer as type "video" even though Identify offered "screen"; the
        // announcement says what is sent (a screen share, as offered), or watchers see a camera stream
        layer = new VideoStreamDescriptor("screen", layer.rid() == null ? "100" : layer.rid(), layer.ssrc(),
                layer.rtxSsrc(), layer.active(), layer.quality(), layer.maxBitrate(), layer.maxFramerate(),
                layer.resolutionType() == null ? "fixed" : layer.resolutionType(), layer.maxWidth(),
                layer.maxHeight());
        send(GatewayCodec.video(r.ssrc(), List.of(layer)));
        send(GatewayCodec.speaking(publishingAnnounced ? 2 : 0, r.ssrc()));
    }

    private void onResumed() {
        if (state != LegState.RESUMING) {
            error(LegError.UNEXPECTED_GATEWAY_MESSAGE, "Resumed in state " + state);
            return;
        }
        resumeWanted = false;
        stats.count(LegStats.Counter.RESUMES);
        cancelStepTimeout();
        attempts = 0;
        setState(LegState.READY, "resumed");
    }

    private void onSpeaking(JsonNode d) {
        GatewayCodec.Speaking s = GatewayCodec.parseSpeaking(d);
        if (s == null) {
            error(LegError.MALFORMED_GATEWAY_MESSAGE, "malformed Speaking");
            return;
        }
        safely(() -> listener.onSpeaking(this, s.userId(), s.ssrc(), s.flags()));
    }

    private void onVideo(JsonNode d) {
        GatewayCodec.Video v = GatewayCodec.parseVideo(d);
        if (v == null) {
            error(LegError.MALFORMED_GATEWAY_MESSAGE, "malformed Video");
            return;
        }
        if (v.userId() == 0) {
            return; // an echo of our own announcement
        }
        List<VideoStreamDescriptor> streams = v.streams();
        // layers, when listed, say it (clankvox and Discord-video-stream keep the SSRCs and clear "active");
        // otherwise video_ssrc 0 clears (userdoccers)
        boolean active = streams.isEmpty() ? v.videoSsrc() != 0
                : streams.stream().anyMatch(VideoStreamDescriptor::active);
        if (!active) {
            endVideo(v.userId());
            return;
        }
        List<Integer> ssrcs = new ArrayList<>();
        if (streams.isEmpty()) {
            int rtx = v.rtxSsrc() != 0 ? v.rtxSsrc() : v.videoSsrc() + 1;
            streams = List.of(new VideoStreamDescriptor(null, null, v.videoSsrc(), rtx, true, 100, 0, 0, null, 0, 0));
        }
        for (VideoStreamDescriptor s : streams) {
            boolean isNew = !receiver.isBound(s.ssrc());
            receiver.bind(s.ssrc(), new VideoReceiver.Binding(v.userId(), s.ssrc(), false, s));
            if (s.rtxSsrc() != 0) {
                receiver.bind(s.rtxSsrc(), new VideoReceiver.Binding(v.userId(), s.ssrc(), true, s));
            }
            ssrcs.add(s.ssrc());
            if (isNew && s.active()) {
                receiver.requestKeyframe(s.ssrc());
            }
        }
        videoSsrcsByUser.put(v.userId(), ssrcs);
        VideoState vs = new VideoState(role(), v.userId(), v.audioSsrc(), v.videoSsrc(),
                GatewayCodec.videoCodec(videoCodec), streams);
        safely(() -> listener.onVideoState(this, vs));
    }

    private void endVideo(long userId) {
        List<Integer> ssrcs = videoSsrcsByUser.remove(userId);
        receiver.unbindUser(userId);
        if (ssrcs != null) {
            for (int ssrc : ssrcs) {
                safely(() -> listener.onVideoEnd(this, userId, ssrc));
            }
        }
    }

    private void endAllVideo() {
        for (Long user : List.copyOf(videoSsrcsByUser.keySet())) {
            endVideo(user);
        }
    }

    private void onClientsConnect(JsonNode d) {
        Set<Long> ids = GatewayCodec.parseClientsConnect(d);
        if (ids == null) {
            error(LegError.MALFORMED_GATEWAY_MESSAGE, "malformed Clients Connect");
            return;
        }
        users.addAll(ids);
        Set<Long> inOrder = java.util.Collections.unmodifiableSet(ids); // the server's order
        config.daveHook().onClientsConnect(inOrder);
        safely(() -> listener.onClientsConnect(this, inOrder));
    }

    private void onClientDisconnect(JsonNode d) {
        Long id = GatewayCodec.parseClientDisconnect(d);
        if (id == null) {
            error(LegError.MALFORMED_GATEWAY_MESSAGE, "malformed Client Disconnect");
            return;
        }
        users.remove(id);
        endVideo(id);
        config.daveHook().onClientDisconnect(id);
        safely(() -> listener.onClientDisconnect(this, id));
    }

    private void onSinkWants(JsonNode d) {
        GatewayCodec.SinkWants w = GatewayCodec.parseSinkWants(d);
        if (w == null) {
            error(LegError.MALFORMED_GATEWAY_MESSAGE, "malformed Media Sink Wants");
            return;
        }
        safely(() -> listener.onMediaSinkWants(this, w.qualities(), w.any()));
    }

    private void sendKeepalive() {
        MediaTransport t = transport;
        if (t == null || state != LegState.READY && state != LegState.RESUMING) {
            return;
        }
        int unanswered = t.sendKeepalive();
        stats.count(LegStats.Counter.KEEPALIVES_SENT);
        if (unanswered > config.keepaliveMisses() && state == LegState.READY) {
            error(LegError.UDP_PATH_LOST, unanswered - 1 + " keepalives unanswered");
            // a lost UDP path cannot be resumed: start over with a new socket and IP discovery
            connectionLost(4000, "UDP path lost", true);
        }
    }

    // ---- closes, reconnects -----------------------------------------------------------------------------------

    private void onClosed(int gen, int code, String reason) {
        if (gen != generation || closing) {
            return;
        }
        safely(() -> listener.onGatewayClosed(this, code, reason));
        connectionLost(code, reason);
    }

    private void connectionLost(int code, String reason) {
        connectionLost(code, reason, false);
    }

    /** The WebSocket is gone (or must go): resume, reconnect or stop according to {@code code}. */
    private void connectionLost(int code, String reason, boolean forceReconnect) {
        generation++; // callbacks of the old socket are ignored from now on
        cancelStepTimeout();
        if (heartbeat != null) {
            heartbeat.cancel(false);
            heartbeat = null;
        }
        if (socket != null) {
            socket.abort();
            socket = null;
        }
        String why = VoiceCloseCode.describe(code) + (reason == null || reason.isEmpty() ? "" : ": " + reason);
        VoiceCloseCode.Action action = forceReconnect ? VoiceCloseCode.Action.RECONNECT
                : VoiceCloseCode.actionFor(code);
        boolean haveSession = cipher != null && (state == LegState.READY || state == LegState.RESUMING);
        if (action == VoiceCloseCode.Action.RESUME && !haveSession) {
            action = VoiceCloseCode.Action.RECONNECT; // nothing to resume before the first Session Description
        }
        switch (action) {
            case GIVE_UP -> {
                cancelTimers();
                endAllVideo();
                closeTransport();
                boolean forbidden = code == 4014 || code == 4021 || code == 4022;
                setState(forbidden ? LegState.DISCONNECTED : LegState.FAILED, why);
            }
            case RESUME -> {
                resumeWanted = true;
                setState(LegState.RESUMING, why);
                scheduleReconnect(why);
            }
            case RECONNECT -> {
                resumeWanted = false;
                lastSeq = -1;
                if (keepalive != null) {
                    keepalive.cancel(false);
                    keepalive = null;
                }
                endAllVideo();
                closeTransport();
                config.daveHook().onSessionLost();
                setState(LegState.RECONNECTING, why);
                scheduleReconnect(why);
            }
        }
    }

    private void scheduleReconnect(String why) {
        attempts++;
        if (attempts > config.maxReconnectAttempts()) {
            cancelTimers();
            closeTransport();
            setState(LegState.FAILED, "gave up after " + (attempts - 1) + " attempts; last: " + why);
            return;
        }
        stats.count(LegStats.Counter.RECONNECTS);
        long delay = 500L << Math.min(attempts - 1, 4);
        gateway.schedule(() -> {
            try {
                openSocket();
            } catch (RuntimeException e) {
                connectionLost(1006, String.valueOf(e));
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void fail(String why) {
        generation++;
        cancelTimers();
        if (socket != null) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
            socket.abort();
            socket = null;
        }
        closeTransport();
        setState(LegState.FAILED, why);
    }

    private void armStepTimeout(String waitingFor) {
        cancelStepTimeout();
        int gen = generation;
        stepTimeout = gateway.schedule(() -> {
            if (gen == generation && !closing && !state.isTerminal()) {
                error(LegError.UNEXPECTED_GATEWAY_MESSAGE, "no " + waitingFor + " within "
                        + config.handshakeTimeout().toMillis() + " ms");
                connectionLost(4009, "timed out waiting for " + waitingFor);
            }
        }, config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelStepTimeout() {
        if (stepTimeout != null) {
            stepTimeout.cancel(false);
            stepTimeout = null;
        }
    }

    private void cancelTimers() {
        cancelStepTimeout();
        if (heartbeat != null) {
            heartbeat.cancel(false);
            heartbeat = null;
        }
        if (keepalive != null) {
            keepalive.cancel(false);
            keepalive = null;
        }
    }

    private void closeTransport() {
        MediaTransport t = transport;
        transport = null;
        cipher = null;
        if (t != null) {
            t.close();
        }
    }

    // ---- sending, events --------------------------------------------------------------------------------------

    private boolean send(String text) {
        WebSocket ws = socket;
        if (ws == null || ws.isOutputClosed()) {
            return false;
        }
        try {
            ws.sendText(text, true).get(config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private void sendBinaryFrame(byte[] frame) {
        WebSocket ws = socket;
        if (ws == null || ws.isOutputClosed()) {
            return;
        }
        try {
            ws.sendBinary(ByteBuffer.wrap(frame), true).get(config.handshakeTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // the close that follows reports it
        }
    }

    private void setState(LegState to, String reason) {
        LegState from;
        synchronized (this) {
            from = state;
            if (from == to || from.isTerminal()) {
                return;
            }
            state = to;
            notifyAll();
        }
        safely(() -> listener.onStateChange(this, from, to, reason));
    }

    private void error(LegError kind, String message) {
        stats.count(LegStats.Counter.GATEWAY_ERRORS);
        safely(() -> listener.onError(this, kind, message));
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            stats.count(LegStats.Counter.LISTENER_FAILURES);
            LOG.log(System.Logger.Level.WARNING, "listener failed", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "…";
    }

    @Override
    public String toString() {
        return "DiscordLeg[" + role().wireName() + " " + config.serverId() + " " + state + "]";
    }
}
