package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GStreamer's rtpvp8pay (vp8enc) → our depacketizer: the frames must be byte-identical to what GStreamer's
 * rtpvp8depay makes of the same packets (one file per frame), which in turn are vp8enc's frames.
 */
class Vp8GStreamerConformanceTest {
    static final int FRAMES = 45;

    @ParameterizedTest(name = "picture-id-mode={0}")
    @ValueSource(strings = {"15-bit", "7-bit", "none"})
    void framesMatchRtpVp8Depay(String pictureIdMode, @TempDir Path dir) throws Exception {
        String pipeline = "videotestsrc num-buffers=" + FRAMES + " pattern=snow ! video/x-raw,width=640,height=360,framerate=30/1 ! "
                + "vp8enc deadline=1 keyframe-max-dist=15 target-bitrate=4000000 ! tee name=e e. ! queue ! multifilesink location="
                + dir + "/enc-%05d.vp8 e. ! queue ! rtpvp8pay pt=96 mtu=1200 picture-id-mode=" + pictureIdMode
                + " ! tee name=t t. ! queue ! rtpvp8depay ! multifilesink location=" + dir + "/dep-%05d.vp8"
                + " t. ! queue ! udpsink host=127.0.0.1 port=PORT";
        Units out = new Units();
        Vp8Depacketizer depacketizer = new Vp8Depacketizer(out);
        Vp8PayloadDescriptor seen = new Vp8PayloadDescriptor();
        int[] continuation = new int[1];
        GStreamerRtp.receive(pipeline, rtp -> {
            assertThat(seen.parse(rtp.segment(), rtp.payloadOffset(), rtp.payloadLength())).isEqualTo(PayloadStatus.OK);
            assertThat(seen.pictureIdMode().name()).isEqualTo(switch (pictureIdMode) {
                case "15-bit" -> "BITS_15";
                case "7-bit" -> "BITS_7";
                default -> "NONE";
            });
            continuation[0] += seen.startsFrame() ? 0 : 1;
            assertThat(depacketizer.push(rtp)).isEqualTo(PayloadStatus.OK);
        });
        List<byte[]> depayed = GStreamerRtp.readAll(dir, "dep-");
        List<byte[]> encoded = GStreamerRtp.readAll(dir, "enc-");
        assertThat(encoded).hasSize(FRAMES);
        assertThat(depayed).hasSize(FRAMES);
        assertThat(depacketizer.counters().lostPackets()).isZero();
        assertThat(out.size()).isEqualTo(FRAMES);
        for (int i = 0; i < FRAMES; i++) {
            assertThat(Bytes.toHex(out.get(i).data())).as("frame %d", i).isEqualTo(Bytes.toHex(depayed.get(i)));
            assertThat(depayed.get(i)).isEqualTo(encoded.get(i));
            assertThat(out.get(i).keyframe()).as("keyframe %d", i).isEqualTo(i % 15 == 0);
        }
        assertThat(continuation[0]).as("packets continuing a frame").isPositive();
    }
}
