package io.mediaplane.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.codec.H264Packetizer;
import io.mediaplane.rtp.RtcpCompound;
import io.mediaplane.rtp.RtcpFeedback;
import io.mediaplane.rtp.RtcpNack;
import io.mediaplane.rtp.RtcpPacketType;
import io.mediaplane.testing.Ffmpeg;
import io.mediaplane.testing.Peers;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NACK/RTX with a real peer: GStreamer receives our H264 RTP through {@code rtpsession} (AVPF),
 * {@code rtprtxreceive} and {@code rtpjitterbuffer do-retransmission=true}, which NACKs (RFC 4585 §6.2.1) what our
 * sender withheld (5% of the original packets, seeded). Our {@link RetransmissionHistory} answers over RTX
 * (RFC 4588, payload type 97, its own SSRC), and openh264dec decodes every frame equal to FFmpeg's decoding of
 * the source.
 */
class NackGStreamerInteropTest {
    private static final String GST = "gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good "
            + "gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly";
    private static final int FRAMES = 90;
    private static final int WIDTH = 320;
    private static final int HEIGHT = 240;
    private static final int SSRC = 0x2A2A_0001;
    private static final int RTX_SSRC = 0x2A2A_0002;

    @Test
    void gstreamerNacksAndOurRtxFillsEveryGap(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("source.h264");
        Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=" + WIDTH + "x" + HEIGHT + ":rate=30", "-frames:v",
                Integer.toString(FRAMES), "-c:v", "libx264", "-profile:v", "baseline", "-preset", "veryfast", "-g", "30", "-bf", "0", "-b:v",
                "1500k", "-x264-params", "aud=1", "-f", "h264", source.toString());
        List<byte[]> accessUnits = ImpairmentTest.splitAtDelimiters(Files.readAllBytes(source));
        assertThat(accessUnits).hasSize(FRAMES);
        List<String> expected = Ffmpeg.md5Column(Ffmpeg.frameMd5(source, "h264"));
        assertThat(expected).hasSize(FRAMES);

        Peers.require("gst-launch-1.0", GST);
        int rtpPort = freePort();
        Path frames = dir.resolve("frames.i420");
        String summary;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                PacketPool pool = PacketPool.heap(1200, 1500)) {
            socket.setSoTimeout(20);
            String pipeline = "rtpsession name=s rtp-profile=avpf"
                    + " udpsrc address=127.0.0.1 port=" + rtpPort
                    + " caps=application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96,ssrc=(uint)"
                    + Integer.toUnsignedString(SSRC) + " ! s.recv_rtp_sink"
                    + " s.recv_rtp_src ! rtprtxreceive payload-type-map=application/x-rtp-pt-map,96=(uint)97"
                    // rtpssrcdemux adds the SSRC to the jitter buffer's retransmission requests (as inside rtpbin)
                    + " ! rtpssrcdemux name=d d.src_" + Integer.toUnsignedString(SSRC)
                    + " ! rtpjitterbuffer do-retransmission=true latency=1000 ! rtph264depay ! h264parse ! openh264dec"
                    + " ! videoconvert ! video/x-raw,format=I420 ! filesink location=" + frames
                    + " s.send_rtcp_src ! udpsink host=127.0.0.1 port=" + socket.getLocalPort() + " sync=false async=false";
            List<String> cmd = new ArrayList<>(List.of("gst-launch-1.0", "-q", "-e"));
            cmd.addAll(List.of(pipeline.split(" +")));
            try (Peers.Running gst = Peers.start(cmd)) {
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (!bound(rtpPort)) {
                    assertThat(gst.process().isAlive()).as("receiver died:\n%s", gst.output()).isTrue();
                    assertThat(System.nanoTime()).as("receiver never bound").isLessThan(deadline);
                    Thread.sleep(50);
                }
                Thread.sleep(300);
                Sender sender = new Sender(socket, pool, rtpPort);
                Thread feedback = Thread.ofPlatform().start(sender::answerFeedback);
                sender.send(accessUnits);
                Thread.sleep(2500); // time for the last NACKs and retransmissions (latency 1 s)
                sender.stop = true;
                feedback.join();
                new ProcessBuilder("kill", "-INT", Long.toString(gst.process().pid())).start().waitFor();
                assertThat(gst.awaitExit(20)).as("gst-launch:\n%s", gst.output()).isZero();
                synchronized (sender.history) {
                    summary = "withheld " + sender.withheld + ", NACKs " + sender.nacks + ", resent "
                            + sender.history.resent() + ", " + sender.history.counters();
                    assertThat(sender.withheld).as("packets withheld").isGreaterThan(10);
                    assertThat(sender.nacks).as("NACKs from GStreamer in %d RTCP datagrams; %s", sender.rtcpDatagrams, gst.output()).isPositive();
                    assertThat(sender.history.resent()).as("retransmissions").isGreaterThanOrEqualTo(sender.withheld);
                    sender.history.close();
                }
            }
        }
        System.out.println("NACK interop: " + summary);
        byte[] raw = Files.readAllBytes(frames);
        int frameSize = WIDTH * HEIGHT * 3 / 2;
        assertThat(raw.length).as("decoded frames; %s", summary).isEqualTo(FRAMES * frameSize);
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        for (int i = 0; i < FRAMES; i++) {
            md5.update(raw, i * frameSize, frameSize);
            assertThat(HexFormat.of().formatHex(md5.digest())).as("frame %d", i).isEqualTo(expected.get(i));
        }
    }

    /** Our side: packetizes at 30 fps, withholds 5% of the packets, answers NACKs from the RTCP socket over RTX. */
    private static final class Sender {
        final DatagramSocket socket;
        final PacketPool pool;
        final InetSocketAddress target;
        final RetransmissionHistory history;
        final Random random = new Random(4585);
        final byte[] datagram = new byte[1500];
        volatile boolean stop;
        int withheld;
        int nacks;
        int rtcpDatagrams;
        int frame;

        Sender(DatagramSocket socket, PacketPool pool, int port) {
            this.socket = socket;
            this.pool = pool;
            this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            this.history = new RetransmissionHistory(pool, 1024, 2_000_000_000L).rtx(97, RTX_SSRC, 7000)
                    .rttNanos(5_000_000L);
        }

        void send(List<byte[]> accessUnits) throws InterruptedException {
            H264Packetizer packetizer = new H264Packetizer(pool, b -> {
                synchronized (history) {
                    history.store(b, System.nanoTime());
                    // never the first packets (the receiver must know the stream before it can ask for anything)
                    // nor the last frame's (a loss at the very end shows no gap to anyone)
                    if (history.buffersHeld() > 20 && frame < accessUnits.size() - 1 && random.nextDouble() < 0.05) {
                        withheld++;
                        b.release();
                        return;
                    }
                }
                transmit(b);
            }, 96, SSRC, 65500, 1200);
            long start = System.nanoTime();
            for (int i = 0; i < accessUnits.size(); i++) {
                long wait = start + i * 33_333_333L - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                byte[] au = accessUnits.get(i);
                frame = i;
                packetizer.packetizeAnnexB(MemorySegment.ofArray(au), 0, au.length, 3000 * i);
            }
        }

        void transmit(PacketBuffer b) {
            int n = b.length();
            MemorySegment.copy(b.segment(), java.lang.foreign.ValueLayout.JAVA_BYTE, b.offset(), datagram, 0, n);
            b.release();
            try {
                socket.send(new DatagramPacket(datagram, n, target));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        void answerFeedback() {
            byte[] buf = new byte[1500];
            MemorySegment seg = MemorySegment.ofArray(buf);
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            RtcpCompound compound = new RtcpCompound(true);
            RtcpNack nack = new RtcpNack();
            while (!stop) {
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (java.io.IOException e) {
                    return;
                }
                rtcpDatagrams++;
                if (!compound.wrap(seg, 0, p.getLength()).ok()) {
                    continue;
                }
                while (compound.next()) {
                    if (compound.packetType() == RtcpPacketType.RTPFB.code() && compound.fmt() == RtcpFeedback.FMT_NACK
                            && compound.read(nack).ok() && nack.mediaSsrc() == SSRC) {
                        synchronized (history) {
                            nacks++;
                            history.onNack(nack, System.nanoTime(), this::transmit);
                        }
                    }
                }
            }
        }
    }

    private static int freePort() throws SocketException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }

    private static boolean bound(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }
}
