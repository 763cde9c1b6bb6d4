package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.PacketPool;
import io.mediaplane.testing.Peers;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our H264 packetizer → UDP → FFmpeg ({@code -i x.sdp -f framemd5}): every frame decodes, and the per-frame MD5s
 * equal FFmpeg's decoding of the source elementary stream directly. A second, independent depacketizer and decoder
 * next to GStreamer's (High profile here: CABAC and 8x8 transforms, which openh264dec cannot decode).
 */
class PacketizerFfmpegDecodeTest {
    static final int FRAMES = 60;

    @Test
    void h264DecodesLikeTheSource(@TempDir Path dir) throws Exception {
        Peers.require("ffmpeg", "ffmpeg");
        GStreamerRtp.run("videotestsrc num-buffers=" + FRAMES + " pattern=ball ! video/x-raw,width=640,height=360,framerate=30/1"
                + " ! x264enc speed-preset=veryfast key-int-max=20 bframes=0 bitrate=3000 ! video/x-h264,profile=high"
                + " ! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! tee name=t t. ! queue ! multifilesink location="
                + dir + "/au-%05d.h264 t. ! queue ! filesink location=" + dir + "/source.h264");
        List<byte[]> accessUnits = GStreamerRtp.readAll(dir, "au-");
        assertThat(accessUnits).hasSize(FRAMES);
        List<String> expected = md5s(ffmpeg(dir, "reference", "-threads", "1", "-i", dir + "/source.h264",
                "-f", "framemd5", dir + "/reference.md5"), dir.resolve("reference.md5"));
        assertThat(expected).hasSize(FRAMES);

        int port = freePortPair();
        Files.writeString(dir.resolve("in.sdp"), String.join("\n",
                "v=0", "o=- 0 0 IN IP4 127.0.0.1", "s=mediaplane", "c=IN IP4 127.0.0.1", "t=0 0",
                "m=video " + port + " RTP/AVP 96", "a=rtpmap:96 H264/90000", "a=fmtp:96 packetization-mode=1", ""));
        try (Peers.Running receiver = Peers.start(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y",
                "-protocol_whitelist", "file,udp,rtp", "-reorder_queue_size", "0", "-threads", "1",
                "-i", dir + "/in.sdp", "-f", "framemd5", dir + "/received.md5"))) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!bound(port)) {
                assertThat(receiver.process().isAlive()).as("ffmpeg died:\n%s", receiver.output()).isTrue();
                assertThat(System.nanoTime()).as("ffmpeg never bound its port").isLessThan(deadline);
                Thread.sleep(50);
            }
            Thread.sleep(300);
            try (DatagramSocket socket = new DatagramSocket(); PacketPool pool = PacketPool.heap(16, 1500)) {
                InetAddress lo = InetAddress.getLoopbackAddress();
                byte[] datagram = new byte[1500];
                H264Packetizer packetizer = new H264Packetizer(pool, packet -> {
                    byte[] bytes = packet.toArray();
                    System.arraycopy(bytes, 0, datagram, 0, bytes.length);
                    try {
                        socket.send(new DatagramPacket(datagram, bytes.length, lo, port));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } finally {
                        packet.release();
                    }
                }, 96, 0x0ff, 1000, 1200);
                for (int i = 0; i < accessUnits.size(); i++) {
                    byte[] au = accessUnits.get(i);
                    assertThat(packetizer.packetizeAnnexB(MemorySegment.ofArray(au), 0, au.length, 3000 * i))
                            .isEqualTo(PayloadStatus.OK);
                    Thread.sleep(3);
                }
            }
            Thread.sleep(1500);
            new ProcessBuilder("kill", "-INT", Long.toString(receiver.process().pid())).start().waitFor();
            receiver.awaitExit(20); // FFmpeg exits non-zero when interrupted; what counts is what it wrote
            List<String> got = md5s(receiver.output(), dir.resolve("received.md5"));
            assertThat(got).as("ffmpeg output:\n%s", receiver.output()).isEqualTo(expected);
        }
    }

    private static String ffmpeg(Path dir, String name, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y"));
        cmd.addAll(List.of(args));
        try (Peers.Running p = Peers.start(cmd)) {
            assertThat(p.awaitExit(60)).as("ffmpeg %s:\n%s", name, p.output()).isZero();
            return p.output();
        }
    }

    /** The hash column of a framemd5 file (lines: stream, dts, pts, duration, size, hash). */
    private static List<String> md5s(String log, Path file) throws Exception {
        assertThat(file).as("ffmpeg wrote nothing:\n%s", log).exists();
        return Files.readAllLines(file).stream().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.substring(l.lastIndexOf(',') + 1).trim()).toList();
    }

    /** An even port whose successor (RTCP) is free too. */
    private static int freePortPair() throws SocketException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                port = s.getLocalPort() & ~1;
            }
            if (!bound(port) && !bound(port + 1)) {
                return port;
            }
        }
        throw new SocketException("no free even/odd port pair");
    }

    private static boolean bound(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }
}
