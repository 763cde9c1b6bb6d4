package io.mediaplane.discord;

import static io.mediaplane.discord.PublishWatchRelayTest.PUBLISHER;
import static io.mediaplane.discord.PublishWatchRelayTest.WATCHER;
import static io.mediaplane.discord.PublishWatchRelayTest.config;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediaplane.discord.emulator.VoiceServerEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FFmpeg source publishes a file through the emulator to a watch leg; pause, resume and stop send the
 * matching Video (layer active or not) and Speaking (2 or 0) announcements, the watcher sees the video end and
 * come back, and frames after resume start with a keyframe.
 */
class PublishControlTest {
    @TempDir
    Path dir;

    private static List<JsonNode> sent(VoiceServerEmulator emulator, int op) {
        return emulator.received(op).stream().map(VoiceServerEmulator.Received::d).toList();
    }

    /** The watcher's frames sent at or after {@code resumeTimestamp} (RFC 3550 timestamps compare modulo 2^32). */
    private static List<LegRecorder.Frame> afterResume(LegRecorder events, int resumeTimestamp) {
        return events.frames.stream().filter(f -> f.timestamp() - resumeTimestamp >= 0).toList();
    }

    @Test
    void ffmpegSourceWithPauseResumeAndStop() throws Exception {
        H264Clip.make(dir, 240, "160x120");
        PublishSettings small = new PublishSettings(160, 120, 30, 300_000, 1000, 1100);
        LegRecorder pubEvents = new LegRecorder();
        LegRecorder watchEvents = new LegRecorder();
        try (VoiceServerEmulator emulator = VoiceServerEmulator.start();
                DiscordLeg publish = DiscordLeg.connect(config(emulator, LegRole.STREAM_PUBLISH, PUBLISHER, "s1")
                        .publishSettings(small).build(), pubEvents);
                DiscordLeg watch = DiscordLeg.connect(config(emulator, LegRole.STREAM_WATCH, WATCHER, "s2").build(),
                        watchEvents)) {
            assertThat(publish.awaitState(LegState.READY, Duration.ofSeconds(10))).isTrue();
            assertThat(watch.awaitState(LegState.READY, Duration.ofSeconds(10))).isTrue();
            publish.publisher().start();
            try (FfmpegH264Source source = FfmpegH264Source.start(publish, dir.resolve("clip.h264").toString(),
                    pubEvents)) {
                assertThat(LegRecorder.await(() -> watchEvents.frames.size() >= 20, 15_000))
                        .as("%s / %s", watch.stats(), publish.stats()).isTrue();
                assertThat(watchEvents.frames.getFirst().keyframe()).isTrue();
                List<LegRecorder.Frame> first = List.copyOf(watchEvents.frames);
                assertThat(PublishWatchRelayTest.decodedMd5s(first)).as("every frame decodes").hasSize(first.size());

                publish.publisher().pause();
                assertThat(LegRecorder.await(() -> !watchEvents.videoEnds.isEmpty(), 5000)).isTrue();
                assertThat(LegRecorder.await(() -> sent(emulator, 5).getLast().path("speaking").asInt() == 0, 5000))
                        .isTrue();
                assertThat(sent(emulator, 12).getLast().path("streams").path(0).path("active").asBoolean()).isFalse();
                // Frames sent before the pause may still be on their way to the watcher (loopback, relay, reorder
                // buffer), so "after resume" is told by RTP timestamp, not by arrival order: while paused, every frame
                // sent after resume carries this timestamp or a later one, every earlier frame an earlier one.
                int resumeTimestamp = publish.publisher().nextTimestamp();
                int statesAtResume = watchEvents.videoStates.size();

                publish.publisher().resume();
                assertThat(LegRecorder.await(() -> watchEvents.videoStates.size() > statesAtResume, 5000)).isTrue();
                assertThat(LegRecorder.await(() -> afterResume(watchEvents, resumeTimestamp).size() >= 10, 15_000))
                        .as("%s / %s", watch.stats(), publish.stats()).isTrue();
                assertThat(afterResume(watchEvents, resumeTimestamp).getFirst().keyframe())
                        .as("first frame after resume").isTrue();
                assertThat(sent(emulator, 5).getLast().path("speaking").asInt()).isEqualTo(2);
                assertThat(sent(emulator, 12).getLast().path("streams").path(0).path("type").asText())
                        .as("a Go Live publish announces a screen share, whatever type Ready listed").isEqualTo("screen");

                publish.publisher().stop();
                assertThat(LegRecorder.await(() -> watchEvents.videoEnds.size() >= 2, 5000)).isTrue();
                assertThat(publish.publisher().offer(new byte[] {0, 0, 0, 1, 9, 16})).as("stopped").isFalse();
            }
            assertThat(pubEvents.publishStates).containsExactly(PublishState.PLAYING, PublishState.PAUSED,
                    PublishState.PLAYING, PublishState.IDLE);
            assertThat(publish.stats().senderReportsSent()).isPositive();
            assertThat(emulator.session(PublishWatchRelayTest.RTC_SERVER, PUBLISHER).senderReports())
                    .as("sender reports the emulator opened").isPositive();
        }
    }

    /**
     * {@link FfmpegH264Source#sent} completes only after the last access unit FFmpeg produced has left: by then the
     * publisher has sent every unit (the clip starts on a keyframe and nothing pauses it) and holds nothing more.
     */
    @Test
    void sentCompletesAfterTheLastAccessUnitLeft() throws Exception {
        H264Clip.make(dir, 45, "160x120");
        PublishSettings small = new PublishSettings(160, 120, 30, 300_000, 1000, 1100);
        try (VoiceServerEmulator emulator = VoiceServerEmulator.start();
                DiscordLeg publish = DiscordLeg.connect(config(emulator, LegRole.STREAM_PUBLISH, PUBLISHER, "s1")
                        .publishSettings(small).build(), new LegRecorder())) {
            assertThat(publish.awaitState(LegState.READY, Duration.ofSeconds(10))).isTrue();
            publish.publisher().start();
            try (FfmpegH264Source source = FfmpegH264Source.start(publish, dir.resolve("clip.h264").toString(),
                    null)) {
                assertThat(source.sent()).as("%s", publish.stats()).succeedsWithin(Duration.ofSeconds(60))
                        .isEqualTo(0);
                assertThat(source.accessUnits()).isEqualTo(45);
                assertThat(publish.stats().framesSent()).isEqualTo(source.accessUnits());
                assertThat(publish.publisher().queued()).isZero();
                assertThat(publish.publisher().drained()).isDone();
            }
        }
    }
}
