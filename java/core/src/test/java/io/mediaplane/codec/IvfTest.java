package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.testing.Ffmpeg;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IvfTest {
    private static List<byte[]> frames(int n, long seed) {
        Random random = new Random(seed);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] f = new byte[random.nextInt(i == 0 ? 1 : 0, 3000)];
            random.nextBytes(f);
            frames.add(f);
        }
        return frames;
    }

    @Test
    void writtenFileReadsBackFrameByFrame(@TempDir Path dir) throws Exception {
        List<byte[]> frames = frames(20, 7);
        Path file = dir.resolve("x.ivf");
        try (IvfWriter w = IvfWriter.create(file, IvfHeader.of(IvfHeader.VP8, 1366, 768, 90_000))) {
            for (int i = 0; i < frames.size(); i++) {
                w.write(frames.get(i), 3000L * i);
            }
            assertThat(w.frames()).isEqualTo(20);
        }
        MemorySegment data = MemorySegment.ofArray(Files.readAllBytes(file));
        IvfReader r = new IvfReader();
        assertThat(r.reset(data, 0, data.byteSize())).isEqualTo(IvfStatus.OK);
        assertThat(r.header()).isEqualTo(new IvfHeader("VP80", 1366, 768, 1, 90_000, 20));
        for (int i = 0; i < frames.size(); i++) {
            assertThat(r.next()).isEqualTo(IvfStatus.OK);
            assertThat(r.frameIndex()).isEqualTo(i);
            assertThat(r.timestamp()).isEqualTo(3000L * i);
            assertThat(r.frame().toArray(ValueLayout.JAVA_BYTE)).isEqualTo(frames.get(i));
        }
        assertThat(r.next()).isEqualTo(IvfStatus.END);
    }

    @Test
    void pipeLeavesFrameCountZero() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (IvfWriter w = new IvfWriter(Channels.newChannel(bytes), IvfHeader.of(IvfHeader.H264, 640, 360, 30))) {
            w.write(new byte[] {0, 0, 0, 1, 0x65}, 0);
        }
        IvfReader r = new IvfReader();
        MemorySegment data = MemorySegment.ofArray(bytes.toByteArray());
        assertThat(r.reset(data, 0, data.byteSize())).isEqualTo(IvfStatus.OK);
        assertThat(r.header().frameCount()).isZero();
        assertThat(r.header().fourcc()).isEqualTo("H264");
        assertThat(r.next()).isEqualTo(IvfStatus.OK);
        assertThat(r.frameLength()).isEqualTo(5);
        assertThat(r.next()).isEqualTo(IvfStatus.END);
    }

    @Test
    void malformedFilesGiveStatuses() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (IvfWriter w = new IvfWriter(Channels.newChannel(bytes), IvfHeader.of(IvfHeader.VP8, 320, 240, 30))) {
            w.write(new byte[100], 0);
            w.write(new byte[50], 1);
        }
        byte[] good = bytes.toByteArray();
        assertThat(header(Arrays.copyOf(good, 31))).isEqualTo(IvfStatus.TOO_SHORT);
        assertThat(header(with(good, 0, 'X'))).isEqualTo(IvfStatus.BAD_SIGNATURE);
        assertThat(header(with(good, 4, 1))).isEqualTo(IvfStatus.UNSUPPORTED_VERSION);
        assertThat(header(with(good, 6, 31))).isEqualTo(IvfStatus.BAD_HEADER_SIZE);
        assertThat(header(with(with(good, 6, 0xFF), 7, 0xFF))).isEqualTo(IvfStatus.BAD_HEADER_SIZE);
        assertThat(header(with(with(good, 12, 0), 13, 0))).isEqualTo(IvfStatus.BAD_DIMENSIONS);

        assertThat(frames(Arrays.copyOf(good, good.length - 1))).containsExactly(IvfStatus.OK, IvfStatus.TRUNCATED_FRAME);
        assertThat(frames(Arrays.copyOf(good, 32 + 12 + 100 + 5)))
                .containsExactly(IvfStatus.OK, IvfStatus.TRUNCATED_FRAME_HEADER);
        byte[] huge = with(good, 32 + 3, 0x7F); // first frame claims ~2 GB
        assertThat(frames(huge)).containsExactly(IvfStatus.FRAME_TOO_LARGE);
        IvfReader small = new IvfReader(99);
        MemorySegment s = MemorySegment.ofArray(good);
        small.reset(s, 0, good.length);
        assertThat(small.next()).isEqualTo(IvfStatus.FRAME_TOO_LARGE);
        assertThat(small.next()).as("a refusal ends the file").isEqualTo(IvfStatus.END);
    }

    /** FFmpeg's VP8 IVF reads frame by frame; rewritten by IvfWriter, FFmpeg decodes it to the same pictures. */
    @Test
    void ffmpegIvfRoundTrip(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("source.ivf");
        Ffmpeg.run("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-frames:v", "12", "-c:v", "libvpx",
                "-g", "5", "-pix_fmt", "yuv420p", source.toString());
        MemorySegment data = MemorySegment.ofArray(Files.readAllBytes(source));
        IvfReader r = new IvfReader();
        assertThat(r.reset(data, 0, data.byteSize())).isEqualTo(IvfStatus.OK);
        assertThat(r.header()).isEqualTo(new IvfHeader("VP80", 320, 240, 1, 30, 12));
        Path copy = dir.resolve("copy.ivf");
        IvfStatus s;
        try (IvfWriter w = IvfWriter.create(copy, r.header().withFrameCount(0))) {
            while ((s = r.next()).ok()) {
                assertThat(r.timestamp()).isEqualTo(r.frameIndex());
                w.write(data, r.frameOffset(), r.frameLength(), r.timestamp());
            }
        }
        assertThat(s).isEqualTo(IvfStatus.END);
        assertThat(r.frameIndex()).isEqualTo(11);
        assertThat(Files.readAllBytes(copy)).isEqualTo(data.toArray(ValueLayout.JAVA_BYTE));
        assertThat(Ffmpeg.md5Column(Ffmpeg.frameMd5(copy, "libvpx")))
                .hasSize(12).isEqualTo(Ffmpeg.md5Column(Ffmpeg.frameMd5(source, "vp8")));
    }

    private static byte[] with(byte[] b, int at, int value) {
        byte[] c = b.clone();
        c[at] = (byte) value;
        return c;
    }

    private static IvfStatus header(byte[] file) {
        return new IvfReader().reset(MemorySegment.ofArray(file), 0, file.length);
    }

    private static List<IvfStatus> frames(byte[] file) {
        IvfReader r = new IvfReader();
        assertThat(r.reset(MemorySegment.ofArray(file), 0, file.length)).isEqualTo(IvfStatus.OK);
        List<IvfStatus> out = new ArrayList<>();
        IvfStatus s;
        do {
            s = r.next();
            out.add(s);
        } while (s.ok());
        return out.subList(0, out.size() - (out.getLast() == IvfStatus.END ? 1 : 0));
    }
}
