package io.mediaplane.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Picture content for the video benchmarks, made by FFmpeg (package ffmpeg) once per machine. */
final class VideoFrames {
    private VideoFrames() {}

    /**
     * One FFmpeg {@code testsrc2} picture (gradients, bars, text: screen-like content) as packed yuv420p, cached in
     * the temp directory.
     */
    static byte[] testsrc2(int width, int height) throws IOException, InterruptedException {
        Path file = Path.of(System.getProperty("java.io.tmpdir"),
                "mediaplane-bench-testsrc2-" + width + "x" + height + ".yuv");
        if (!Files.exists(file)) {
            run(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height,
                    "-frames:v", "1", "-pix_fmt", "yuv420p", "-f", "rawvideo", file.toString()));
        }
        return Files.readAllBytes(file);
    }

    /** The same picture as a PNG. */
    static byte[] testsrc2Png(int width, int height) throws IOException, InterruptedException {
        Path file = Path.of(System.getProperty("java.io.tmpdir"),
                "mediaplane-bench-testsrc2-" + width + "x" + height + ".png");
        if (!Files.exists(file)) {
            run(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=" + width + "x" + height,
                    "-frames:v", "1", file.toString()));
        }
        return Files.readAllBytes(file);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(log);
        }
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed (is ffmpeg installed?): " + log);
        }
    }
}
