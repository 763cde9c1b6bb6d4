package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.PacketPool;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our packetizers → UDP → GStreamer depayloader + decoder: every frame must decode, and the per-frame checksums of
 * the decoded pictures must equal those of decoding the source elementary stream directly.
 */
class PacketizerGStreamerDecodeTest {
    static final int FRAMES = 60;
    static final String RAW = "video/x-raw,width=640,height=360,framerate=30/1";

    @Test
    void h264DecodesLikeTheSource(@TempDir Path dir) throws Exception {
        // source: x264 constrained baseline (what openh264dec decodes), split into access units and decoded directly
        GStreamerRtp.run("videotestsrc num-buffers=" + FRAMES + " pattern=ball ! " + RAW
                + " ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=20 bitrate=3000 ! video/x-h264,profile=constrained-baseline"
                + " ! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! tee name=t t. ! queue ! multifilesink location="
                + dir + "/au-%05d.h264 t. ! queue ! openh264dec ! video/x-raw,format=I420 ! multifilesink location=" + dir + "/ref-%05d.yuv");
        List<byte[]> accessUnits = GStreamerRtp.readAll(dir, "au-");
        assertThat(accessUnits).hasSize(FRAMES);
        String receiver = "udpsrc address=127.0.0.1 port=PORT buffer-size=8388608 "
                + "caps=application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96 ! rtph264depay ! h264parse"
                + " ! openh264dec ! video/x-raw,format=I420 ! multifilesink location=" + dir + "/got-%05d.yuv";
        int[] fuA = new int[1];
        GStreamerRtp.serve(receiver, port -> send(port, (pool, sink) -> {
            H264Packetizer packetizer = new H264Packetizer(pool, sink, 96, 0x5eed, 65500, 1200);
            for (int i = 0; i < accessUnits.size(); i++) {
                byte[] au = accessUnits.get(i);
                assertThat(packetizer.packetizeAnnexB(MemorySegment.ofArray(au), 0, au.length, 3000 * i))
                        .isEqualTo(PayloadStatus.OK);
                Thread.sleep(3);
            }
            fuA[0] = (int) packetizer.packetsSent();
        }));
        assertThat(fuA[0]).isGreaterThan(FRAMES);
        assertThat(checksums(dir, "got-")).isEqualTo(checksums(dir, "ref-")).hasSize(FRAMES);
    }

    @Test
    void vp8DecodesLikeTheSource(@TempDir Path dir) throws Exception {
        GStreamerRtp.run("videotestsrc num-buffers=" + FRAMES + " pattern=ball ! " + RAW
                + " ! vp8enc deadline=1 keyframe-max-dist=20 target-bitrate=3000000 ! tee name=t t. ! queue ! multifilesink location="
                + dir + "/f-%05d.vp8 t. ! queue ! vp8dec ! video/x-raw,format=I420 ! multifilesink location=" + dir + "/ref-%05d.yuv");
        List<byte[]> frames = GStreamerRtp.readAll(dir, "f-");
        assertThat(frames).hasSize(FRAMES);
        String receiver = "udpsrc address=127.0.0.1 port=PORT buffer-size=8388608 "
                + "caps=application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96 ! rtpvp8depay"
                + " ! vp8dec ! video/x-raw,format=I420 ! multifilesink location=" + dir + "/got-%05d.yuv";
        GStreamerRtp.serve(receiver, port -> send(port, (pool, sink) -> {
            Vp8Packetizer packetizer = new Vp8Packetizer(pool, sink, 96, 0x5eed, 65000, 1200);
            for (int i = 0; i < frames.size(); i++) {
                byte[] f = frames.get(i);
                assertThat(packetizer.packetize(MemorySegment.ofArray(f), 0, f.length, 3000 * i, false))
                        .isEqualTo(PayloadStatus.OK);
                Thread.sleep(3);
            }
        }));
        assertThat(checksums(dir, "got-")).isEqualTo(checksums(dir, "ref-")).hasSize(FRAMES);
    }

    interface Packetize {
        void run(PacketPool pool, PacketSink sink) throws Exception;
    }

    /** Sends every packet as one datagram from a pooled buffer, then releases it (the send path, minus a cipher). */
    private static void send(int port, Packetize packetize) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(); PacketPool pool = PacketPool.heap(16, 1500)) {
            InetAddress lo = InetAddress.getLoopbackAddress();
            byte[] datagram = new byte[1500];
            packetize.run(pool, packet -> {
                byte[] bytes = packet.toArray();
                System.arraycopy(bytes, 0, datagram, 0, bytes.length);
                try {
                    socket.send(new DatagramPacket(datagram, bytes.length, lo, port));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    packet.release();
                }
            });
            assertThat(pool.outstanding()).isZero();
        }
    }

    private static List<String> checksums(Path dir, String prefix) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        return GStreamerRtp.readAll(dir, prefix).stream().map(b -> HexFormat.of().formatHex(md5.digest(b))).toList();
    }
}
