package io.mediaplane.discord;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.codec.AnnexB;
import io.mediaplane.testing.Peers;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An H264 test clip made by FFmpeg at test time, cut into access units. */
final class H264Clip {
    private H264Clip() {
    }

    /** {@code frames} frames of FFmpeg's testsrc2 at 30 fps, baseline, GOP 30, AUDs inserted (clankvox's shape). */
    static List<byte[]> make(Path dir, int frames, String size) throws Exception {
        Peers.require("ffmpeg", "ffmpeg");
        Path out = dir.resolve("clip.h264");
        try (Peers.Running p = Peers.start(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y", "-f", "lavfi", "-i",
                "testsrc2=size=" + size + ":rate=30", "-frames:v", String.valueOf(frames), "-c:v", "libx264",
                "-preset", "veryfast", "-tune", "zerolatency", "-profile:v", "baseline", "-pix_fmt", "yuv420p",
                "-g", "30", "-keyint_min", "30", "-sc_threshold", "0", "-bsf:v", "h264_metadata=aud=insert",
                "-f", "h264", out.toString()))) {
            assertThat(p.awaitExit(60)).as("ffmpeg:\n%s", p.output()).isZero();
        }
        byte[] stream = Files.readAllBytes(out);
        List<byte[]> units = new ArrayList<>();
        AccessUnitSplitter splitter = new AccessUnitSplitter(units::add, 8 << 20);
        // feed in odd-sized chunks, as a pipe delivers them
        for (int i = 0; i < stream.length; i += 4093) {
            splitter.feed(stream, i, Math.min(4093, stream.length - i));
        }
        splitter.finish();
        return units;
    }

    /** The NAL units of an Annex-B unit (start codes dropped), for comparing units whose start codes differ. */
    static List<String> nals(byte[] au) {
        long[] offsets = new long[512];
        int[] lengths = new int[512];
        MemorySegment s = MemorySegment.ofArray(au);
        int n = AnnexB.split(s, 0, au.length, offsets, lengths);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(io.mediaplane.buffer.Bytes.toHex(s, offsets[i], lengths[i]));
        }
        return out;
    }
}
