package io.mediaplane.discord;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.crypto.DiscordAeadMode;
import io.mediaplane.discord.emulator.VoiceServerEmulator;
import io.mediaplane.testing.Ffmpeg;
import io.mediaplane.video.DecodeStatus;
import io.mediaplane.video.FrameMd5;
import io.mediaplane.video.H264Decoder;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A stream_publish leg sends an FFmpeg-made H264 clip through the voice server emulator to a stream_watch leg:
 * the watch leg's access units carry exactly the clip's NAL units, in order, in both transport modes, and decoded
 * in process they give FFmpeg's framemd5 of the clip.
 */
class PublishWatchRelayTest {
    static final String RTC_SERVER = "990001";
    static final long PUBLISHER = 111L;
    static final long WATCHER = 222L;

    @TempDir
    Path dir;

    static LegConfig.Builder config(VoiceServerEmulator emulator, LegRole role, long user, String session) {
        return LegConfig.builder(role, emulator.endpoint(), RTC_SERVER, user, session, "token-" + user)
                .keepalive(Duration.ofMillis(200), 5).handshakeTimeout(Duration.ofSeconds(5));
    }

    /** Decodes the received access units in process (OpenH264) and hashes each picture as FFmpeg's framemd5 does. */
    static List<String> decodedMd5s(List<LegRecorder.Frame> frames) {
        List<String> md5s = new java.util.ArrayList<>();
        FrameMd5 md5 = new FrameMd5();
        try (H264Decoder decoder = H264Decoder.create()) {
            for (LegRecorder.Frame f : frames) {
                DecodeStatus st = decoder.decode(MemorySegment.ofArray(f.data()), 0, f.data().length);
                assertThat(st).isEqualTo(DecodeStatus.PICTURE);
                md5s.add(md5.hash(decoder.picture()));
            }
        }
        return md5s;
    }

    /**
     * The emulator reorders, duplicates and "loses" packets on the way to the watch leg, repairing the losses with
     * RTX, and mixes in sender reports: the reorder buffer and the RTX unwrapper restore the clip exactly.
     */
    @Test
    void reorderedDuplicatedAndRetransmittedPacketsStillGiveTheClip() throws Exception {
        List<byte[]> clip = H264Clip.make(dir, 60, "320x240");
        LegRecorder watchEvents = new LegRecorder();
        try (VoiceServerEmulator emulator = VoiceServerEmulator.start();
                DiscordLeg publish = DiscordLeg.connect(config(emulator, LegRole.STREAM_PUBLISH, PUBLISHER, "s1")
                        .build(), new LegRecorder());
                DiscordLeg watch = DiscordLeg.connect(config(emulator, LegRole.STREAM_WATCH, WATCHER, "s2").build(),
                        watchEvents)) {
            assertThat(publish.awaitState(LegState.READY, Duration.ofSeconds(10))).isTrue();
            assertThat(watch.awaitState(LegState.READY, Duration.ofSeconds(10))).isTrue();
            emulator.impair(RTC_SERVER, WATCHER, 7);
            publish.publisher().start();
            assertThat(LegRecorder.await(() -> !watchEvents.videoStates.isEmpty(), 5000)).isTrue();
            for (byte[] au : clip) {
                assertThat(publish.publisher().put(au)).isTrue();
            }
            assertThat(LegRecorder.await(() -> watchEvents.frames.size() >= clip.size(), 15_000))
                    .as("frames %d, %s", watchEvents.frames.size(), watch.stats()).isTrue();
            for (int i = 0; i < clip.size(); i++) {
                assertThat(H264Clip.nals(watchEvents.frames.get(i).data())).as("access unit %d", i)
                        .isEqualTo(H264Clip.nals(clip.get(i)));
            }
            assertThat(watchEvents.frames.stream().mapToInt(LegRecorder.Frame::lostPackets).sum()).isZero();
            assertThat(emulator.impairmentCounts(RTC_SERVER, WATCHER)).as("swapped, duplicated, retransmitted")
                    .doesNotContain(0L);
            assertThat(watch.stats().rtxUnwrapped()).isPositive();
            assertThat(watch.stats().rtcpReceived()).isPositive();
            assertThat(watch.stats().dropped(LegStats.Drop.TRANSPORT_OPEN_FAILED)).isZero();
        }
    }

    /** Lost packets are NACKed by the watch leg and resent over RTX by the publish leg, through the emulator. */
    @Test
    void lostPacketsAreNackedAndRetransmitted() throws Exception {
        List<byte[]> clip = H264Clip.make(dir, 60, "320x240");
        LegRecorder watchEvents = new LegRecorder();
        try (VoiceServerEmulator emulator = VoiceServerEmulator.start();
                DiscordLeg publish = DiscordLeg.connect(config(emulator, LegRole.STREAM_PUBLISH, PUBLISHER, "s1")
                        .build(), new LegRecorder());
                DiscordLeg watch = DiscordLeg.connect(config(emulator, LegRole.STREAM_WATCH, WATCHER, "s2").build(),
                        watchEvents)) {
            assertThat(publish.awaitState(LegState.READY, Duration.ofSeconds(10))).isTrue();
            assertThat(watch.awaitState(LegState.READY, Duration.ofSeconds(10))).isTrue();
            emulator.dropH264(RTC_SERVER, WATCHER, 11);
            publish.publisher().start();
            assertThat(LegRecorder.await(() -> !watchEvents.videoStates.isEmpty(), 5000)).isTrue();
            for (byte[] au : clip) {
                assertThat(publish.publisher().put(au)).isTrue();
            }
            assertThat(LegRecorder.await(() -> watchEvents.frames.size() >= clip.size(), 15_000))
                    .as("frames %d, %s / %s", watchEvents.frames.size(), watch.stats(), publish.stats()).isTrue();
            for (int i = 0; i < clip.size(); i++) {
                assertThat(H264Clip.nals(watchEvents.frames.get(i).data())).as("access unit %d", i)
                        .isEqualTo(H264Clip.nals(clip.get(i)));
            }
            assertThat(emulator.impairmentCounts(RTC_SERVER, WATCHER)[2]).as("packets dropped").isPositive();
            assertThat(watch.stats().nacksSent()).isPositive();
            assertThat(publish.stats().nacksReceived()).isPositive();
            assertThat(publish.stats().retransmissions()).isPositive();
            assertThat(watch.stats().rtxUnwrapped()).isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(DiscordAeadMode.class)
    void watchLegReceivesThePublishedClip(DiscordAeadMode mode) throws Exception {
        List<byte[]> clip = H264Clip.make(dir, 45, "320x240");
        assertThat(clip).hasSize(45);
        LegRecorder pubEvents = new LegRecorder();
        LegRecorder watchEvents = new LegRecorder();
        try (VoiceServerEmulator emulator = VoiceServerEmulator.start();
                DiscordLeg publish = DiscordLeg.connect(config(emulator, LegRole.STREAM_PUBLISH, PUBLISHER, "s1")
                        .preferredMode(mode).build(), pubEvents);
                DiscordLeg watch = DiscordLeg.connect(config(emulator, LegRole.STREAM_WATCH, WATCHER, "s2")
                        .preferredMode(mode).build(), watchEvents)) {
            assertThat(publish.awaitState(LegState.READY, Duration.ofSeconds(10))).as("%s", pubEvents)
                    .isTrue();
            assertThat(watch.awaitState(LegState.READY, Duration.ofSeconds(10))).as("%s", watchEvents)
                    .isTrue();
            assertThat(publish.mode()).isEqualTo(mode);
            assertThat(watch.mode()).isEqualTo(mode);

            publish.publisher().start();
            assertThat(LegRecorder.await(() -> !watchEvents.videoStates.isEmpty(), 5000)).isTrue();
            VideoState announced = watchEvents.videoStates.getLast();
            assertThat(announced.userId()).isEqualTo(PUBLISHER);
            assertThat(announced.isActive()).isTrue();

            for (byte[] au : clip) {
                assertThat(publish.publisher().put(au)).isTrue();
            }
            assertThat(LegRecorder.await(() -> watchEvents.frames.size() >= clip.size(), 15_000))
                    .as("frames received: %d, watch stats %s, publish stats %s", watchEvents.frames.size(),
                            watch.stats(), publish.stats())
                    .isTrue();
            for (int i = 0; i < clip.size(); i++) {
                LegRecorder.Frame f = watchEvents.frames.get(i);
                assertThat(H264Clip.nals(f.data())).as("access unit %d", i).isEqualTo(H264Clip.nals(clip.get(i)));
                assertThat(f.userId()).isEqualTo(PUBLISHER);
                assertThat(f.keyframe()).isEqualTo(i % 30 == 0);
            }
            // 90 kHz timestamps, one frame interval apart (PublishSettings.DEFAULT: 30 fps)
            for (int i = 1; i < clip.size(); i++) {
                assertThat(watchEvents.frames.get(i).timestamp() - watchEvents.frames.get(i - 1).timestamp())
                        .isEqualTo(3000);
            }
            assertThat(watch.stats().dropped(LegStats.Drop.TRANSPORT_OPEN_FAILED)).isZero();
            assertThat(decodedMd5s(watchEvents.frames)).as("decoded pictures against FFmpeg's framemd5")
                    .isEqualTo(Ffmpeg.md5Column(Ffmpeg.frameMd5(dir.resolve("clip.h264"), "h264")));

            // the gateway saw the publish leg announce itself: Video with an active layer, Speaking 2
            assertThat(emulator.received(5)).anySatisfy(r -> assertThat(r.d().path("speaking").asInt())
                    .isEqualTo(2));
            assertThat(emulator.received(12)).anySatisfy(r -> assertThat(r.d().path("streams").path(0)
                    .path("active").asBoolean()).isTrue());

            publish.publisher().stop();
            assertThat(LegRecorder.await(() -> !watchEvents.videoEnds.isEmpty(), 5000)).isTrue();
            assertThat(watchEvents.videoEnds.getFirst()[0]).isEqualTo(PUBLISHER);
        }
        assertThat(pubEvents.states()).contains(LegState.CONNECTING, LegState.IDENTIFYING, LegState.DISCOVERING,
                LegState.SELECTING_PROTOCOL, LegState.READY, LegState.DISCONNECTED);
        assertThat(pubEvents.publishStates).containsExactly(PublishState.PLAYING, PublishState.IDLE);
    }
}
