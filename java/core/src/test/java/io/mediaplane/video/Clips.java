package io.mediaplane.video;

import io.mediaplane.codec.H264AccessUnitReader;
import io.mediaplane.codec.IvfReader;
import io.mediaplane.codec.IvfStatus;
import io.mediaplane.testing.Ffmpeg;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test clips made by FFmpeg at test time, split into the units a decoder takes. */
final class Clips {
    private Clips() {}

    /** An H264 elementary stream of {@code frames} testsrc2 frames encoded by libx264 with {@code x264Args}. */
    static Path h264(Path dir, String name, String size, int frames, String... x264Args) throws Exception {
        Path out = dir.resolve(name + ".h264");
        List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30",
                "-frames:v", Integer.toString(frames), "-pix_fmt", "yuv420p", "-c:v", "libx264"));
        args.addAll(List.of(x264Args));
        args.add(out.toString());
        Ffmpeg.run(args.toArray(String[]::new));
        return out;
    }

    static Path vp8(Path dir, String name, String size, int frames) throws Exception {
        Path out = dir.resolve(name + ".ivf");
        Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30", "-frames:v", Integer.toString(frames),
                "-pix_fmt", "yuv420p", "-c:v", "libvpx", "-g", "10", out.toString());
        return out;
    }

    static List<byte[]> accessUnits(Path h264) throws IOException {
        MemorySegment data = MemorySegment.ofArray(Files.readAllBytes(h264));
        H264AccessUnitReader reader = new H264AccessUnitReader().reset(data, 0, data.byteSize());
        List<byte[]> units = new ArrayList<>();
        while (reader.next()) {
            units.add(data.asSlice(reader.unitOffset(), reader.unitLength()).toArray(ValueLayout.JAVA_BYTE));
        }
        return units;
    }

    static List<byte[]> ivfFrames(Path ivf) throws IOException {
        MemorySegment data = MemorySegment.ofArray(Files.readAllBytes(ivf));
        IvfReader reader = new IvfReader();
        if (reader.reset(data, 0, data.byteSize()) != IvfStatus.OK) {
            throw new IOException("not an IVF file: " + ivf);
        }
        List<byte[]> frames = new ArrayList<>();
        while (reader.next().ok()) {
            frames.add(reader.frame().toArray(ValueLayout.JAVA_BYTE));
        }
        return frames;
    }
}
