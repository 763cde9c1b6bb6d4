package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GStreamer's rtph264pay → our depacketizer: the access units must be byte-identical to what GStreamer's own
 * h264parse (alignment=au) makes of the same encoder output. One pipeline encodes once and tees the stream into
 * the parser (one file per access unit) and into the payloader (UDP to us). h264parse begins every access unit it
 * outputs with an AUD (x264 writes its own; OpenH264 does not), so ours runs with {@link H264Depacketizer.AudMode#INSERT}.
 */
class H264GStreamerConformanceTest {
    static final int FRAMES = 45;

    @ParameterizedTest(name = "{0} aggregate-mode={1}")
    @CsvSource({
        "'x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15 ! video/x-h264,profile=constrained-baseline', none",
        "'x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15 ! video/x-h264,profile=constrained-baseline', zero-latency",
        "'x264enc speed-preset=veryfast key-int-max=15 bframes=2 bitrate=6000 ! video/x-h264,profile=high', zero-latency",
        "'openh264enc gop-size=15 bitrate=4000000 ! video/x-h264,profile=constrained-baseline', none",
        "'openh264enc gop-size=15 bitrate=4000000 ! video/x-h264,profile=constrained-baseline', zero-latency"})
    void accessUnitsMatchH264Parse(String encoder, String aggregateMode, @TempDir Path dir) throws Exception {
        String pipeline = "videotestsrc num-buffers=" + FRAMES + " pattern=snow ! "
                + "video/x-raw,width=640,height=360,framerate=30/1 ! "
                + encoder + " ! tee name=t t. ! queue ! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! "
                + "multifilesink location=" + dir + "/au-%05d.h264 t. ! queue ! rtph264pay pt=96 mtu=1200 aggregate-mode="
                + aggregateMode + " ! udpsink host=127.0.0.1 port=PORT";
        Units out = new Units();
        H264Depacketizer depacketizer = new H264Depacketizer(out).audMode(H264Depacketizer.AudMode.INSERT);
        int[] stap = new int[1];
        int[] fu = new int[1];
        int packets = GStreamerRtp.receive(pipeline, rtp -> {
            int type = H264.type(Bytes.u8(rtp.segment(), rtp.payloadOffset()));
            stap[0] += type == H264.STAP_A ? 1 : 0;
            fu[0] += type == H264.FU_A ? 1 : 0;
            assertThat(depacketizer.push(rtp)).isIn(PayloadStatus.OK);
        });
        List<byte[]> expected = GStreamerRtp.readAll(dir, "au-");
        assertThat(expected).hasSize(FRAMES);
        assertThat(depacketizer.counters().lostPackets()).as("loopback loss").isZero();
        assertThat(out.size()).as("access units from %d packets", packets).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(Bytes.toHex(out.get(i).data())).as("access unit %d", i).isEqualTo(Bytes.toHex(expected.get(i)));
            assertThat(out.get(i).keyframe()).as("keyframe %d", i).isEqualTo(H264TestStreams.hasNal(expected.get(i), H264.IDR_SLICE));
        }
        assertThat(fu[0]).as("FU-A packets").isPositive();
        if (aggregateMode.equals("zero-latency")) {
            assertThat(stap[0]).as("STAP-A packets").isPositive();
        } else {
            assertThat(stap[0]).isZero();
        }
    }
}
