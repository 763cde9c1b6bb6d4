package io.mediaplane.webrtc;

import io.mediaplane.net.DtlsFingerprint;
import io.mediaplane.net.IceCredentials;
import io.mediaplane.net.MediaPort;
import io.mediaplane.net.MediaPortOptions;
import io.mediaplane.net.PeerTransport;
import io.mediaplane.net.TransportConfig;
import io.mediaplane.net.TransportEndReason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.logging.Logger;

/**
 * WHIP/WHEP session logic without HTTP: rooms, session creation from an offer, PATCH (trickle, ICE restart),
 * DELETE, capacity limits. Every session's transport lives on one {@link MediaPort}.
 */
public final class WebRtcService implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebRtcService.class.getName());
    /** How long a client should wait before trying again when full or when nobody publishes (seconds). */
    public static final int RETRY_AFTER_SECONDS = 2;

    /**
     * @param bind              the media port's address (port 0: any free port)
     * @param advertised        addresses written as host candidates; empty: the bound address (which must then
     *                          not be a wildcard)
     * @param maxSessions       publishers plus viewers, over all rooms
     * @param maxViewersPerRoom viewers of one room
     * @param portOptions       certificate, consent and handshake timeouts
     * @param feeds             makes the stream-kernel feed of a new publisher (room name, its negotiated media);
     *                          null for none
     */
    public record Config(InetSocketAddress bind, List<InetAddress> advertised, int maxSessions, int maxViewersPerRoom,
                         MediaPortOptions portOptions,
                         BiFunction<String, AnswerResult.Answered, StreamFeed> feeds) {
        public Config {
            Objects.requireNonNull(bind, "bind");
            advertised = List.copyOf(advertised);
            if (maxSessions < 1 || maxViewersPerRoom < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
            Objects.requireNonNull(portOptions, "portOptions");
        }

        /** Loopback, any port, 1000 sessions, 500 viewers per room, default port options, no feed. */
        public static Config loopback() {
            return new Config(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), List.of(), 1000, 500,
                    MediaPortOptions.defaults(), null);
        }

        public Config withLimits(int sessions, int viewersPerRoom) {
            return new Config(bind, advertised, sessions, viewersPerRoom, portOptions, feeds);
        }

        public Config withPortOptions(MediaPortOptions options) {
            return new Config(bind, advertised, maxSessions, maxViewersPerRoom, options, feeds);
        }

        public Config withFeeds(BiFunction<String, AnswerResult.Answered, StreamFeed> f) {
            return new Config(bind, advertised, maxSessions, maxViewersPerRoom, portOptions, f);
        }
    }

    private final Config config;
    private volatile LateJoin lateJoin = LateJoin.GOP_REPLAY;
    private final MediaPort port;
    private final FanOut fanOut;
    private final List<InetSocketAddress> candidates;
    private final DtlsFingerprint fingerprint;
    private final SecureRandom secureRandom = new SecureRandom();
    private final ConcurrentHashMap<String, WebRtcSession> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final String cname;
    private final java.util.EnumMap<TransportEndReason, java.util.concurrent.atomic.LongAdder> ended =
            new java.util.EnumMap<>(TransportEndReason.class);

    private WebRtcService(Config config, MediaPort port) {
        this.config = config;
        this.port = port;
        int p = port.localAddress().getPort();
        List<InetSocketAddress> c = new ArrayList<>();
        for (InetAddress a : config.advertised()) {
            c.add(new InetSocketAddress(a, p));
        }
        if (c.isEmpty()) {
            InetAddress bound = port.localAddress().getAddress();
            if (bound.isAnyLocalAddress()) {
                throw new IllegalArgumentException("bound to a wildcard address: name the advertised addresses");
            }
            c.add(new InetSocketAddress(bound, p));
        }
        this.candidates = List.copyOf(c);
        this.fingerprint = port.options().certificate().fingerprint();
        this.cname = "mediaplane-" + randomToken(6);
        for (TransportEndReason r : TransportEndReason.values()) {
            ended.put(r, new java.util.concurrent.atomic.LongAdder());
        }
        this.fanOut = new FanOut(port, FanOut.DEFAULT_THREADS); // last: nothing after it can fail and leak its threads
    }

    /** Opens the media port and returns the service on it; {@link #close()} closes both. */
    public static WebRtcService start(Config config) throws IOException {
        MediaPort port = MediaPort.open(config.bind(), config.portOptions());
        try {
            return new WebRtcService(config, port);
        } catch (RuntimeException e) {
            port.close();
            throw e;
        }
    }

    public MediaPort port() {
        return port;
    }

    public List<InetSocketAddress> candidates() {
        return candidates;
    }

    /** How joining viewers get their first picture (by default the faster in the README's measurement). */
    public LateJoin lateJoin() {
        return lateJoin;
    }

    public void lateJoin(LateJoin policy) {
        lateJoin = java.util.Objects.requireNonNull(policy, "policy");
    }

    public int sessionCount() {
        return sessions.size();
    }

    public Optional<WebRtcSession> session(String id) {
        return Optional.ofNullable(id == null ? null : sessions.get(id));
    }

    public Optional<Room> room(String name) {
        return Optional.ofNullable(rooms.get(name));
    }

    /** Every room that has a publisher or viewers now (a copy). */
    public List<Room> rooms() {
        return List.copyOf(rooms.values());
    }

    /** Whether {@code room} has a publisher right now. */
    public boolean isLive(String room) {
        Room r = rooms.get(room);
        return r != null && r.publisher() != null;
    }

    /** A WHIP publish: answers the offer and makes the session the room's publisher (replacing any earlier one). */
    public SessionResult publish(String roomName, String offer) {
        PublisherSession replaced;
        SessionResult result;
        synchronized (this) {
            if (sessions.size() >= config.maxSessions()) {
                return full("The server has reached its limit of " + config.maxSessions() + " sessions.");
            }
            IceCredentials local = IceCredentials.random();
            AnswerResult a = answerer(local, true, true).answerPublisher(offer);
            if (a instanceof AnswerResult.Refused r) {
                return new SessionResult.Refused(r.reason(), r.detail());
            }
            AnswerResult.Answered answered = (AnswerResult.Answered) a;
            Room room = rooms.computeIfAbsent(roomName, Room::new);
            StreamFeed feed = config.feeds() == null ? null : config.feeds().apply(roomName, answered);
            PublisherSession s = new PublisherSession(newId(), room, answered, newEtag(), this, feed);
            if (!attach(s, local, answered)) {
                if (feed != null) {
                    feed.close();
                }
                if (room.isEmpty()) {
                    rooms.remove(roomName, room);
                }
                return new SessionResult.Refused(Refusal.UNSUPPORTED_OFFER,
                        "The offer's ICE credentials or fingerprint cannot be used.");
            }
            replaced = room.setPublisher(s);
            result = new SessionResult.Created(s, answered.sdp());
        }
        if (replaced != null) {
            LOG.info(() -> "room " + roomName + ": a new publisher replaces " + replaced);
            delete(replaced.id());
        }
        return result;
    }

    /** A WHEP view: answers with the room's published codecs; 409 when nobody publishes there. */
    public synchronized SessionResult view(String roomName, String offer) {
        Room room = rooms.get(roomName);
        PublisherSession publisher = room == null ? null : room.publisher();
        if (publisher == null) {
            return new SessionResult.Unavailable(409, RETRY_AFTER_SECONDS,
                    "Nobody is publishing in room '" + roomName + "' yet; try again shortly.");
        }
        if (sessions.size() >= config.maxSessions()) {
            return full("The server has reached its limit of " + config.maxSessions() + " sessions.");
        }
        if (room.viewerCount() >= config.maxViewersPerRoom()) {
            return full("Room '" + roomName + "' has reached its limit of " + config.maxViewersPerRoom()
                    + " viewers.");
        }
        IceCredentials local = IceCredentials.random();
        AnswerResult a = answerer(local, true, false).answerViewer(offer, publisher.negotiated().media());
        if (a instanceof AnswerResult.Refused r) {
            return new SessionResult.Refused(r.reason(), r.detail());
        }
        AnswerResult.Answered answered = (AnswerResult.Answered) a;
        ViewerSession s = new ViewerSession(newId(), room, answered, newEtag(), this,
                new SplittableRandom(secureRandom.nextLong()));
        if (!attach(s, local, answered)) {
            return new SessionResult.Refused(Refusal.UNSUPPORTED_OFFER,
                    "The offer's ICE credentials or fingerprint cannot be used.");
        }
        room.addViewer(s);
        return new SessionResult.Created(s, answered.sdp());
    }

    private static SessionResult full(String sentence) {
        return new SessionResult.Unavailable(503, RETRY_AFTER_SECONDS, sentence);
    }

    /**
     * @param rtx viewers get RTX: we answer their NACKs from a history; publishers get it too, so that their
     *            retransmissions and bandwidth probes come on a stream of their own (RFC 4588): without RTX libwebrtc
     *            probes with padding-only packets on the video SSRC, which every viewer would be sent
     * @param transportCc publishers get transport-cc when they offer it: their bandwidth estimator needs our
     *            feedback; viewers do not, as we estimate nothing from theirs
     */
    private SdpAnswerer answerer(IceCredentials local, boolean rtx, boolean transportCc) {
        return new SdpAnswerer(new SdpAnswerer.Local(local.ufrag(), local.pwd(), fingerprint, candidates, cname,
                rtx, transportCc), new SplittableRandom(secureRandom.nextLong()));
    }

    private boolean attach(WebRtcSession s, IceCredentials local, AnswerResult.Answered a) {
        DtlsFingerprint remoteFingerprint = a.remoteFingerprints().stream()
                .filter(f -> f.algorithm().equals("sha-256")).findFirst()
                .orElse(a.remoteFingerprints().getFirst());
        TransportConfig tc;
        try {
            tc = new TransportConfig(local, new IceCredentials(a.remoteUfrag(), a.remotePwd()), a.localRole(),
                    remoteFingerprint, TransportConfig.DEFAULT_SRTP_PROFILES);
        } catch (IllegalArgumentException e) {
            return false;
        }
        sessions.put(s.id(), s);
        s.transport = port.register(tc, s);
        return true;
    }

    /**
     * A PATCH: trickled candidates (ignored by a lite agent, which learns addresses from the peer's checks), or an
     * ICE restart when the fragment carries new credentials.
     *
     * @param ifMatch the If-Match header value, or null
     */
    public PatchResult patch(String id, String fragmentText, String ifMatch) {
        WebRtcSession s = sessions.get(id);
        if (s == null) {
            return new PatchResult.NotFound();
        }
        if (ifMatch != null && !ifMatch.trim().equals("*") && !ifMatch.trim().equals(s.etag())) {
            return new PatchResult.PreconditionFailed();
        }
        String[] error = new String[1];
        IceFragment f = IceFragment.parse(fragmentText, error);
        if (f == null) {
            return new PatchResult.Invalid("The ICE fragment is malformed: " + error[0] + ".");
        }
        PeerTransport t = s.transport();
        boolean restart = f.ufrag() != null && !f.ufrag().equals(t.remoteCredentials().ufrag());
        if (!restart) {
            return new PatchResult.Trickled();
        }
        IceCredentials remote;
        try {
            remote = new IceCredentials(f.ufrag(), f.pwd());
        } catch (IllegalArgumentException e) {
            return new PatchResult.Invalid("The new ICE credentials are not 4 / 22 to 256 ice-chars (RFC 8839 §5.4).");
        }
        IceCredentials local = IceCredentials.random();
        try {
            t.restartIce(local, remote);
        } catch (IllegalArgumentException e) {
            return new PatchResult.Invalid("The ICE restart failed; the current ICE session is kept.");
        }
        String etag = newEtag();
        s.etag(etag);
        StringBuilder frag = new StringBuilder();
        frag.append("a=ice-lite\r\n");
        frag.append("a=ice-ufrag:").append(local.ufrag()).append("\r\n");
        frag.append("a=ice-pwd:").append(local.pwd()).append("\r\n");
        NegotiatedMedia first = s.negotiated().media().getFirst();
        if (first.mid() != null) {
            frag.append("m=").append(first.kind() == io.mediaplane.stream.MediaKind.AUDIO ? "audio" : "video")
                    .append(" 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:").append(first.mid()).append("\r\n");
        }
        SdpAnswerer.writeCandidates(frag, candidates);
        return new PatchResult.Restarted(frag.toString(), etag);
    }

    /** Ends a session and frees its transport (mappings, DTLS thread, SRTP); false if there is none. */
    public boolean delete(String id) {
        WebRtcSession s = id == null ? null : sessions.remove(id);
        if (s == null) {
            return false;
        }
        s.detach();
        PeerTransport t = s.transport();
        if (t != null) {
            t.close();
        }
        Room r = s.room();
        if (r.isEmpty()) {
            rooms.remove(r.name(), r);
        }
        return true;
    }

    /** Sessions whose transport ended for {@code reason} (DELETE counts as {@link TransportEndReason#CLOSED_LOCALLY}). */
    public long sessionsEnded(TransportEndReason reason) {
        return ended.get(reason).sum();
    }

    void transportEnded(WebRtcSession s, TransportEndReason reason) {
        ended.get(reason).increment();
        if (sessions.containsKey(s.id())) {
            LOG.info(() -> s + " ended: " + reason.meaning());
            delete(s.id());
        }
    }

    @Override
    public void close() {
        for (String id : List.copyOf(sessions.keySet())) {
            delete(id);
        }
        port.close();
        fanOut.close(); // after the port: its receive thread, the only caller, has ended
    }

    FanOut fanOut() {
        return fanOut;
    }

    private String newId() {
        return randomToken(18); // 144 bits: session URLs must not be guessable (RFC 9725 §4.2)
    }

    private String newEtag() {
        return "\"" + randomToken(12) + "\"";
    }

    private String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        secureRandom.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
