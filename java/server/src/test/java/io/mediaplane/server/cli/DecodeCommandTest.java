package io.mediaplane.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code mediaplane decode --framemd5} against {@code ffmpeg -f framemd5} (Debian's FFmpeg 5.1, its native h264 and
 * vp8 decoders) on clips FFmpeg and GStreamer encode at test time: every line equal, MD5 column included, frame by
 * frame; only the {@code #software} line names a different writer.
 */
class DecodeCommandTest {
    private record Result(int exit, String out, String err) {}

    @TempDir
    Path dir;

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** Runs a peer to completion; a missing one fails naming the Debian package (./run-tests installs it). */
    private static void peer(String debianPackage, String... command) throws IOException, InterruptedException {
        String program = command[0];
        boolean found = false;
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            found |= Files.isExecutable(Path.of(d, program));
        }
        if (!found) {
            fail(program + " is not installed: apt-get install " + debianPackage + " (./run-tests installs it)");
        }
        Path log = Files.createTempFile("mediaplane-peer", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                fail(program + " did not finish:\n" + Files.readString(log));
            }
            assertThat(p.exitValue()).as("%s:\n%s", String.join(" ", command), Files.readString(log)).isZero();
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void ffmpeg(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y"));
        cmd.addAll(List.of(args));
        peer("ffmpeg", cmd.toArray(String[]::new));
    }

    private Path x264(String name, String size, int frames, String... options) throws Exception {
        Path clip = dir.resolve(name + ".h264");
        List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30",
                "-frames:v", Integer.toString(frames), "-pix_fmt", "yuv420p", "-c:v", "libx264"));
        args.addAll(List.of(options));
        args.add(clip.toString());
        ffmpeg(args.toArray(String[]::new));
        return clip;
    }

    private Path vp8(String name, String size, int frames) throws Exception {
        Path clip = dir.resolve(name + ".ivf");
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30", "-frames:v", Integer.toString(frames),
                "-pix_fmt", "yuv420p", "-c:v", "libvpx", "-g", "4", clip.toString());
        return clip;
    }

    /** Our framemd5 lines and FFmpeg's, both without the #software line. */
    private void assertSameAsFfmpeg(Path clip, String ffmpegDecoder, int frames) throws Exception {
        Path theirs = dir.resolve(clip.getFileName() + ".ffmpeg.md5");
        ffmpeg("-threads", "1", "-c:v", ffmpegDecoder, "-i", clip.toString(), "-pix_fmt", "yuv420p", "-f", "framemd5",
                theirs.toString());
        Path ours = dir.resolve(clip.getFileName() + ".ours.md5");
        Result r = run("decode", "--in", clip.toString(), "--framemd5", "--out", ours.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> expected = withoutSoftware(Files.readAllLines(theirs));
        List<String> got = withoutSoftware(Files.readAllLines(ours));
        assertThat(expected.stream().filter(l -> !l.startsWith("#"))).hasSize(frames);
        assertThat(md5Column(got)).as("MD5 per frame").isEqualTo(md5Column(expected));
        assertThat(got).as("whole framemd5 file").isEqualTo(expected);
        // the same through stdout
        Result stdout = run("decode", "--in", clip.toString(), "--framemd5");
        assertThat(withoutSoftware(stdout.out().lines().toList())).isEqualTo(expected);
    }

    private static List<String> withoutSoftware(List<String> lines) {
        return lines.stream().filter(l -> !l.startsWith("#software:")).toList();
    }

    private static List<String> md5Column(List<String> lines) {
        return lines.stream().filter(l -> !l.startsWith("#")).map(l -> l.substring(l.lastIndexOf(',') + 1).trim())
                .toList();
    }

    @Test
    void constrainedBaseline1366x768() throws Exception {
        assertSameAsFfmpeg(x264("baseline", "1366x768", 6, "-profile:v", "baseline", "-g", "3"), "h264", 6);
    }

    @Test
    void mainWithoutBFrames1918x1078() throws Exception {
        assertSameAsFfmpeg(x264("main", "1918x1078", 5, "-profile:v", "main", "-bf", "0", "-g", "3",
                "-preset", "veryfast"), "h264", 5);
    }

    /** OpenH264's encoder through GStreamer: an odd size and an SPS without timing information (1/25 time base). */
    @Test
    void gstreamerOpenH264Baseline1918x1078() throws Exception {
        Path clip = dir.resolve("gst.h264");
        peer("gstreamer1.0-tools gstreamer1.0-plugins-bad", "gst-launch-1.0", "-q", "videotestsrc", "num-buffers=5",
                "pattern=ball", "!", "video/x-raw,width=1918,height=1078,framerate=30/1", "!", "openh264enc", "!",
                "h264parse", "!", "video/x-h264,stream-format=byte-stream", "!", "filesink", "location=" + clip);
        assertSameAsFfmpeg(clip, "h264", 5);
    }

    @Test
    void vp8OddSizes() throws Exception {
        assertSameAsFfmpeg(vp8("vp8-1366", "1366x768", 6), "vp8", 6);
        assertSameAsFfmpeg(vp8("vp8-1918", "1918x1078", 5), "vp8", 5);
    }

    @Test
    void bFrameStreamIsRefusedClearly() throws Exception {
        Path clip = x264("bframes", "320x240", 10, "-profile:v", "high", "-bf", "2");
        Result r = run("decode", "--in", clip.toString(), "--framemd5");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("REORDERING_UNSUPPORTED").contains("B-frames");
        assertThat(r.out()).doesNotContain("0,");
    }

    @Test
    void rawOutputIsPackedI420() throws Exception {
        Path clip = vp8("raw", "322x182", 3);
        Path yuv = dir.resolve("out.yuv");
        Result r = run("decode", "--in", clip.toString(), "--out", yuv.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        Path theirs = dir.resolve("ffmpeg.yuv");
        ffmpeg("-c:v", "vp8", "-i", clip.toString(), "-pix_fmt", "yuv420p", "-f", "rawvideo", theirs.toString());
        assertThat(Files.size(yuv)).isEqualTo(3L * (322 * 182 + 2 * 161 * 91));
        assertThat(Files.readAllBytes(yuv)).isEqualTo(Files.readAllBytes(theirs));
    }

    @Test
    void needsAnOutput() {
        assertThat(run("decode", "--in", "x.h264").exit()).isEqualTo(2);
    }
}
