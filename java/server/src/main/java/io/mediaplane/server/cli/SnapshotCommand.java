package io.mediaplane.server.cli;

import io.mediaplane.codec.H264AccessUnitReader;
import io.mediaplane.codec.IvfHeader;
import io.mediaplane.codec.IvfReader;
import io.mediaplane.codec.IvfStatus;
import io.mediaplane.ffi.NativeUnavailableException;
import io.mediaplane.video.DecodeStatus;
import io.mediaplane.video.H264Decoder;
import io.mediaplane.video.I420Picture;
import io.mediaplane.video.JpegEncoder;
import io.mediaplane.video.JpegOptions;
import io.mediaplane.video.JpegStatus;
import io.mediaplane.video.ScreenWatchSample;
import io.mediaplane.video.ScreenWatchSampler;
import io.mediaplane.video.VideoDecoder;
import io.mediaplane.video.Vp8Decoder;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mediaplane snapshot}: decodes an H264 Annex-B file or an IVF file (VP8, or H264) with the library's
 * decoders and writes JPEGs of one picture ({@code --frame N}) or of one picture per interval of media time
 * ({@code --every-ms M}, through the screen-watch sampler, which also prints each picture's change score).
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Write JPEG snapshots of a .h264 (Annex B) or .ivf (VP8/H264) file: one picture, or one per"
                + " interval of media time.")
final class SnapshotCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "FILE", description = "FILE.h264 (Annex B) or FILE.ivf")
    Path in;

    static final class Selection {
        @Option(names = "--frame", paramLabel = "N", description = "the N-th decoded picture, counting from 0"
                + " (default 0)")
        Long frame;

        @Option(names = "--every-ms", paramLabel = "M", description = "one picture per M ms of media time")
        Long everyMs;
    }

    @CommandLine.ArgGroup(exclusive = true)
    Selection selection = new Selection();

    @Option(names = "--out", required = true, paramLabel = "DIR|FILE.jpg",
            description = "a .jpg file (one picture only) or a directory for frame-NNNNNN.jpg files")
    Path out;

    @Option(names = "--quality", defaultValue = "90", paramLabel = "Q", description = "JPEG quality 1..100"
            + " (default ${DEFAULT-VALUE})")
    int quality;

    @Option(names = "--max-pixels", defaultValue = "0", paramLabel = "P",
            description = "shrink each picture to at most P pixels, aspect kept (default: full size)")
    long maxPixels;

    @Option(names = "--fps", defaultValue = "0", paramLabel = "F", description = "frame rate of a .h264 file for"
            + " --every-ms (default: the SPS timing, else 30)")
    double fps;

    /** The units of the input file, with the media time of each. */
    private interface Units {
        /** Advances to the next unit; false at the end (or on a malformed container, after printing why). */
        boolean next();

        long offset();

        int length();

        /** Media time of the current unit in nanoseconds. */
        long timeNanos(VideoDecoder decoder, long pictureIndex);
    }

    @Override
    public Integer call() throws IOException {
        try {
            return snapshot();
        } catch (NativeUnavailableException e) {
            spec.commandLine().getErr().println("snapshot: " + e.getMessage());
            return 1;
        }
    }

    private int snapshot() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (quality < 1 || quality > 100) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--quality must be in 1..100");
        }
        if (selection.everyMs != null && selection.everyMs <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--every-ms must be positive");
        }
        long frame = selection.frame == null ? 0 : selection.frame;
        boolean every = selection.everyMs != null;
        boolean toFile = out.getFileName() != null
                && out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jpg");
        if (every && toFile) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--every-ms writes many files: --out DIR");
        }
        if (!toFile) {
            Files.createDirectories(out);
        }
        try (Arena arena = Arena.ofConfined();
             FileChannel channel = FileChannel.open(in, StandardOpenOption.READ)) {
            MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            boolean ivf = data.byteSize() >= 4 && data.get(ValueLayout.JAVA_INT_UNALIGNED, 0) == 0x46494b44; // DKIF
            VideoDecoder decoder;
            Units units;
            if (ivf) {
                IvfReader reader = new IvfReader();
                IvfStatus status = reader.reset(data, 0, data.byteSize());
                if (!status.ok()) {
                    stderr.println("snapshot: " + in + ": not a usable IVF file: " + status.meaning());
                    return 1;
                }
                IvfHeader header = reader.header();
                if (header.fourcc().equals(IvfHeader.VP8)) {
                    decoder = Vp8Decoder.create();
                } else if (header.fourcc().equals(IvfHeader.H264)) {
                    decoder = H264Decoder.create();
                } else {
                    stderr.println("snapshot: " + in + ": IVF of " + header.fourcc() + "; VP80 and H264 are supported");
                    return 1;
                }
                units = ivfUnits(reader, stderr);
            } else {
                decoder = H264Decoder.create();
                units = h264Units(new H264AccessUnitReader().reset(data, 0, data.byteSize()));
            }
            try (VideoDecoder d = decoder;
                 JpegEncoder jpeg = JpegEncoder.create(JpegOptions.quality(quality).withMaxPixels(maxPixels))) {
                return run(data, units, d, jpeg, frame, every, toFile, stdout, stderr);
            }
        }
    }

    private int run(MemorySegment data, Units units, VideoDecoder decoder, JpegEncoder jpeg, long frame,
                    boolean every, boolean toFile, PrintWriter stdout, PrintWriter stderr) throws IOException {
        long[] mediaClock = {0};
        ScreenWatchSampler sampler = every ? new ScreenWatchSampler(ScreenWatchSampler.Config.defaults()
                .withMaxFramesPerSecond(1000.0 / selection.everyMs), () -> mediaClock[0]) : null;
        long pictures = 0;
        long written = 0;
        long errors = 0;
        while (units.next()) {
            DecodeStatus status = decoder.decode(data, units.offset(), units.length());
            if (status == DecodeStatus.REORDERING_UNSUPPORTED || status == DecodeStatus.UNSUPPORTED_STREAM) {
                stderr.println("snapshot: " + in + ": " + status.meaning());
                return 1;
            }
            if (!status.hasPicture()) {
                errors += status.isError() ? 1 : 0;
                continue;
            }
            long index = pictures++;
            I420Picture picture = decoder.picture();
            String extra = "";
            if (every) {
                mediaClock[0] = units.timeNanos(decoder, index);
                ScreenWatchSample sample = sampler.offer(picture);
                if (sample == null) {
                    continue;
                }
                extra = String.format(Locale.ROOT, " change=%.4f average=%.4f%s", sample.changeScore(),
                        sample.changeAverage(), sample.sceneCut() ? " scene-cut" : "");
            } else if (index != frame) {
                continue;
            }
            if (jpeg.encode(picture) != JpegStatus.ENCODED) {
                stderr.println("snapshot: JPEG encoding failed: " + jpeg.lastError());
                return 1;
            }
            Path file = toFile ? out : out.resolve(String.format(Locale.ROOT, "frame-%06d.jpg", index));
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(jpeg.jpeg().asByteBuffer());
            }
            written++;
            stdout.printf(Locale.ROOT, "frame %d t=%dms %dx%d -> %s (%d bytes)%s%n", index,
                    units.timeNanos(decoder, index) / 1_000_000, jpeg.outputWidth(), jpeg.outputHeight(), file,
                    jpeg.jpeg().byteSize(), extra);
            if (!every) {
                return 0;
            }
        }
        if (written == 0) {
            stderr.println("snapshot: " + in + ": " + (every ? "no picture decoded" : "only " + pictures
                    + " pictures decoded, no frame " + frame) + (errors > 0 ? " (" + errors + " units failed)" : ""));
            return 1;
        }
        if (errors > 0) {
            stderr.println("snapshot: " + errors + " units failed to decode and were skipped");
        }
        return 0;
    }

    private static Units ivfUnits(IvfReader reader, PrintWriter stderr) {
        IvfHeader header = reader.header();
        return new Units() {
            @Override
            public boolean next() {
                IvfStatus status = reader.next();
                if (status != IvfStatus.OK && status != IvfStatus.END) {
                    stderr.println("snapshot: IVF ends early: " + status.meaning());
                }
                return status == IvfStatus.OK;
            }

            @Override
            public long offset() {
                return reader.frameOffset();
            }

            @Override
            public int length() {
                return reader.frameLength();
            }

            @Override
            public long timeNanos(VideoDecoder decoder, long pictureIndex) {
                return Math.round(reader.timestamp() * (double) header.timebaseNumerator() * 1e9
                        / header.timebaseDenominator());
            }
        };
    }

    private Units h264Units(H264AccessUnitReader reader) {
        return new Units() {
            @Override
            public boolean next() {
                return reader.next();
            }

            @Override
            public long offset() {
                return reader.unitOffset();
            }

            @Override
            public int length() {
                return reader.unitLength();
            }

            @Override
            public long timeNanos(VideoDecoder decoder, long pictureIndex) {
                double rate = fps;
                if (rate <= 0 && decoder instanceof H264Decoder h && h.sps() != null) {
                    rate = h.sps().frameRate();
                }
                if (rate <= 0) {
                    rate = 30;
                }
                return Math.round(pictureIndex * 1e9 / rate);
            }
        };
    }
}
