package io.mediaplane.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code rtp depay} and {@code rtp pay} against real peers: GStreamer's rtph264pay live over UDP and in a tcpdump
 * capture, FFmpeg receiving our RTP from our SDP, and a VP8 IVF round trip checked by FFmpeg's decoder.
 */
class RtpCommandTest {
    private static final String GST = "gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good "
            + "gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly";
    private static final int FRAMES = 60;

    private record Result(int exit, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString().strip(), err.toString().strip());
    }

    /** GStreamer encodes once and tees into h264parse (the reference file) and rtph264pay → udpsink PORT. */
    private static String gstreamerH264(Path dir, int port) {
        return "videotestsrc num-buffers=" + FRAMES + " pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1"
                + " ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=20 ! video/x-h264,profile=constrained-baseline"
                + " ! tee name=t t. ! queue ! h264parse ! video/x-h264,stream-format=byte-stream,alignment=au ! filesink location="
                + dir + "/reference.h264 t. ! queue ! rtph264pay pt=96 mtu=1200 ! udpsink host=127.0.0.1 port="
                + port + " sync=true";
    }

    @Test
    void depayFromUdpEqualsH264Parse(@TempDir Path dir) throws Exception {
        int port = freePort();
        Path out = dir.resolve("out.h264");
        CompletableFuture<Result> depay = CompletableFuture.supplyAsync(() -> run("rtp", "depay", "--codec", "H264",
                "--in", "udp://127.0.0.1:" + port, "--out", out.toString(), "--aud", "INSERT", "--idle-timeout", "1500"));
        awaitBound(port);
        peer(List.of("gst-launch-1.0", "-q"), gstreamerH264(dir, port), "gst-launch-1.0", GST);
        Result r = depay.get(60, TimeUnit.SECONDS);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("frames=" + FRAMES).contains("lost=0");
        assertSameBytes(out, dir.resolve("reference.h264"));
    }

    @Test
    void depayFromATcpdumpCaptureEqualsH264Parse(@TempDir Path dir) throws Exception {
        require("tcpdump", "tcpdump");
        int port = freePort();
        Path capture = dir.resolve("capture.pcap");
        try (DatagramSocket sink = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            sink.setSoTimeout(20);
            Thread drain = Thread.ofVirtual().start(() -> {
                byte[] b = new byte[2048];
                while (!sink.isClosed()) {
                    try {
                        sink.receive(new DatagramPacket(b, b.length));
                    } catch (IOException e) {
                        // timeout or closed
                    }
                }
            });
            Path log = Files.createTempFile("tcpdump", ".log");
            // -B: an 8 MiB kernel buffer, so a tcpdump the loaded machine schedules late still finds every packet;
            // --immediate-mode and -U: each packet is written to the file as soon as it is read
            Process tcpdump = new ProcessBuilder("tcpdump", "-i", "lo", "-B", "8192", "-U", "--immediate-mode", "-n",
                    "-w", capture.toString(), "udp", "dst", "port", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            String tcpdumpLog;
            try {
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (!Files.readString(log).contains("listening on")) { // capturing from here on
                    assertThat(tcpdump.isAlive()).as("tcpdump: %s", Files.readString(log)).isTrue();
                    assertThat(System.nanoTime()).as("tcpdump never started").isLessThan(deadline);
                    Thread.sleep(50);
                }
                peer(List.of("gst-launch-1.0", "-q"), gstreamerH264(dir, port), "gst-launch-1.0", GST);
                // tcpdump reads packets in order: once this last one is in the file, every packet GStreamer sent
                // was written or counted as dropped. An RTP packet of another payload type, which depay skips.
                byte[] endMark = endOfCaptureMark();
                sink.send(new DatagramPacket(endMark, endMark.length, new InetSocketAddress("127.0.0.1", port)));
                while (!contains(Files.readAllBytes(capture), endMark)) {
                    assertThat(tcpdump.isAlive()).as("tcpdump: %s", Files.readString(log)).isTrue();
                    assertThat(System.nanoTime()).as("tcpdump never wrote the last packet: %s",
                            Files.readString(log)).isLessThan(deadline);
                    Thread.sleep(50);
                }
            } finally {
                tcpdump.destroy(); // SIGTERM: tcpdump closes the file and prints its counts
                if (!tcpdump.waitFor(10, TimeUnit.SECONDS)) {
                    tcpdump.destroyForcibly();
                }
                tcpdumpLog = Files.readString(log);
                Files.deleteIfExists(log);
            }
            // "N packets dropped by kernel": the capture is incomplete, say so rather than fail on a diff later
            assertThat(tcpdumpLog.lines().filter(l -> l.contains("dropped by kernel")).toList())
                    .as("tcpdump: %s", tcpdumpLog).allMatch(l -> l.strip().startsWith("0 "));
            sink.close();
            drain.join();
        }
        Path out = dir.resolve("out.h264");
        Result r = run("rtp", "depay", "--codec", "H264", "--in", capture.toString(), "--out", out.toString(),
                "--aud", "INSERT", "--pt", "96");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("frames=" + FRAMES).contains("lost=0");
        assertSameBytes(out, dir.resolve("reference.h264"));
    }

    @Test
    void payToFfmpegDecodesEveryFrameLikeTheSource(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("source.h264");
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-frames:v", Integer.toString(FRAMES),
                "-c:v", "libx264", "-preset", "veryfast", "-g", "20", "-bf", "0", "-b:v", "2000k", "-f", "h264",
                source.toString());
        List<String> expected = md5s(ffmpeg("-threads", "1", "-i", source.toString(), "-f", "framemd5",
                dir + "/reference.md5"), dir.resolve("reference.md5"));
        assertThat(expected).hasSize(FRAMES);
        int port = freePortPair();
        Path sdp = dir.resolve("out.sdp");
        String to = "udp://127.0.0.1:" + port;
        Result written = run("rtp", "pay", "--codec", "H264", "--in", source.toString(), "--to", to, "--sdp",
                sdp.toString(), "--sdp-only");
        assertThat(written.exit()).as(written.err()).isZero();
        assertThat(Files.readString(sdp)).contains("a=rtpmap:96 H264/90000").contains("sprop-parameter-sets=");
        Path received = dir.resolve("received.md5");
        receiveWithFfmpeg(sdp, received, port, () -> {
            Result r = run("rtp", "pay", "--codec", "H264", "--in", source.toString(), "--to", to);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("frames=" + FRAMES).contains("fps=30.000");
        });
        assertThat(md5s("", received)).isEqualTo(expected);
    }

    @Test
    void payToGStreamerThroughOurSdpDecodesEveryFrame(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("source.h264");
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-frames:v", Integer.toString(FRAMES),
                "-c:v", "libx264", "-profile:v", "baseline", "-g", "20", "-f", "h264", source.toString());
        int port = freePortPair();
        Path sdp = dir.resolve("out.sdp");
        String to = "udp://127.0.0.1:" + port;
        assertThat(run("rtp", "pay", "--codec", "H264", "--in", source.toString(), "--to", to, "--sdp",
                sdp.toString(), "--sdp-only").exit()).isZero();
        Path frames = dir.resolve("frames.i420");
        require("gst-launch-1.0", GST);
        Path log = Files.createTempFile("gst", ".log");
        String pipeline = "filesrc location=" + sdp + " ! sdpdemux latency=200 ! rtph264depay ! h264parse ! openh264dec"
                + " ! videoconvert ! video/x-raw,format=I420 ! filesink location=" + frames;
        List<String> cmd = new ArrayList<>(List.of("gst-launch-1.0", "-q", "-e"));
        cmd.addAll(List.of(pipeline.split(" +")));
        Process gst = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!bound(port)) {
                assertThat(gst.isAlive()).as("gst-launch died: %s", Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("sdpdemux never bound its port").isLessThan(deadline);
                Thread.sleep(50);
            }
            Thread.sleep(300);
            Result r = run("rtp", "pay", "--codec", "H264", "--in", source.toString(), "--to", to);
            assertThat(r.exit()).as(r.err()).isZero();
            Thread.sleep(1000);
            new ProcessBuilder("kill", "-INT", Long.toString(gst.pid())).start().waitFor();
            assertThat(gst.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.size(frames)).as("decoded I420 frames; %s", Files.readString(log))
                    .isEqualTo((long) FRAMES * 320 * 240 * 3 / 2);
        } finally {
            gst.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    @Test
    void vp8IvfPayThenDepayDecodesLikeTheSource(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("source.ivf");
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-frames:v", Integer.toString(FRAMES),
                "-c:v", "libvpx", "-deadline", "realtime", "-g", "20", "-b:v", "1000k", "-f", "ivf", source.toString());
        List<String> expected = md5s(ffmpeg("-threads", "1", "-i", source.toString(), "-f", "framemd5",
                dir + "/reference.md5"), dir.resolve("reference.md5"));
        int port = freePort();
        Path out = dir.resolve("out.ivf");
        CompletableFuture<Result> depay = CompletableFuture.supplyAsync(() -> run("rtp", "depay", "--codec", "VP8",
                "--in", "udp://127.0.0.1:" + port, "--out", out.toString(), "--idle-timeout", "1000"));
        awaitBound(port);
        Result pay = run("rtp", "pay", "--codec", "VP8", "--in", source.toString(), "--to", "udp://127.0.0.1:" + port,
                "--sdp", dir.resolve("vp8.sdp").toString());
        assertThat(pay.exit()).as(pay.err()).isZero();
        assertThat(Files.readString(dir.resolve("vp8.sdp"))).contains("VP8/90000");
        Result r = depay.get(60, TimeUnit.SECONDS);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("frames=" + FRAMES);
        List<String> decoded = md5s(ffmpeg("-threads", "1", "-i", out.toString(), "-f", "framemd5",
                dir + "/out.md5"), dir.resolve("out.md5"));
        assertThat(decoded).isEqualTo(expected);
    }

    private static void assertSameBytes(Path actual, Path expected) throws IOException {
        byte[] a = Files.readAllBytes(actual);
        byte[] e = Files.readAllBytes(expected);
        assertThat(java.util.Arrays.mismatch(a, e)).as("first differing byte of %d and %d bytes", a.length, e.length)
                .isEqualTo(-1);
    }

    // ---- peers ----

    interface Send {
        void run() throws Exception;
    }

    private static void receiveWithFfmpeg(Path sdp, Path md5, int port, Send send) throws Exception {
        require("ffmpeg", "ffmpeg");
        Path log = Files.createTempFile("ffmpeg", ".log");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-y", "-protocol_whitelist",
                "file,udp,rtp", "-reorder_queue_size", "0", "-threads", "1", "-i", sdp.toString(), "-f", "framemd5",
                md5.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!bound(port)) {
                assertThat(ffmpeg.isAlive()).as("ffmpeg died: %s", Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("ffmpeg never bound its port").isLessThan(deadline);
                Thread.sleep(50);
            }
            Thread.sleep(300);
            send.run();
            Thread.sleep(1500);
            new ProcessBuilder("kill", "-INT", Long.toString(ffmpeg.pid())).start().waitFor();
            assertThat(ffmpeg.waitFor(20, TimeUnit.SECONDS)).isTrue(); // interrupted: what counts is what it wrote
            assertThat(md5).as("ffmpeg wrote nothing: %s", Files.readString(log)).exists();
        } finally {
            ffmpeg.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    private static String ffmpeg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y"));
        cmd.addAll(List.of(args));
        return peer(cmd, "", "ffmpeg", "ffmpeg");
    }

    /** Runs a peer to completion (120 s at most) and returns its output; fails unless it exits 0. */
    private static String peer(List<String> command, String pipeline, String program, String packages) throws Exception {
        require(program, packages);
        List<String> cmd = new ArrayList<>(command);
        if (!pipeline.isEmpty()) {
            cmd.addAll(List.of(pipeline.split(" +")));
        }
        Path log = Files.createTempFile("peer", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                fail(program + " did not finish: " + Files.readString(log));
            }
            String output = Files.readString(log);
            assertThat(p.exitValue()).as("%s:\n%s", cmd, output).isZero();
            return output;
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    private static void require(String program, String packages) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return;
            }
        }
        fail(program + " is not installed: apt-get install " + packages + " (./run-tests installs it)");
    }

    private static List<String> md5s(String log, Path file) throws IOException {
        assertThat(file).as("no framemd5 output:\n%s", log).exists();
        return Files.readAllLines(file).stream().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.substring(l.lastIndexOf(',') + 1).trim()).toList();
    }

    private static void awaitBound(int port) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!bound(port)) {
            assertThat(System.nanoTime()).as("depay never bound its port").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** An RTP packet (payload type 127, its own SSRC) with a payload no GStreamer packet carries. */
    private static byte[] endOfCaptureMark() {
        byte[] p = new byte[12 + 16];
        p[0] = (byte) 0x80;
        p[1] = 127;
        byte[] text = "mediaplane-end!!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        p[8] = 0x0E;
        p[9] = 0x0D;
        System.arraycopy(text, 0, p, 12, text.length);
        return p;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static int freePort() throws SocketException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }

    private static int freePortPair() throws SocketException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = freePort() & ~1;
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
