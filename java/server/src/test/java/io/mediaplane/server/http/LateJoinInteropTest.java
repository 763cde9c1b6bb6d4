package io.mediaplane.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediaplane.webrtc.LateJoin;
import io.mediaplane.webrtc.Room;
import io.mediaplane.webrtc.ViewerSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Late joiners, every way, against one publisher with a long keyframe interval (the OBS-shaped werift publisher
 * fed by FFmpeg's x264 with a keyframe every 5 s, which like OBS does not answer PLI): Chromium WHEP viewers join
 * one after another at seeded moments, taking {@link LateJoin#GOP_REPLAY}, {@link LateJoin#GOP_REPLAY_SPACED} and
 * {@link LateJoin#KEYFRAME_REQUEST} in turn; the same again with a Chromium publisher, which answers keyframe
 * requests. Each viewer must decode its first picture and then keep decoding (60 more frames, none lost, no keyframe
 * request from its decoder); with a replay it must have been started from the cached group. Five seconds in, a
 * viewer that joined by the default replay or a keyframe request must not be holding frames back: the growth of
 * its jitter buffer delay per emitted frame over a second stays under {@link #MAX_FRAME_DELAY} (a replay spaced as
 * sent holds each frame about the group's length, printed, not asserted). Join-to-first-decoded-frame, that delay,
 * how far the shown picture is behind the newest sent, freezes and drops are printed (the README's figures); no
 * wall-clock time is asserted.
 */
class LateJoinInteropTest {
    private static final String KEY = "late-join-key-90b3";
    private static final int JOINS_PER_WAY = 4;
    /**
     * The most a viewer's jitter buffer may hold each frame, seconds, a few seconds after joining: a generous bound
     * (live on loopback is tens of milliseconds) that a viewer left behind live by a replayed 5 s group would exceed.
     */
    private static final double MAX_FRAME_DELAY = 1.0;
    private static Path werift;

    @BeforeAll
    static void install() throws Exception {
        werift = ObsShapedPublisher.install();
    }

    @AfterAll
    static void remove() throws Exception {
        ObsShapedPublisher.remove(werift);
    }

    @Test
    void lateJoinersDecodeFromTheCachedGroupAndFromARequestedKeyframe() throws Exception {
        try (BrowserRig rig = BrowserRig.start(MediaServer.Config.loopback()
                .withAuth(BearerAuth.open().withGlobalPublishKey(KEY)));
             ObsShapedPublisher obs = ObsShapedPublisher.start(werift, rig.server.baseUri() + "/whip/late", KEY,
                     0x10203040L, 150, 180)) {
            MediaServer server = rig.server;
            assertThat(obs.posted.path("status").asInt()).as("WHIP POST: %s", obs.posted).isEqualTo(201);
            Room room = null;
            for (int i = 0; i < 200; i++) {
                room = server.webrtc().room("late").orElse(null);
                if (room != null && room.publisher() != null && room.publisher().rtpReceived() > 300) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(room).isNotNull();
            assertThat(room.publisher().rtpReceived()).as("publisher log %s", obs.log()).isGreaterThan(300);

            joinAlternately(rig, room, "late", "OBS-shaped, keyframe every 5 s");
            assertThat(obs.stop()).isEqualTo(200);
        }
    }

    /**
     * The same with a publisher that answers keyframe requests: Chromium's fake camera in H264 (its encoder makes a
     * keyframe only when asked, so the cached group is everything since the last viewer's request or the start).
     */
    @Test
    void lateJoinersOfAChromiumPublisher() throws Exception {
        try (BrowserRig rig = BrowserRig.start(MediaServer.Config.loopback()
                .withAuth(BearerAuth.open().withGlobalPublishKey(KEY)))) {
            JsonNode pub = rig.tab.eval("publish('pub', '" + rig.server.baseUri() + "/whip/chromium', 'video/H264', '"
                    + KEY + "')");
            assertThat(pub.path("status").asInt()).as("WHIP POST: %s", pub).isEqualTo(201);
            Room room = rig.server.webrtc().room("chromium").orElseThrow();
            for (int i = 0; i < 100 && room.publisher().rtpReceived() < 300; i++) {
                Thread.sleep(100);
            }
            joinAlternately(rig, room, "chromium", "Chromium publisher");
            assertThat(rig.tab.eval("stop('pub', '" + KEY + "')").asInt()).isEqualTo(200);
        }
    }

    /**
     * Viewers join {@code roomName} one at a time, alternating the two ways; each must decode its first picture
     * and then 60 more frames. Prints join-to-first-decoded-frame and Chromium's freeze count per way.
     */
    private static void joinAlternately(BrowserRig rig, Room room, String roomName, String publisher)
            throws Exception {
        Map<LateJoin, List<Integer>> joins = new EnumMap<>(LateJoin.class);
        Map<LateJoin, List<Long>> frameDelays = new EnumMap<>(LateJoin.class);
        Map<LateJoin, List<Long>> behind = new EnumMap<>(LateJoin.class);
        Map<LateJoin, List<Long>> shown = new EnumMap<>(LateJoin.class);
        Map<LateJoin, Integer> freezes = new EnumMap<>(LateJoin.class);
        Map<LateJoin, Double> freezeSeconds = new EnumMap<>(LateJoin.class);
        Map<LateJoin, Integer> dropped = new EnumMap<>(LateJoin.class);
        LateJoin[] ways = LateJoin.values();
        SoftAssertions soft = new SoftAssertions(); // every join runs and is printed, then all failures show
        SplittableRandom random = new SplittableRandom(20261121);
        String whep = rig.server.baseUri() + "/whep/" + roomName;
        for (int i = 0; i < ways.length * JOINS_PER_WAY; i++) {
            LateJoin way = ways[i % ways.length];
            rig.server.webrtc().lateJoin(way);
            Thread.sleep(random.nextInt(200, 2200)); // a different moment within the 5 s group each time
            String name = "j" + i;
            JsonNode v = rig.tab.eval("view('" + name + "', '" + whep + "')");
            assertThat(v.path("status").asInt()).as("WHEP POST: %s", v).isEqualTo(201);
            rig.tab.eval("render('" + name + "')");
            int firstFrame = rig.tab.eval("joinToFirstFrame('" + name + "', 20000)").asInt();
            assertThat(firstFrame).as("%s join %d decoded nothing; publisher %s", way, i, room.publisher())
                    .isPositive();
            JsonNode start = rig.tab.eval("inbound('" + name + "')");
            // then live: 60 more frames (2 s) decoded
            JsonNode after = rig.tab.eval("decoded('" + name + "', "
                    + (start.path("framesDecoded").asInt() + 60) + ", 15000)");
            long replayed = room.viewers().stream().mapToLong(ViewerSession::replayedPackets).sum();
            // a few seconds of watching, then how long each frame now waits in the viewer's jitter buffer (the growth
            // of jitterBufferDelay over that of jitterBufferEmittedCount between two samples a second apart) and how
            // far the picture it shows is behind the newest one we sent it (RTP timestamps, 90 kHz)
            Thread.sleep(4000);
            JsonNode early = rig.tab.eval("inbound('" + name + "')");
            Thread.sleep(1000);
            JsonNode late = rig.tab.eval("inbound('" + name + "')");
            long played = rig.tab.eval("playedTimestamp('" + name + "')").asLong();
            long presented = rig.tab.eval("presentedTimestamp('" + name + "')").asLong();
            ViewerSession viewer = room.viewers().getFirst();
            int newest = viewer.videoTimestamp();
            long behindMs = played < 0 ? -1 : ((newest - played) & 0xFFFF_FFFFL) / 90;
            long shownBehindMs = presented < 0 ? -1 : ((newest - presented) & 0xFFFF_FFFFL) / 90;
            double emitted = late.path("jitterBufferEmittedCount").asDouble()
                    - early.path("jitterBufferEmittedCount").asDouble();
            double frameDelay = emitted <= 0 ? Double.NaN
                    : (late.path("jitterBufferDelay").asDouble() - early.path("jitterBufferDelay").asDouble())
                    / emitted;
            double meanDelay = late.path("jitterBufferDelay").asDouble()
                    / Math.max(1, late.path("jitterBufferEmittedCount").asDouble());
            System.out.printf("late join, %s: %2d %-17s first decoded frame after %4d ms; at first %s; after %s;"
                    + " replayed packets %d; 5 s in: frame delay now %.0f ms (mean since join %.0f ms), shows %d ms"
                    + " behind the newest sent (on screen %d ms), freezes %d (%.2f s), dropped %d; %s%n", publisher, i,
                    way, firstFrame, start, after, replayed, frameDelay * 1000, meanDelay * 1000, behindMs,
                    shownBehindMs,
                    late.path("freezeCount").asInt(), late.path("totalFreezesDuration").asDouble(),
                    late.path("framesDropped").asInt(), late);
            frameDelays.computeIfAbsent(way, w -> new ArrayList<>()).add(Math.round(frameDelay * 1000));
            behind.computeIfAbsent(way, w -> new ArrayList<>()).add(behindMs);
            shown.computeIfAbsent(way, w -> new ArrayList<>()).add(shownBehindMs);
            freezeSeconds.merge(way, late.path("totalFreezesDuration").asDouble(), Double::sum);
            dropped.merge(way, late.path("framesDropped").asInt(), Integer::sum);
            if (way != LateJoin.GOP_REPLAY_SPACED) {
                // no lasting delay: a few seconds in, frames leave the jitter buffer well within a second (a viewer
                // left behind by a replayed group holds each frame for the group's length)
                soft.assertThat(frameDelay).as("%s join %d: per-frame jitter buffer delay, s; %s", way, i, late)
                        .isLessThan(MAX_FRAME_DELAY);
            }
            soft.assertThat(after.path("framesDecoded").asInt()).as("%s join %d: %s", way, i, after)
                    .isGreaterThanOrEqualTo(start.path("framesDecoded").asInt() + 60);
            // decoded correctly: the decoder never asked for a keyframe (a broken reference chain would make it) and
            // nothing was lost; Chromium's freeze count is printed, not asserted (on this shared 2-core machine a
            // 0.3 s freeze shows now and then in either way, and a freeze is a wall-clock measure)
            soft.assertThat(after.path("pliCount").asInt()).as("%s join %d asked for a keyframe: %s", way, i, after)
                    .isZero();
            soft.assertThat(after.path("packetsLost").asInt()).as("%s join %d: %s", way, i, after).isZero();
            freezes.merge(way, after.path("freezeCount").asInt(), Integer::sum);
            soft.assertThat(after.path("frameWidth").asInt()).isEqualTo(640);
            if (way != LateJoin.KEYFRAME_REQUEST) {
                soft.assertThat(replayed).as("%s join %d started from the cached group", way, i).isPositive();
            } else {
                soft.assertThat(replayed).isZero();
            }
            assertThat(rig.tab.eval("stop('" + name + "')").asInt()).isEqualTo(200);
            joins.computeIfAbsent(way, w -> new ArrayList<>()).add(firstFrame);
        }
        for (Map.Entry<LateJoin, List<Integer>> e : joins.entrySet()) {
            List<Integer> ms = new ArrayList<>(e.getValue());
            ms.sort(null);
            System.out.printf("late join, %s, %s: join to first decoded frame median %d ms, p90 %d ms, all %s;"
                    + " freezes %d (%.2f s), dropped %d; 5 s in: frame delay %s ms, behind the newest sent %s ms,"
                    + " on screen %s ms%n",
                    publisher, e.getKey(), ms.get(ms.size() / 2), ms.get((int) Math.ceil(0.9 * ms.size()) - 1), ms,
                    freezes.getOrDefault(e.getKey(), 0), freezeSeconds.getOrDefault(e.getKey(), 0.0),
                    dropped.getOrDefault(e.getKey(), 0), frameDelays.get(e.getKey()), behind.get(e.getKey()),
                    shown.get(e.getKey()));
        }
        soft.assertAll();
    }
}
