package io.mediaplane.server.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mediaplane.net.PeerTransport;
import io.mediaplane.net.TransportEndReason;
import io.mediaplane.stream.Codec;
import io.mediaplane.stream.EndReason;
import io.mediaplane.stream.Frame;
import io.mediaplane.stream.FrameHandler;
import io.mediaplane.stream.StreamKey;
import io.mediaplane.stream.StreamNotPublishedException;
import io.mediaplane.stream.StreamRegistry;
import io.mediaplane.stream.SubscribeOptions;
import io.mediaplane.stream.Subscription;
import io.mediaplane.webrtc.NegotiatedMedia;
import io.mediaplane.webrtc.PublisherSession;
import io.mediaplane.webrtc.Room;
import io.mediaplane.webrtc.StreamKernelFeed;
import io.mediaplane.webrtc.ViewerSession;
import io.mediaplane.webrtc.WebRtcService;
import io.mediaplane.webrtc.WebRtcSession;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the rooms twice a second on its own thread: logs one line per publisher or viewer that connects or
 * leaves, measures each live room's video (frame rate, bitrate, resolution from its keyframes) by reading the
 * stream kernel like any subscriber, and moves the Prometheus counters by what the sessions counted since the last
 * look (so they stay monotonic when sessions end). {@link #rooms()} and {@link #room(String)} are what
 * {@code /api/rooms} shows.
 */
final class RoomMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("mediaplane.rooms");
    private static final long TICK_MILLIS = 500;
    /** Frame rate and bitrate are averaged over this much wall-clock time. */
    private static final long WINDOW_NANOS = 2_000_000_000L;

    private final WebRtcService webrtc;
    private final StreamRegistry streams;
    private final MeterRegistry meters;
    private final Thread thread;
    private volatile boolean closed;
    /** Every session seen, by id; touched only on the monitor thread. */
    private final Map<String, Seen> seen = new HashMap<>();
    private final Map<String, VideoProbe> probes = new HashMap<>();
    private final Map<String, Map<String, Object>> views = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /** Keyframe requests each room had sent at the last look (a room object lives while anyone is in it). */
    private final Map<Room, Long> keyframeRequestsSent = new java.util.IdentityHashMap<>();

    /** What we last knew of a session, for its log lines and counter deltas. */
    private static final class Seen {
        final WebRtcSession session;
        final String room;
        boolean connectedLogged;
        long rtp;
        long nacks;
        long keyframeRequests;
        long retransmitted;
        long lost;

        Seen(WebRtcSession session) {
            this.session = session;
            this.room = session.roomName();
        }
    }

    RoomMonitor(WebRtcService webrtc, StreamRegistry streams, MeterRegistry meters) {
        this.webrtc = webrtc;
        this.streams = streams;
        this.meters = meters;
        Gauge.builder("mediaplane.rooms.live", webrtc, w -> w.rooms().stream().filter(r -> r.publisher() != null)
                .count()).description("rooms with a publisher").register(meters);
        Gauge.builder("mediaplane.viewers", webrtc, w -> w.rooms().stream().mapToInt(r -> r.viewers().size()).sum())
                .description("WHEP viewers connected or connecting").register(meters);
        Gauge.builder("mediaplane.sessions", webrtc, WebRtcService::sessionCount)
                .description("WHIP and WHEP sessions").register(meters);
        FunctionCounter.builder("mediaplane.media.port.datagrams.received", webrtc,
                w -> w.port().socketCounters().datagramsReceived()).description("UDP datagrams on the media port")
                .register(meters);
        FunctionCounter.builder("mediaplane.media.port.datagrams.sent", webrtc,
                w -> w.port().socketCounters().datagramsSent()).description("UDP datagrams sent from the media port")
                .register(meters);
        FunctionCounter.builder("mediaplane.media.port.datagrams.trains", webrtc,
                w -> w.port().socketCounters().datagramsInTrains())
                .description("UDP datagrams sent in GSO trains (several for one viewer in one send)").register(meters);
        FunctionCounter.builder("mediaplane.media.port.datagrams.dropped", webrtc,
                w -> w.port().counters().dropped()).description("datagrams the media port refused (junk, unknown peer)")
                .register(meters);
        for (TransportEndReason reason : TransportEndReason.values()) {
            FunctionCounter.builder("mediaplane.sessions.ended", webrtc, w -> w.sessionsEnded(reason))
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT)).description("sessions ended, by reason")
                    .register(meters);
        }
        this.thread = Thread.ofPlatform().name("room-monitor").daemon().start(this::run);
    }

    /** The rooms with a publisher or viewers, as {@code /api/rooms} shows them. */
    List<Map<String, Object>> rooms() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Room r : webrtc.rooms()) {
            list.add(describe(r));
        }
        list.sort((a, b) -> ((String) a.get("room")).compareTo((String) b.get("room")));
        return list;
    }

    /** One room as {@code /api/rooms/{room}} shows it, or null when it has nobody. */
    Map<String, Object> room(String name) {
        return webrtc.room(name).map(this::describe).orElse(null);
    }

    /** The latest measurement of a room's video: codec, width, height, fps, bitrate; empty before the first. */
    Map<String, Object> video(String room) {
        Map<String, Object> v = views.get(room);
        return v == null ? Map.of() : v;
    }

    private Map<String, Object> describe(Room r) {
        Map<String, Object> m = new LinkedHashMap<>();
        Instant now = Instant.now();
        m.put("room", r.name());
        PublisherSession p = r.publisher();
        m.put("live", p != null && p.isConnected());
        if (p != null) {
            Map<String, Object> pub = new LinkedHashMap<>();
            pub.put("session", p.id().substring(0, 6));
            pub.put("connected", p.isConnected());
            pub.put("remote", remote(p));
            pub.put("since", p.created().toString());
            pub.put("uptimeSeconds", Duration.between(p.created(), now).toSeconds());
            pub.put("videoCodec", p.video() == null ? null : p.video().codec().name());
            pub.put("audioCodec", p.audio() == null ? null : p.audio().codec().name());
            pub.put("rtpReceived", p.rtpReceived());
            pub.put("rtpDropped", p.rtpDropped());
            pub.put("videoPacketsExpected", p.videoPacketsExpected());
            pub.put("videoPacketsLost", p.videoPacketsLost());
            pub.put("lossPercent", percent(p.videoPacketsLost(), p.videoPacketsExpected()));
            pub.put("nacksSent", p.nacksSent());
            pub.put("nackRequests", p.nackRequests());
            pub.put("nackRecovered", p.nackRecovered());
            pub.put("nackGivenUp", p.nackGivenUp());
            pub.put("rtxRepaired", p.rtxRepaired());
            pub.put("rtxNotNeeded", p.rtxDropped());
            m.put("publisher", pub);
        } else {
            m.put("publisher", null);
        }
        m.put("video", video(r.name()));
        m.put("keyframeRequestsSent", r.keyframeRequestsSent());
        m.put("keyframeRequestsCoalesced", r.keyframeRequestsCoalesced());
        List<ViewerSession> viewers = r.viewers();
        m.put("viewerCount", viewers.size());
        List<Map<String, Object>> vs = new ArrayList<>();
        for (ViewerSession v : viewers) {
            Map<String, Object> vm = new LinkedHashMap<>();
            vm.put("session", v.id().substring(0, 6));
            vm.put("connected", v.isConnected());
            vm.put("remote", remote(v));
            vm.put("uptimeSeconds", Duration.between(v.created(), now).toSeconds());
            vm.put("rtpSent", v.rtpSent());
            vm.put("retransmitted", v.retransmitted());
            vm.put("nacksReceived", v.nacksReceived());
            vm.put("pliFirReceived", v.keyframeRequestsReceived());
            vs.add(vm);
        }
        m.put("viewers", vs);
        return m;
    }

    private static double percent(long part, long whole) {
        return whole <= 0 ? 0 : Math.round(part * 10000.0 / whole) / 100.0;
    }

    private static String remote(WebRtcSession s) {
        PeerTransport t = s.transport();
        if (t == null || t.remoteAddress() == null) {
            return null;
        }
        var a = t.remoteAddress().toSocketAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private void run() {
        while (!closed) {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.warn("room monitor: {}", e.toString());
            }
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void tick() {
        long now = System.nanoTime();
        Set<String> present = new HashSet<>();
        Set<String> liveRooms = new HashSet<>();
        List<Room> rooms = webrtc.rooms();
        keyframeRequestsSent.keySet().retainAll(new java.util.HashSet<>(rooms));
        for (Room r : rooms) {
            keyframeRequestsSent.put(r, add("mediaplane.keyframe.requests.sent", r.name(), r.keyframeRequestsSent(),
                    keyframeRequestsSent.getOrDefault(r, 0L)));
            PublisherSession p = r.publisher();
            if (p != null) {
                present.add(p.id());
                observe(p);
                if (p.video() != null) {
                    liveRooms.add(r.name());
                }
            }
            for (ViewerSession v : r.viewers()) {
                present.add(v.id());
                observe(v);
            }
        }
        for (var it = seen.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!present.contains(e.getKey())) {
                it.remove();
                ended(e.getValue());
            }
        }
        for (String room : liveRooms) {
            VideoProbe probe = probes.get(room);
            if (probe == null || probe.ended) {
                if (probe != null) {
                    probe.close();
                }
                probe = VideoProbe.open(streams, room);
                if (probe == null) {
                    continue;
                }
                probes.put(room, probe);
            }
            probe.poll(now);
            views.put(room, probe.describe(now));
        }
        for (var it = probes.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!liveRooms.contains(e.getKey())) {
                e.getValue().close();
                views.remove(e.getKey());
                it.remove();
            }
        }
    }

    private void observe(WebRtcSession s) {
        Seen x = seen.computeIfAbsent(s.id(), id -> new Seen(s));
        if (!x.connectedLogged && s.isConnected()) {
            x.connectedLogged = true;
            if (s instanceof PublisherSession p) {
                LOG.info("publisher connected  room={} from={} video={} audio={} session={}", x.room, remote(s),
                        codec(p.video()), codec(p.audio()), s.id().substring(0, 6));
            } else {
                LOG.info("viewer connected     room={} from={} viewers={} session={}", x.room, remote(s),
                        webrtc.room(x.room).map(r -> r.viewers().size()).orElse(0), s.id().substring(0, 6));
            }
        }
        count(x);
    }

    private void count(Seen x) {
        String room = x.room;
        if (x.session instanceof PublisherSession p) {
            x.rtp = add("mediaplane.rtp.received", room, p.rtpReceived(), x.rtp);
            x.nacks = add("mediaplane.nacks.sent", room, p.nacksSent(), x.nacks);
            x.lost = add("mediaplane.rtp.lost", room, p.videoPacketsLost(), x.lost);
        } else if (x.session instanceof ViewerSession v) {
            x.rtp = add("mediaplane.rtp.sent", room, v.rtpSent(), x.rtp);
            x.nacks = add("mediaplane.nacks.received", room, v.nacksReceived(), x.nacks);
            x.keyframeRequests = add("mediaplane.keyframe.requests.received", room, v.keyframeRequestsReceived(),
                    x.keyframeRequests);
            x.retransmitted = add("mediaplane.rtp.retransmitted", room, v.retransmitted(), x.retransmitted);
        }
    }

    /** Adds what {@code total} grew by since {@code last} to the room's counter; returns the new last value. */
    private long add(String name, String room, long total, long last) {
        if (total > last) {
            counters.computeIfAbsent(name + "\u0000" + room, k -> Counter.builder(name).tag("room", room)
                    .register(meters)).increment(total - last);
            return total;
        }
        return last;
    }

    private void ended(Seen x) {
        count(x);
        WebRtcSession s = x.session;
        PeerTransport t = s.transport();
        TransportEndReason reason = t == null ? null : t.endReason();
        String why = reason == null ? "deleted" : reason.meaning();
        long seconds = Duration.between(s.created(), Instant.now()).toSeconds();
        if (s instanceof PublisherSession p) {
            LOG.info("publisher left       room={} after={}s rtp={} lost={} nacks={} ({})", x.room, seconds,
                    p.rtpReceived(), p.videoPacketsLost(), p.nacksSent(), why);
        } else if (s instanceof ViewerSession v) {
            LOG.info("viewer left          room={} after={}s rtp={} retransmitted={} ({})", x.room, seconds,
                    v.rtpSent(), v.retransmitted(), why);
        }
    }

    private static String codec(NegotiatedMedia m) {
        return m == null ? "-" : m.codec().name();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (VideoProbe p : probes.values()) {
            p.close();
        }
        probes.clear();
    }

    /** Reads one room's stream as a live subscriber and measures its video. Monitor thread only. */
    private static final class VideoProbe implements FrameHandler {
        private final Subscription subscription;
        private final ArrayDeque<long[]> window = new ArrayDeque<>(); // {nanoTime, bytes} per video frame
        private Codec codec;
        private int width;
        private int height;
        private long frames;
        private long keyframes;
        boolean ended;

        private VideoProbe(Subscription subscription) {
            this.subscription = subscription;
        }

        static VideoProbe open(StreamRegistry streams, String room) {
            try {
                return new VideoProbe(streams.subscribe(StreamKey.of(StreamKernelFeed.APPLICATION, room),
                        SubscribeOptions.DEFAULT.withReplayCache(false).withLag(1024, 100_000)));
            } catch (StreamNotPublishedException e) {
                return null; // the publisher's transport is not up yet
            }
        }

        private long polledAt;

        void poll(long now) {
            polledAt = now;
            while (subscription.poll(this, 256) > 0) {
                // drain
            }
            if (subscription.state().isTerminal()) {
                ended = true;
            }
            while (!window.isEmpty() && now - window.peekFirst()[0] > WINDOW_NANOS) {
                window.pollFirst();
            }
        }

        @Override
        public void onFrame(Frame f, long sequence, boolean replay) {
            if (!f.codec().isVideo()) {
                return;
            }
            codec = f.codec();
            frames++;
            if (f.isKeyframe()) {
                keyframes++;
                int size = VideoFormat.keyframeSize(f);
                if (size != 0) {
                    width = size >>> 16;
                    height = size & 0xFFFF;
                }
            }
            window.addLast(new long[] {polledAt, f.length()});
        }

        @Override
        public void onEnd(EndReason reason) {
            ended = true;
        }

        Map<String, Object> describe(long now) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("codec", codec == null ? null : codec.name());
            m.put("width", width);
            m.put("height", height);
            long bytes = 0;
            for (long[] e : window) {
                bytes += e[1];
            }
            double seconds = WINDOW_NANOS / 1e9;
            m.put("fps", Math.round(window.size() / seconds * 10) / 10.0);
            m.put("bitrateKbps", Math.round(bytes * 8 / seconds / 1000));
            m.put("frames", frames);
            m.put("keyframes", keyframes);
            return m;
        }

        void close() {
            subscription.close();
        }
    }
}
