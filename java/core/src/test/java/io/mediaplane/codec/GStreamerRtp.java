package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.rtp.RtpPacket;
import io.mediaplane.testing.Peers;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Runs a gst-launch-1.0 pipeline whose udpsink points at a loopback socket of ours, handing each RTP packet on. */
final class GStreamerRtp {
    static final String PACKAGES = "gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good "
            + "gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly";

    private GStreamerRtp() {}

    /**
     * Starts {@code pipeline} with {@code PORT} replaced by our socket's port, passes every packet (validated) to
     * {@code onPacket} until GStreamer exits and the socket drains, and returns how many packets arrived.
     */
    static int receive(String pipeline, Consumer<RtpPacket> onPacket) throws Exception {
        Peers.require("gst-launch-1.0", PACKAGES);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setReceiveBufferSize(8 << 20);
            socket.setSoTimeout(300);
            List<String> cmd = new ArrayList<>(List.of("gst-launch-1.0", "-q"));
            cmd.addAll(List.of(pipeline.replace("PORT", Integer.toString(socket.getLocalPort())).split(" +")));
            try (Peers.Running gst = Peers.start(cmd)) {
                byte[] buf = new byte[65536];
                DatagramPacket datagram = new DatagramPacket(buf, buf.length);
                MemorySegment seg = MemorySegment.ofArray(buf);
                RtpPacket rtp = new RtpPacket();
                int packets = 0;
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (System.nanoTime() < deadline) {
                    try {
                        socket.receive(datagram);
                    } catch (SocketTimeoutException e) {
                        if (gst.process().isAlive()) {
                            continue;
                        }
                        break;
                    }
                    assertThat(rtp.wrap(seg, 0, datagram.getLength()).ok()).isTrue();
                    packets++;
                    onPacket.accept(rtp);
                }
                assertThat(gst.awaitExit(10)).as("gst-launch exit; output:\n%s", gst.output()).isZero();
                return packets;
            }
        }
    }

    /** Runs a pipeline that needs no socket of ours, to completion. */
    static void run(String pipeline) throws Exception {
        Peers.require("gst-launch-1.0", PACKAGES);
        List<String> cmd = new ArrayList<>(List.of("gst-launch-1.0", "-q"));
        cmd.addAll(List.of(pipeline.split(" +")));
        try (Peers.Running gst = Peers.start(cmd)) {
            assertThat(gst.awaitExit(60)).as("gst-launch exit; output:\n%s", gst.output()).isZero();
        }
    }

    /**
     * Starts a receiving pipeline whose udpsrc listens on {@code PORT} (a free port chosen here), waits until it is
     * bound, runs {@code send} with that port, then stops the pipeline with SIGINT so that {@code -e} flushes it.
     */
    static void serve(String pipeline, SendTo send) throws Exception {
        Peers.require("gst-launch-1.0", PACKAGES);
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = probe.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of("gst-launch-1.0", "-q", "-e"));
        cmd.addAll(List.of(pipeline.replace("PORT", Integer.toString(port)).split(" +")));
        try (Peers.Running gst = Peers.start(cmd)) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!bound(port)) {
                assertThat(gst.process().isAlive()).as("receiver died:\n%s", gst.output()).isTrue();
                assertThat(System.nanoTime()).as("receiver never bound its port").isLessThan(deadline);
                Thread.sleep(50);
            }
            Thread.sleep(200); // bound is not yet playing
            send.to(port);
            Thread.sleep(500);
            // SIGINT: gst-launch -e turns it into EOS, so decoders and sinks flush what they hold
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(gst.process().pid())).start();
            kill.waitFor();
            assertThat(gst.awaitExit(20)).as("gst-launch exit; output:\n%s", gst.output()).isZero();
        }
    }

    interface SendTo {
        void to(int port) throws Exception;
    }

    private static boolean bound(int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    /** The files a multifilesink wrote, in index order. */
    static List<byte[]> readAll(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> sorted = files.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
            List<byte[]> out = new ArrayList<>();
            for (Path p : sorted) {
                out.add(Files.readAllBytes(p));
            }
            return out;
        }
    }
}
