package io.mediaplane.discord;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.discord.dave.DaveGatewayHook;
import io.mediaplane.discord.emulator.VoiceServerEmulator;
import io.mediaplane.testing.Ffmpeg;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream_publish leg and a stream_watch leg, each with its own DAVE session, through the voice server emulator
 * playing the gateway's DAVE side: the legs form the MLS group (key packages, external proposals, commit and
 * welcome, ready and execute), the publish leg's H264 frames cross the emulator end-to-end encrypted (DAVE's
 * {@code FA FA} trailer on every frame) and the watch leg opens them into the clip's access units.
 */
class DaveRelayTest {
    static final String RTC_SERVER = PublishWatchRelayTest.RTC_SERVER;
    /** A Go Live stream's DAVE group: rtc_server_id − 1. */
    static final long GROUP = Long.parseLong(RTC_SERVER) - 1;
    static final long PUBLISHER = PublishWatchRelayTest.PUBLISHER;
    static final long WATCHER = PublishWatchRelayTest.WATCHER;

    @TempDir
    Path dir;

    @Test
    void publishedClipArrivesEncryptedAndIsOpenedByTheWatchLeg() throws Exception {
        List<byte[]> clip = H264Clip.make(dir, 45, "320x240");
        LegRecorder watchEvents = new LegRecorder();
        try (VoiceServerEmulator emulator = VoiceServerEmulator.start().enableDave();
                DaveGatewayHook publishDave = new DaveGatewayHook(PUBLISHER, GROUP);
                DaveGatewayHook watchDave = new DaveGatewayHook(WATCHER, GROUP);
                DiscordLeg publish = DiscordLeg.connect(PublishWatchRelayTest.config(emulator,
                        LegRole.STREAM_PUBLISH, PUBLISHER, "s1").daveHook(publishDave)
                        .frameCrypto(publishDave.frameCrypto()).build(), new LegRecorder());
                DiscordLeg watch = DiscordLeg.connect(PublishWatchRelayTest.config(emulator,
                        LegRole.STREAM_WATCH, WATCHER, "s2").daveHook(watchDave)
                        .frameCrypto(watchDave.frameCrypto()).build(), watchEvents)) {
            assertThat(publish.awaitState(LegState.READY, Duration.ofSeconds(10))).isTrue();
            assertThat(watch.awaitState(LegState.READY, Duration.ofSeconds(10))).isTrue();
            assertThat(LegRecorder.await(() -> publishDave.session().isSending() && watchDave.session().isSending()
                    && watchDave.session().members().contains(PUBLISHER), 10_000))
                    .as("group formed: publish epoch %d, watch epoch %d", publishDave.session().epoch(),
                            watchDave.session().epoch())
                    .isTrue();
            assertThat(emulator.session(RTC_SERVER, PUBLISHER).daveVersion()).isEqualTo(1);
            assertThat(emulator.daveCommits(RTC_SERVER)).isEqualTo(1);
            assertThat(publishDave.session().members()).containsExactlyInAnyOrder(PUBLISHER, WATCHER);
            assertThat(publishDave.session().privacyCode()).isEqualTo(watchDave.session().privacyCode());
            // the gateway got the key packages, the commit with its welcome and both readies
            assertThat(emulator.received(26)).hasSizeGreaterThanOrEqualTo(2);
            assertThat(emulator.received(28)).hasSize(1);
            assertThat(emulator.received(23)).hasSize(2);

            publish.publisher().start();
            assertThat(LegRecorder.await(() -> !watchEvents.videoStates.isEmpty(), 5000)).isTrue();
            for (byte[] au : clip) {
                assertThat(publish.publisher().put(au)).isTrue();
            }
            assertThat(LegRecorder.await(() -> watchEvents.frames.size() >= clip.size(), 15_000))
                    .as("frames %d, watch %s, publish %s", watchEvents.frames.size(), watch.stats(),
                            publish.stats())
                    .isTrue();
            for (int i = 0; i < clip.size(); i++) {
                LegRecorder.Frame f = watchEvents.frames.get(i);
                assertThat(H264Clip.nals(f.data())).as("access unit %d", i).isEqualTo(H264Clip.nals(clip.get(i)));
                assertThat(f.endToEndEncrypted()).as("access unit %d opened by DAVE", i).isTrue();
            }
            VoiceServerEmulator.Session onWire = emulator.session(RTC_SERVER, PUBLISHER);
            assertThat(onWire.daveFrames()).as("frames with the DAVE trailer on the wire")
                    .isGreaterThanOrEqualTo(clip.size());
            assertThat(onWire.clearFrames()).as("frames without it").isZero();
            assertThat(publishDave.session().sealedInClearCount()).isZero();
            assertThat(watchDave.session().openCount(PUBLISHER, FrameCryptoStatus.OK))
                    .isGreaterThanOrEqualTo(clip.size());
            assertThat(watch.stats().dropped(LegStats.Drop.FRAME_CRYPTO_FAILED)).isZero();
            assertThat(PublishWatchRelayTest.decodedMd5s(watchEvents.frames))
                    .as("decoded pictures against FFmpeg's framemd5")
                    .isEqualTo(Ffmpeg.md5Column(Ffmpeg.frameMd5(dir.resolve("clip.h264"), "h264")));
        }
    }

    /**
     * Three DAVE members (a publisher and two watchers); one watcher leaves mid-stream. The gateway sends client
     * disconnect (13) and an external Remove proposal for its leaf (27), a remaining member commits (28), the
     * gateway announces the commit (29) and executes the transition (22) once both remaining members are ready
     * (23). The publisher's frames keep opening at the other watcher across the epoch change: the watcher takes
     * the new epoch's ratchet when it processes the commit and keeps the old one for DAVE's transition window
     * (10 s), so frames the publisher still seals with the old key until the execute (22) open, and so do those
     * sealed with the new key after it. No frame is lost.
     */
    @Test
    void aWatcherLeavingMidStreamIsRemovedAndTheOtherWatcherOpensEveryFrameAcrossTheEpochChange() throws Exception {
        List<byte[]> clip = H264Clip.make(dir, 60, "320x240");
        long leaver = 333L;
        LegRecorder watchEvents = new LegRecorder();
        try (VoiceServerEmulator emulator = VoiceServerEmulator.start().enableDave();
                DaveGatewayHook publishDave = new DaveGatewayHook(PUBLISHER, GROUP);
                DaveGatewayHook watchDave = new DaveGatewayHook(WATCHER, GROUP);
                DaveGatewayHook leaverDave = new DaveGatewayHook(leaver, GROUP);
                DiscordLeg publish = DiscordLeg.connect(PublishWatchRelayTest.config(emulator,
                        LegRole.STREAM_PUBLISH, PUBLISHER, "s1").daveHook(publishDave)
                        .frameCrypto(publishDave.frameCrypto()).build(), new LegRecorder());
                DiscordLeg watch = DiscordLeg.connect(PublishWatchRelayTest.config(emulator,
                        LegRole.STREAM_WATCH, WATCHER, "s2").daveHook(watchDave)
                        .frameCrypto(watchDave.frameCrypto()).build(), watchEvents);
                DiscordLeg leaving = DiscordLeg.connect(PublishWatchRelayTest.config(emulator,
                        LegRole.STREAM_WATCH, leaver, "s3").daveHook(leaverDave)
                        .frameCrypto(leaverDave.frameCrypto()).build(), new LegRecorder())) {
            for (DiscordLeg leg : List.of(publish, watch, leaving)) {
                assertThat(leg.awaitState(LegState.READY, Duration.ofSeconds(10))).isTrue();
            }
            assertThat(LegRecorder.await(() -> List.of(publishDave, watchDave, leaverDave).stream()
                    .allMatch(h -> h.session().isSending() && h.session().members().size() == 3), 15_000))
                    .as("group of three formed: epochs %d %d %d", publishDave.session().epoch(),
                            watchDave.session().epoch(), leaverDave.session().epoch())
                    .isTrue();
            long epochBefore = publishDave.session().epoch();
            long transitionsBefore = emulator.daveTransitions(RTC_SERVER);

            publish.publisher().start();
            assertThat(LegRecorder.await(() -> !watchEvents.videoStates.isEmpty(), 5000)).isTrue();
            int half = clip.size() / 2;
            for (byte[] au : clip.subList(0, half)) {
                assertThat(publish.publisher().put(au)).isTrue();
            }
            // mid-stream: the first frames are open at the watcher, the rest sealed and sent under the old epoch
            assertThat(LegRecorder.await(() -> watchEvents.frames.size() >= half / 2, 10_000)).isTrue();
            leaving.close();
            emulator.leave(RTC_SERVER, leaver);
            assertThat(LegRecorder.await(() -> emulator.daveTransitions(RTC_SERVER) > transitionsBefore
                    && publishDave.session().epoch() == epochBefore + 1
                    && watchDave.session().epoch() == epochBefore + 1, 10_000))
                    .as("remove committed and executed: epochs %d %d", publishDave.session().epoch(),
                            watchDave.session().epoch())
                    .isTrue();
            assertThat(emulator.daveRemovals(RTC_SERVER)).isEqualTo(1);
            assertThat(publishDave.session().members()).containsExactlyInAnyOrder(PUBLISHER, WATCHER);
            assertThat(watchDave.session().members()).containsExactlyInAnyOrder(PUBLISHER, WATCHER);
            assertThat(publishDave.session().privacyCode()).isEqualTo(watchDave.session().privacyCode());
            for (byte[] au : clip.subList(half, clip.size())) {
                assertThat(publish.publisher().put(au)).isTrue();
            }

            assertThat(LegRecorder.await(() -> watchEvents.frames.size() >= clip.size(), 15_000))
                    .as("frames %d, watch %s, publish %s", watchEvents.frames.size(), watch.stats(),
                            publish.stats())
                    .isTrue();
            for (int i = 0; i < clip.size(); i++) {
                LegRecorder.Frame f = watchEvents.frames.get(i);
                assertThat(H264Clip.nals(f.data())).as("access unit %d", i).isEqualTo(H264Clip.nals(clip.get(i)));
                assertThat(f.endToEndEncrypted()).as("access unit %d opened by DAVE", i).isTrue();
            }
            assertThat(watch.stats().dropped(LegStats.Drop.FRAME_CRYPTO_FAILED)).as("%s", watch.stats()).isZero();
            assertThat(watchDave.session().openCount(PUBLISHER, FrameCryptoStatus.OK))
                    .isGreaterThanOrEqualTo(clip.size());
            assertThat(publishDave.session().sealedInClearCount()).isZero();
            assertThat(emulator.session(RTC_SERVER, PUBLISHER).clearFrames()).isZero();
            assertThat(emulator.received(31)).as("no invalid commit or welcome").isEmpty();
        }
    }
}
