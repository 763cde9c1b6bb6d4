package io.mediaplane.discord;

import static io.mediaplane.discord.PublishWatchRelayTest.PUBLISHER;
import static io.mediaplane.discord.PublishWatchRelayTest.RTC_SERVER;
import static io.mediaplane.discord.PublishWatchRelayTest.WATCHER;
import static io.mediaplane.discord.PublishWatchRelayTest.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.discord.emulator.VoiceServerEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults from the emulator while a clip streams from a publish leg to a watch leg: a 4015 close and a dropped TCP
 * connection are resumed (OP7 → OP9, same UDP path and key); a UDP path that stops answering keepalives is
 * rebuilt with a fresh Identify; in every case frames flow again afterwards. 4014 and 4004 end the leg.
 */
class LegRecoveryTest {
    @TempDir
    Path dir;

    /** Feeds the clip in a loop until stopped (the publisher paces it at 30 fps). */
    private static Thread feed(DiscordLeg publish, List<byte[]> clip, AtomicBoolean running) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                while (running.get()) {
                    for (byte[] au : clip) {
                        if (!running.get()) {
                            return;
                        }
                        if (!publish.publisher().put(au)) {
                            Thread.sleep(5);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private static void awaitMoreFrames(LegRecorder watch, int more, String what, DiscordLeg... legs)
            throws InterruptedException {
        int base = watch.frames.size();
        assertThat(LegRecorder.await(() -> watch.frames.size() >= base + more
                && watch.frames.subList(base, watch.frames.size()).stream().anyMatch(LegRecorder.Frame::keyframe),
                15_000)).as("%s: frames %d → %d; %s", what, base, watch.frames.size(),
                        java.util.Arrays.stream(legs).map(l -> l + " " + l.stats()).toList())
                .isTrue();
    }

    @Test
    void resumesAfterCloseAndCrashAndRebuildsALostUdpPath() throws Exception {
        List<byte[]> clip = H264Clip.make(dir, 60, "160x120");
        LegRecorder pubEvents = new LegRecorder();
        LegRecorder watchEvents = new LegRecorder();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread feeder = null;
        try (VoiceServerEmulator emulator = VoiceServerEmulator.start();
                DiscordLeg publish = DiscordLeg.connect(config(emulator, LegRole.STREAM_PUBLISH, PUBLISHER, "s1")
                        .build(), pubEvents);
                DiscordLeg watch = DiscordLeg.connect(config(emulator, LegRole.STREAM_WATCH, WATCHER, "s2")
                        .build(), watchEvents)) {
            assertThat(publish.awaitState(LegState.READY, Duration.ofSeconds(10))).isTrue();
            assertThat(watch.awaitState(LegState.READY, Duration.ofSeconds(10))).isTrue();
            publish.publisher().start();
            assertThat(LegRecorder.await(() -> !watchEvents.videoStates.isEmpty(), 5000)).isTrue();
            feeder = feed(publish, clip, running);
            awaitMoreFrames(watchEvents, 20, "before faults", publish, watch);

            // 4015: the voice server crashed; both legs resume
            emulator.closeGateway(RTC_SERVER, WATCHER, 4015);
            emulator.closeGateway(RTC_SERVER, PUBLISHER, 4015);
            assertThat(LegRecorder.await(() -> watch.stats().resumes() >= 1 && publish.stats().resumes() >= 1,
                    10_000)).as("%s / %s", pubEvents, watchEvents).isTrue();
            assertThat(watchEvents.closes).contains(4015);
            assertThat(watchEvents.states()).contains(LegState.RESUMING);
            assertThat(emulator.received(7)).hasSizeGreaterThanOrEqualTo(2);
            assertThat(emulator.received(7).getFirst().d().path("seq_ack").asLong()).isPositive();
            awaitMoreFrames(watchEvents, 20, "after 4015", publish, watch);

            // TCP dropped without a close frame (1006 on the client): resumed too
            emulator.crashGateway(RTC_SERVER, WATCHER);
            assertThat(LegRecorder.await(() -> watch.stats().resumes() >= 2, 10_000)).isTrue();
            awaitMoreFrames(watchEvents, 20, "after a dropped connection", publish, watch);

            // the watch leg's UDP path goes silent: keepalives unanswered → fresh Identify, new socket
            long reconnectsBefore = watch.stats().reconnects();
            emulator.blackholeUdp(RTC_SERVER, WATCHER, Duration.ofSeconds(30));
            assertThat(LegRecorder.await(() -> watchEvents.errors.stream().anyMatch(e -> e.startsWith("UDP_PATH_LOST")),
                    10_000)).isTrue();
            assertThat(watch.awaitState(LegState.READY, Duration.ofSeconds(10))).isTrue();
            assertThat(LegRecorder.await(() -> watch.state() == LegState.READY
                    && watch.stats().reconnects() > reconnectsBefore, 10_000)).isTrue();
            assertThat(watchEvents.states()).contains(LegState.RECONNECTING);
            awaitMoreFrames(watchEvents, 20, "after the watch UDP path was rebuilt", publish, watch);

            // the same for the publish leg: it re-announces its stream under its new SSRC
            emulator.blackholeUdp(RTC_SERVER, PUBLISHER, Duration.ofSeconds(30));
            assertThat(LegRecorder.await(() -> pubEvents.errors.stream().anyMatch(e -> e.startsWith("UDP_PATH_LOST")),
                    10_000)).isTrue();
            assertThat(LegRecorder.await(() -> publish.state() == LegState.READY
                    && pubEvents.states().contains(LegState.RECONNECTING), 10_000)).isTrue();
            awaitMoreFrames(watchEvents, 20, "after the publish UDP path was rebuilt", publish, watch);
        } finally {
            running.set(false);
            if (feeder != null) {
                feeder.join(5000);
            }
        }
    }

    @Test
    void closeCodesThatForbidReconnectingEndTheLeg() throws Exception {
        try (VoiceServerEmulator emulator = VoiceServerEmulator.start()) {
            for (int code : new int[] {4014, 4021, 4022, 4004}) {
                LegRecorder events = new LegRecorder();
                try (DiscordLeg leg = DiscordLeg.connect(config(emulator, LegRole.STREAM_WATCH, WATCHER, "s" + code)
                        .build(), events)) {
                    assertThat(leg.awaitState(LegState.READY, Duration.ofSeconds(10))).isTrue();
                    emulator.closeGateway(RTC_SERVER, WATCHER, code);
                    LegState expected = code == 4004 ? LegState.FAILED : LegState.DISCONNECTED;
                    assertThat(leg.awaitState(expected, Duration.ofSeconds(5))).as("close %d: %s", code, events).isTrue();
                    assertThat(leg.state()).as("close %d", code).isEqualTo(expected);
                    // the listener hears of the change right after the state is set
                    assertThat(LegRecorder.await(() -> events.states().contains(expected), 2000)).isTrue();
                    assertThat(events.closes).containsExactly(code);
                    assertThat(events.states()).doesNotContain(LegState.RESUMING, LegState.RECONNECTING);
                    assertThat(events.transitions.getLast().reason()).startsWith(String.valueOf(code));
                }
            }
        }
    }

    @Test
    void badTokenIsRefusedAndTheLegGivesUp() throws Exception {
        try (VoiceServerEmulator emulator = VoiceServerEmulator.start()) {
            LegRecorder events = new LegRecorder();
            try (DiscordLeg leg = DiscordLeg.connect(LegConfig.builder(LegRole.VOICE, emulator.endpoint(), "1", 5,
                    "s", "").build(), events)) {
                assertThat(leg.awaitState(LegState.READY, Duration.ofSeconds(5))).isFalse();
                assertThat(leg.state()).as("%s", events).isEqualTo(LegState.FAILED);
                assertThat(events.closes).containsExactly(4004);
            }
        }
    }
}
