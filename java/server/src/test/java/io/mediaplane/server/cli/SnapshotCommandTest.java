package io.mediaplane.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code mediaplane snapshot} on clips FFmpeg makes (libx264 constrained baseline .h264, libvpx VP8 .ivf): the
 * requested picture comes out as a JPEG within 35 dB PSNR of FFmpeg's own decode of that frame, {@code --every-ms}
 * writes one per interval of media time, and bad input exits 1 with a reason.
 */
class SnapshotCommandTest {
    private record Result(int exit, String out, String err) {}

    @TempDir
    static Path dir;
    static Path h264;
    static Path ivf;

    static String ffmpeg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y", "-v", "error"));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("ffmpeg.log");
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (java.io.IOException e) {
            throw new AssertionError("ffmpeg is not installed: apt-get install ffmpeg (./run-tests installs it)", e);
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(log);
        assertThat(p.exitValue()).as("%s:\n%s", cmd, output).isZero();
        return output;
    }

    @BeforeAll
    static void clips() throws Exception {
        h264 = dir.resolve("clip.h264");
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-frames:v", "60", "-pix_fmt", "yuv420p",
                "-c:v", "libx264", "-profile:v", "baseline", "-g", "30", h264.toString());
        ivf = dir.resolve("clip.ivf");
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-frames:v", "45", "-pix_fmt", "yuv420p",
                "-c:v", "libvpx", "-g", "10", ivf.toString());
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString().strip(), err.toString().strip());
    }

    /** FFmpeg's decode of picture {@code n} of {@code clip} as packed yuv420p. */
    static byte[] ffmpegFrame(Path clip, int n, int w, int h) throws Exception {
        Path raw = dir.resolve(clip.getFileName() + "-" + n + ".yuv");
        ffmpeg("-threads", "1", "-i", clip.toString(), "-vf", "select=eq(n\\," + n + ")", "-frames:v", "1",
                "-pix_fmt", "yuv420p", "-f", "rawvideo", raw.toString());
        byte[] all = Files.readAllBytes(raw);
        assertThat(all).hasSize(w * h * 3 / 2);
        return all;
    }

    /** The JPEG decoded by FFmpeg back to video-range yuv420p. */
    static byte[] jpegAsI420(Path jpeg) throws Exception {
        Path raw = dir.resolve(jpeg.getFileName() + ".yuv");
        ffmpeg("-i", jpeg.toString(), "-pix_fmt", "yuv420p", "-f", "rawvideo", raw.toString());
        return Files.readAllBytes(raw);
    }

    static double psnr(byte[] a, byte[] b, int length) {
        double sse = 0;
        for (int i = 0; i < length; i++) {
            int d = (a[i] & 0xff) - (b[i] & 0xff);
            sse += d * d;
        }
        return sse == 0 ? 100 : 10 * Math.log10(255.0 * 255 * length / sse);
    }

    @Test
    void oneFrameOfAnH264FileMatchesFfmpegsDecode() throws Exception {
        Path jpg = dir.resolve("h264-frame-37.jpg");
        Result r = run("snapshot", "--in", h264.toString(), "--frame", "37", "--out", jpg.toString(), "--quality", "90");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("frame 37 t=1233ms 640x360 -> " + jpg);
        BufferedImage image = ImageIO.read(jpg.toFile());
        assertThat(image.getWidth()).isEqualTo(640);
        byte[] reference = ffmpegFrame(h264, 37, 640, 360);
        byte[] ours = jpegAsI420(jpg);
        assertThat(psnr(ours, reference, 640 * 360)).as("luma PSNR").isGreaterThanOrEqualTo(35);
        assertThat(psnr(ours, reference, reference.length)).as("all planes").isGreaterThanOrEqualTo(35);
    }

    @Test
    void everyIntervalOfAVp8File() throws Exception {
        Path out = dir.resolve("vp8-every");
        Result r = run("snapshot", "--in", ivf.toString(), "--every-ms", "500", "--out", out.toString(),
                "--max-pixels", "20000");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3); // 45 frames at 30 fps: 0, 500, 1000 ms
        assertThat(lines.get(0)).startsWith("frame 0 t=0ms 163x122").contains("scene-cut");
        assertThat(lines.get(1)).startsWith("frame 15 t=500ms").doesNotContain("scene-cut");
        assertThat(lines.get(2)).startsWith("frame 30 t=1000ms");
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("frame-000000.jpg", "frame-000015.jpg", "frame-000030.jpg");
        }
        byte[] reference = ffmpegFrame(ivf, 15, 320, 240);
        assertThat(ImageIO.read(out.resolve("frame-000015.jpg").toFile()).getWidth()).isEqualTo(163);
        assertThat(reference).isNotEmpty();
        // the VP8 picture itself, at full size, against FFmpeg's libvpx decode
        Path jpg = dir.resolve("vp8-15.jpg");
        assertThat(run("snapshot", "--in", ivf.toString(), "--frame", "15", "--out", jpg.toString()).exit()).isZero();
        assertThat(psnr(jpegAsI420(jpg), reference, reference.length)).isGreaterThanOrEqualTo(35);
    }

    @Test
    void badInputExitsOneWithAReason() throws Exception {
        Path junk = dir.resolve("junk.ivf");
        Files.write(junk, "DKIF but nothing else".getBytes());
        Result r = run("snapshot", "--in", junk.toString(), "--out", dir.resolve("x.jpg").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("not a usable IVF file");

        r = run("snapshot", "--in", h264.toString(), "--frame", "500", "--out", dir.resolve("y.jpg").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("only 60 pictures decoded");

        r = run("snapshot", "--in", h264.toString(), "--every-ms", "100", "--out", dir.resolve("z.jpg").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(new File(dir.toFile(), "z.jpg")).doesNotExist();
    }
}
