package io.mediaplane.ipc;

import io.mediaplane.discord.DiscordLeg;
import io.mediaplane.discord.FfmpegH264Source;
import io.mediaplane.discord.FrameCryptoStatus;
import io.mediaplane.discord.LegConfig;
import io.mediaplane.discord.LegError;
import io.mediaplane.discord.LegListener;
import io.mediaplane.discord.LegRole;
import io.mediaplane.discord.LegState;
import io.mediaplane.discord.PublishState;
import io.mediaplane.discord.VideoFrame;
import io.mediaplane.discord.VideoState;
import io.mediaplane.discord.VideoStreamDescriptor;
import io.mediaplane.discord.dave.DaveGatewayHook;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The {@link MediaBackend} over real Discord legs ({@link DiscordLeg}): one leg per {@link TransportRole}, leg
 * events turned into clankvox's events, video of subscribed users decoded into {@code decoded_video_frame} JPEGs
 * ({@link ScreenWatch}) or, when asked, forwarded encoded as {@code user_video_frame}, and publishing through FFmpeg
 * ({@link FfmpegH264Source}) from a URL or from pushed PNG frames ({@link PublishSource}).
 *
 * <p>Threads: commands arrive on the daemon's command thread; leg events on each leg's gateway and UDP threads.
 * Publish work (process starts, a yt-dlp lookup) runs on one publish thread, in command order, so neither the
 * command thread nor a gateway thread waits for a process.
 */
public final class DiscordMediaBackend implements MediaBackend {
    private static final System.Logger LOG = System.getLogger(DiscordMediaBackend.class.getName());

    private final Consumer<Event> events;
    private final UnaryOperator<LegConfig.Builder> configure;
    private final Map<TransportRole, DiscordLeg> legs = new EnumMap<>(TransportRole.class); // guarded by this
    private final Map<String, Command.SubscribeUserVideo> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, ScreenWatch> screenWatches = new ConcurrentHashMap<>();
    private final boolean decodeVideo;
    private final Map<Long, VideoState> videoStates = new ConcurrentHashMap<>();
    private final Map<DiscordLeg, DaveGatewayHook> daveHooks = new ConcurrentHashMap<>();
    /** How long an ended source's stream stays announced after its last datagram left (a few frame intervals). */
    static final java.time.Duration END_LINGER = java.time.Duration.ofMillis(250);

    private final ScheduledExecutorService publishThread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("mediaplane-ipc-publish").factory());
    private final PublishSource.Resolver resolver;

    // publish thread only
    private PublishSource pending;
    private PublishSource active;

    /**
     * @param events      where events go
     * @param configure   adjusts each leg's configuration before it connects (gateway version, timeouts, DAVE)
     * @param decodeVideo true: subscribed users' video becomes {@code decoded_video_frame} JPEGs (clankvox's H264
     *                    behaviour, here for VP8 too); false: their encoded frames go out as {@code user_video_frame}
     */
    public DiscordMediaBackend(Consumer<Event> events, UnaryOperator<LegConfig.Builder> configure, boolean decodeVideo) {
        this(events, configure, decodeVideo, PublishSource.Resolver.YT_DLP);
    }

    DiscordMediaBackend(Consumer<Event> events, UnaryOperator<LegConfig.Builder> configure, boolean decodeVideo,
                        PublishSource.Resolver resolver) {
        this.events = Objects.requireNonNull(events);
        this.configure = Objects.requireNonNull(configure);
        this.decodeVideo = decodeVideo;
        this.resolver = resolver;
    }

    public DiscordMediaBackend(Consumer<Event> events) {
        this(events, UnaryOperator.identity(), true);
    }

    private static LegRole legRole(TransportRole role) {
        return switch (role) {
            case VOICE -> LegRole.VOICE;
            case STREAM_WATCH -> LegRole.STREAM_WATCH;
            case STREAM_PUBLISH -> LegRole.STREAM_PUBLISH;
        };
    }

    private static TransportRole transportRole(LegRole role) {
        return switch (role) {
            case VOICE -> TransportRole.VOICE;
            case STREAM_WATCH -> TransportRole.STREAM_WATCH;
            case STREAM_PUBLISH -> TransportRole.STREAM_PUBLISH;
        };
    }

    @Override
    public void connect(TransportRole role, LegCredentials c) {
        long userId;
        try {
            userId = Long.parseUnsignedLong(c.userId());
        } catch (NumberFormatException e) {
            events.accept(new Event.Error(role.connectFailed(), "userId \"" + CommandParser.clip(c.userId())
                    + "\" is not a Discord snowflake", "userId", null));
            return;
        }
        LegConfig config;
        DaveGatewayHook dave = daveHook(role, userId, c.daveChannelId());
        try {
            LegConfig.Builder builder = LegConfig.builder(legRole(role), c.endpoint(), c.serverId(), userId,
                    c.sessionId(), c.token()).channelId(c.daveChannelId());
            if (dave != null) {
                builder.daveHook(dave).frameCrypto(dave.frameCrypto());
            }
            config = configure.apply(builder).build();
        } catch (RuntimeException e) {
            if (dave != null) {
                dave.close();
            }
            events.accept(Event.Error.of(role.connectFailed(), "cannot connect " + role.wireName() + ": " + e.getMessage()));
            return;
        }
        DiscordLeg old;
        synchronized (this) {
            old = legs.remove(role);
        }
        if (old != null) {
            closeLeg(role, old);
        }
        LOG.log(System.Logger.Level.INFO, "connecting " + role.wireName() + " " + c);
        DiscordLeg leg = DiscordLeg.connect(config, new Listener(role));
        if (dave != null && config.daveHook() == dave) {
            daveHooks.put(leg, dave);
            if (leg.state().isTerminal()) {
                closeDave(leg);
            }
        } else if (dave != null) {
            dave.close(); // the configure step chose other crypto
        }
        synchronized (this) {
            legs.put(role, leg);
        }
    }

    /**
     * The leg's own DAVE session, as clankvox makes one per connection (davey {@code DaveSession::new(pv, user_id,
     * channel_id)}): the MLS group id is {@code daveChannelId}, the voice channel id for the voice leg and
     * rtc_server_id − 1 for Go Live legs (the control plane computes it). Null, with a log line, when that is not a
     * snowflake: the leg then runs without end-to-end encryption (protocol version 0).
     */
    private static DaveGatewayHook daveHook(TransportRole role, long userId, String daveChannelId) {
        long group;
        try {
            group = Long.parseUnsignedLong(daveChannelId == null ? "" : daveChannelId);
        } catch (NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, role.wireName() + ": daveChannelId \""
                    + CommandParser.clip(String.valueOf(daveChannelId)) + "\" is not a snowflake: no DAVE");
            return null;
        }
        return new DaveGatewayHook(userId, group);
    }

    /** Closes the leg's DAVE session once the leg is done with it. */
    private void closeDave(DiscordLeg leg) {
        DaveGatewayHook dave = daveHooks.remove(leg);
        if (dave != null) {
            dave.close();
        }
    }

    @Override
    public void disconnect(TransportRole role, String reason) {
        DiscordLeg leg;
        synchronized (this) {
            leg = legs.remove(role);
        }
        if (leg == null) {
            events.accept(new Event.TransportState(role, Event.TransportStatus.DISCONNECTED, reason));
            return;
        }
        LOG.log(System.Logger.Level.INFO, "disconnecting " + role.wireName() + (reason == null ? "" : ": " + reason));
        closeLeg(role, leg);
    }

    private void closeLeg(TransportRole role, DiscordLeg leg) {
        if (role == TransportRole.STREAM_PUBLISH) {
            onPublishThread(this::stopSource);
        }
        leg.close();
    }

    private synchronized DiscordLeg leg(TransportRole role) {
        return legs.get(role);
    }

    // ---- video watch ------------------------------------------------------------------------------------------

    @Override
    public void subscribeVideo(Command.SubscribeUserVideo s) {
        subscriptions.put(s.userId(), s);
        if (decodeVideo) {
            ScreenWatch old = screenWatches.put(s.userId(), new ScreenWatch(s, events, ssrc -> requestKeyframe(s.userId(), ssrc)));
            if (old != null) {
                old.close();
            }
        }
        try {
            VideoState state = videoStates.get(Long.parseUnsignedLong(s.userId()));
            if (state != null) {
                askForVideo(state, s);
            }
        } catch (NumberFormatException e) {
            // not a snowflake: no Discord user will match; the subscription stays harmless
        }
    }

    @Override
    public void unsubscribeVideo(String userId) {
        subscriptions.remove(userId);
        ScreenWatch w = screenWatches.remove(userId);
        if (w != null) {
            w.close();
        }
    }

    /** A decoder wants a keyframe: ask the leg that carries the user's video (PLI/FIR, coalesced by the leg). */
    private void requestKeyframe(String userId, int ssrc) {
        try {
            VideoState state = videoStates.get(Long.parseUnsignedLong(userId));
            DiscordLeg leg = state == null ? null : leg(transportRole(state.role()));
            if (leg != null) {
                leg.requestKeyframe(ssrc);
            }
        } catch (NumberFormatException e) {
            // not a snowflake: no leg carries it
        }
    }

    /** Tells the leg carrying the user's video which layers we want (OP15) and asks for a keyframe to start on. */
    private void askForVideo(VideoState state, Command.SubscribeUserVideo s) {
        DiscordLeg leg = leg(transportRole(state.role()));
        if (leg == null) {
            return;
        }
        Map<Integer, Integer> qualities = new HashMap<>();
        Map<Integer, Double> pixels = new HashMap<>();
        for (VideoStreamDescriptor d : state.streams()) {
            if (d.ssrc() == 0 || s.preferredStreamType() != null && d.type() != null
                    && !d.type().equals(s.preferredStreamType())) {
                continue;
            }
            qualities.put(d.ssrc(), s.preferredQuality());
            if (s.preferredPixelCount() != null) {
                pixels.put(d.ssrc(), s.preferredPixelCount().doubleValue());
            }
        }
        if (qualities.isEmpty() && state.videoSsrc() != 0) {
            qualities.put(state.videoSsrc(), s.preferredQuality());
        }
        if (qualities.isEmpty()) {
            return;
        }
        leg.setMediaSinkWants(qualities, s.preferredQuality(), pixels);
        for (int ssrc : qualities.keySet()) {
            leg.requestKeyframe(ssrc);
        }
    }

    private static Event.UserVideoState userVideoState(VideoState s) {
        List<Event.VideoStream> streams = new ArrayList<>();
        for (VideoStreamDescriptor d : s.streams()) {
            streams.add(new Event.VideoStream(Integer.toUnsignedLong(d.ssrc()),
                    d.rtxSsrc() == 0 ? null : Integer.toUnsignedLong(d.rtxSsrc()), d.rid(), d.quality(), d.type(),
                    d.active(), d.maxBitrate() == 0 ? null : d.maxBitrate(),
                    d.maxFramerate() == 0 ? null : d.maxFramerate(),
                    d.maxWidth() == 0 && d.maxHeight() == 0 && d.resolutionType() == null ? null
                            : new Event.MaxResolution(d.maxWidth(), d.maxHeight(), d.resolutionType())));
        }
        return new Event.UserVideoState(Long.toUnsignedString(s.userId()),
                s.audioSsrc() == 0 ? null : Integer.toUnsignedLong(s.audioSsrc()),
                s.videoSsrc() == 0 ? null : Integer.toUnsignedLong(s.videoSsrc()),
                s.codec() == null ? null : s.codec().name(), streams);
    }

    // ---- publish ----------------------------------------------------------------------------------------------

    @Override
    public void publishUrl(String url, boolean resolvedDirectUrl) {
        onPublishThread(() -> startWhenReady(new PublishSource.Url(url, resolvedDirectUrl, resolver)));
    }

    @Override
    public void publishFramesStart(String mimeType) {
        onPublishThread(() -> startWhenReady(new PublishSource.PngFrames()));
    }

    @Override
    public void publishFrame(byte[] png, long capturedAtMs) {
        onPublishThread(() -> {
            PublishSource s = active != null ? active : pending;
            if (s instanceof PublishSource.PngFrames frames) {
                frames.push(png, capturedAtMs);
            } else {
                LOG.log(System.Logger.Level.DEBUG, "browser frame without stream_publish_browser_start: dropped");
            }
        });
    }

    @Override
    public void publishStop() {
        onPublishThread(() -> {
            pending = null;
            stopSource();
        });
    }

    @Override
    public void publishPause() {
        onPublishThread(() -> {
            DiscordLeg leg = leg(TransportRole.STREAM_PUBLISH);
            if (leg != null && active != null) {
                leg.publisher().pause();
            }
        });
    }

    @Override
    public void publishResume() {
        onPublishThread(() -> {
            DiscordLeg leg = leg(TransportRole.STREAM_PUBLISH);
            if (leg != null && active != null) {
                leg.publisher().resume();
            }
        });
    }

    /** Publish thread: start now if the publish leg is ready, else when it becomes ready (as clankvox does). */
    private void startWhenReady(PublishSource source) {
        stopSource();
        pending = source;
        startPending();
    }

    private void startPending() {
        DiscordLeg leg = leg(TransportRole.STREAM_PUBLISH);
        if (pending == null || leg == null || leg.state() != LegState.READY) {
            return;
        }
        PublishSource source = pending;
        pending = null;
        try {
            leg.publisher().start();
            source.start(leg, this::sourceEnded);
            active = source;
        } catch (IOException | RuntimeException e) {
            leg.publisher().stop();
            events.accept(Event.Error.of(ErrorCode.VOICE_RUNTIME_ERROR, "stream_publish source failed to start: " + e.getMessage()));
        }
    }

    /**
     * A source ran out (end of file, FFmpeg exit) and the publisher has sent the last access unit it produced
     * ({@link io.mediaplane.discord.VideoPublisher#drained}): the stream goes idle. Called from the source's thread.
     */
    private void sourceEnded(PublishSource source, String reason) {
        // The stop announcement (Video/Speaking over the gateway WebSocket) makes watchers end the stream, and it
        // can overtake the last datagrams still crossing the media relay: announce after a short linger, as an
        // RTCP BYE follows the last packet rather than racing it.
        if (publishThread.isShutdown()) {
            return;
        }
        try {
            publishThread.schedule(() -> onPublishThread(() -> {
                if (active == source) {
                    LOG.log(System.Logger.Level.INFO, "stream_publish source ended: " + reason);
                    stopSource();
                }
            }), END_LINGER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the backend is closing, which stops the source itself
        }
    }

    private void stopSource() {
        PublishSource s = active;
        active = null;
        if (s != null) {
            s.close();
            DiscordLeg leg = leg(TransportRole.STREAM_PUBLISH);
            if (leg != null) {
                leg.publisher().stop();
            }
        }
    }

    private void onPublishThread(Runnable r) {
        if (publishThread.isShutdown()) {
            return;
        }
        try {
            publishThread.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "stream_publish step failed", e);
                    events.accept(Event.Error.of(ErrorCode.VOICE_RUNTIME_ERROR, "stream_publish: " + e));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    @Override
    public void close() {
        onPublishThread(() -> {
            pending = null;
            stopSource();
        });
        publishThread.shutdown();
        try {
            if (!publishThread.awaitTermination(10, TimeUnit.SECONDS)) {
                publishThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            publishThread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        List<DiscordLeg> open;
        synchronized (this) {
            open = new ArrayList<>(legs.values());
            legs.clear();
        }
        for (DiscordLeg leg : open) {
            leg.close();
            closeDave(leg);
        }
        for (String user : List.copyOf(screenWatches.keySet())) {
            ScreenWatch w = screenWatches.remove(user);
            if (w != null) {
                w.close();
            }
        }
    }

    // ---- leg events -------------------------------------------------------------------------------------------

    /** One leg's events as clankvox's; {@code role} tells a replaced leg's late events from the current one's. */
    private final class Listener implements LegListener {
        private final TransportRole role;
        private String lastStatus;

        Listener(TransportRole role) {
            this.role = role;
        }

        private boolean current(DiscordLeg leg) {
            return leg(role) == leg || leg.state().isTerminal();
        }

        @Override
        public void onStateChange(DiscordLeg leg, LegState from, LegState to, String reason) {
            String status = to.wireStatus();
            if (!status.equals(lastStatus)) { // the handshake steps all read "connecting" on the wire
                lastStatus = status;
                events.accept(new Event.TransportState(role,
                        Event.TransportStatus.valueOf(status.toUpperCase(Locale.ROOT)), reason));
            }
            if (to == LegState.FAILED) {
                events.accept(Event.Error.of(role.connectFailed(), role.wireName() + " failed"
                        + (reason == null ? "" : ": " + reason)));
            }
            if (role == TransportRole.VOICE) {
                switch (to) {
                    case READY -> {
                        events.accept(new Event.Ready());
                        events.accept(new Event.ConnectionState(Event.ConnectionStatus.READY));
                    }
                    case RESUMING, RECONNECTING -> events.accept(new Event.ConnectionState(Event.ConnectionStatus.RECONNECTING));
                    case DISCONNECTED, FAILED -> events.accept(new Event.ConnectionState(Event.ConnectionStatus.DISCONNECTED));
                    default -> { }
                }
            }
            if (role == TransportRole.STREAM_PUBLISH && to == LegState.READY && current(leg)) {
                onPublishThread(DiscordMediaBackend.this::startPending);
            }
            if (to.isTerminal()) {
                closeDave(leg);
            }
        }

        @Override
        public void onError(DiscordLeg leg, LegError error, String message) {
            LOG.log(System.Logger.Level.WARNING, "discord " + role.wireName() + ": " + error + ": " + message);
            events.accept(new Event.Log("warn", "discord::" + role.wireName(), message,
                    Map.of("error", error.name().toLowerCase(Locale.ROOT))));
        }

        @Override
        public void onClientDisconnect(DiscordLeg leg, long userId) {
            events.accept(new Event.ClientDisconnect(Long.toUnsignedString(userId)));
        }

        @Override
        public void onVideoState(DiscordLeg leg, VideoState state) {
            videoStates.put(state.userId(), state);
            events.accept(userVideoState(state));
            Command.SubscribeUserVideo s = subscriptions.get(Long.toUnsignedString(state.userId()));
            if (s != null) {
                askForVideo(state, s);
            }
        }

        @Override
        public void onVideoFrame(DiscordLeg leg, VideoFrame frame) {
            String userId = Long.toUnsignedString(frame.userId());
            Command.SubscribeUserVideo s = subscriptions.get(userId);
            if (s == null || s.preferredStreamType() != null && frame.streamType() != null
                    && !frame.streamType().equals(s.preferredStreamType())) {
                return; // nobody asked for this user's video: not even copied
            }
            boolean daveDecrypted = frame.endToEndEncrypted() && frame.frameCrypto() == FrameCryptoStatus.OK;
            ScreenWatch watch = screenWatches.get(userId);
            if (watch != null) {
                watch.offer(frame, daveDecrypted);
                return;
            }
            events.accept(new Event.UserVideoFrame(userId, Integer.toUnsignedLong(frame.ssrc()),
                    frame.codec().name(), frame.keyframe(), frame.toByteArray(),
                    Integer.toUnsignedLong(frame.rtpTimestamp()), frame.streamType(), frame.rid(), daveDecrypted));
        }

        @Override
        public void onVideoEnd(DiscordLeg leg, long userId, int ssrc) {
            videoStates.remove(userId);
            events.accept(new Event.UserVideoEnd(Long.toUnsignedString(userId),
                    ssrc == 0 ? null : Integer.toUnsignedLong(ssrc)));
        }

        @Override
        public void onPublishState(DiscordLeg leg, PublishState state, String reason) {
            Event.TransportStatus status = switch (state) {
                case PLAYING -> Event.TransportStatus.PLAYING;
                case PAUSED -> Event.TransportStatus.PAUSED;
                // back to idle: the leg itself is still up
                case IDLE -> leg.state() == LegState.READY ? Event.TransportStatus.READY : null;
            };
            if (status != null) {
                lastStatus = status.wireName();
                events.accept(new Event.TransportState(role, status, reason));
            }
        }
    }
}
