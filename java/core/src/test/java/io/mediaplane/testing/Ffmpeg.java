package io.mediaplane.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs Debian's FFmpeg (5.1) to make test clips and reference framemd5 files at test time. */
public final class Ffmpeg {
    private Ffmpeg() {}

    /** Runs {@code ffmpeg -hide_banner -nostdin -y ARGS}, failing the test (with its output) unless it exits 0. */
    public static String run(String... args) throws IOException, InterruptedException {
        Peers.require("ffmpeg", "ffmpeg");
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y"));
        cmd.addAll(List.of(args));
        try (Peers.Running p = Peers.start(cmd)) {
            assertThat(p.awaitExit(120)).as("%s:\n%s", String.join(" ", cmd), p.output()).isZero();
            return p.output();
        }
    }

    /** FFmpeg's own decode of {@code clip} as framemd5 lines (I420, native decoders, one thread). */
    public static List<String> frameMd5(Path clip, String decoder) throws IOException, InterruptedException {
        Path out = clip.resolveSibling(clip.getFileName() + ".ffmpeg.framemd5");
        run("-threads", "1", "-c:v", decoder, "-i", clip.toString(), "-pix_fmt", "yuv420p", "-f", "framemd5",
                out.toString());
        return Files.readAllLines(out);
    }

    /** The hash column of framemd5 lines (stream, dts, pts, duration, size, hash); header lines skipped. */
    public static List<String> md5Column(List<String> lines) {
        return lines.stream().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.substring(l.lastIndexOf(',') + 1).trim()).toList();
    }
}
