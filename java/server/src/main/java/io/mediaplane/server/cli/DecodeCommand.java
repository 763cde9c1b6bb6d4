package io.mediaplane.server.cli;

import io.mediaplane.codec.H264AccessUnitReader;
import io.mediaplane.codec.H264Sps;
import io.mediaplane.codec.IvfHeader;
import io.mediaplane.codec.IvfReader;
import io.mediaplane.codec.IvfStatus;
import io.mediaplane.video.DecodeStatus;
import io.mediaplane.video.FrameMd5;
import io.mediaplane.video.H264Decoder;
import io.mediaplane.video.I420Copy;
import io.mediaplane.video.I420Picture;
import io.mediaplane.video.VideoDecoder;
import io.mediaplane.video.Vp8Decoder;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mediaplane decode --in FILE.h264|FILE.ivf (--framemd5 | --out FILE.yuv)}: decodes a file with our
 * decoders (OpenH264 for H264, libvpx for VP8) and prints one MD5 per picture in FFmpeg's framemd5 format, so the
 * result can be compared with {@code ffmpeg -i FILE -pix_fmt yuv420p -f framemd5 -}; or writes the raw I420
 * pictures. Units the decoder refuses are counted on stderr; a refused stream (B-frames, interlaced ...) exits 1.
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Decode an H264 Annex B (.h264) or IVF (VP8, H264) file; print per-picture MD5s in FFmpeg's"
                + " framemd5 format (--framemd5) or write raw I420 (--out).")
final class DecodeCommand implements Callable<Integer> {
    /** FFmpeg's raw H264 demuxer assumes 25 frames per second when the SPS has no timing information. */
    private static final int DEFAULT_H264_RATE = 25;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--in", required = true, description = "input: an IVF file (by its DKIF signature) or else H264 Annex B")
    Path in;

    @Option(names = "--framemd5", description = "print per-picture MD5s in FFmpeg's framemd5 format")
    boolean framemd5;

    @Option(names = "--out", description = "where to write: the framemd5 text with --framemd5 (default stdout),"
            + " else the raw I420 pictures (required)")
    Path out;

    private long pictures;

    @Override
    public Integer call() throws IOException {
        if (!framemd5 && out == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --framemd5 (its text goes to --out FILE if given) or --out FILE for raw I420");
        }
        PrintWriter err = spec.commandLine().getErr();
        try (Arena arena = Arena.ofConfined();
             FileChannel ch = FileChannel.open(in, StandardOpenOption.READ)) {
            MemorySegment data = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            try (Sink sink = framemd5 ? new Md5Sink(out, spec.commandLine().getOut()) : new RawSink(out)) {
                DecodeStatus refusal = isIvf(data) ? decodeIvf(data, sink, err) : decodeH264(data, sink, err);
                if (refusal != null) {
                    err.printf("decode: stream refused after %d pictures: %s (%s)%n", pictures, refusal, refusal.meaning());
                    return 1;
                }
            }
        }
        if (pictures == 0) {
            err.println("decode: no picture decoded from " + in);
            return 1;
        }
        return 0;
    }

    private static boolean isIvf(MemorySegment data) {
        return data.byteSize() >= 4 && data.get(ValueLayout.JAVA_INT_UNALIGNED, 0) == 0x46494B44; // "DKIF" as LE
    }

    private DecodeStatus decodeIvf(MemorySegment data, Sink sink, PrintWriter err) throws IOException {
        IvfReader reader = new IvfReader();
        IvfStatus status = reader.reset(data, 0, data.byteSize());
        if (!status.ok()) {
            throw new CommandLine.ParameterException(spec.commandLine(), in + ": " + status.meaning());
        }
        IvfHeader header = reader.header();
        VideoDecoder decoder = switch (header.fourcc()) {
            case IvfHeader.VP8 -> Vp8Decoder.create();
            case IvfHeader.H264 -> H264Decoder.create();
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    in + ": IVF with codec " + header.fourcc() + "; this command decodes VP80 and H264");
        };
        long gcd = gcd(header.timebaseNumerator(), header.timebaseDenominator());
        sink.timeBase(header.timebaseNumerator() / gcd, header.timebaseDenominator() / gcd);
        try (decoder) {
            long previous = -1;
            long duration = 1;
            while ((status = reader.next()).ok()) {
                if (previous >= 0 && reader.timestamp() > previous) {
                    duration = reader.timestamp() - previous;
                }
                previous = reader.timestamp();
                DecodeStatus s = decoder.decode(data, reader.frameOffset(), reader.frameLength());
                if (s.hasPicture()) {
                    pictures++;
                    sink.picture(decoder.picture(), reader.timestamp(), duration);
                } else if (refuses(s)) {
                    return s;
                }
            }
            if (status != IvfStatus.END) {
                err.printf("decode: IVF frame %d: %s%n", reader.frameIndex() + 1, status.meaning());
            }
            summary(err, decoder);
        }
        return null;
    }

    private DecodeStatus decodeH264(MemorySegment data, Sink sink, PrintWriter err) throws IOException {
        H264AccessUnitReader reader = new H264AccessUnitReader().reset(data, 0, data.byteSize());
        try (H264Decoder decoder = H264Decoder.create()) {
            boolean timed = false;
            while (reader.next()) {
                DecodeStatus s = decoder.decode(data, reader.unitOffset(), reader.unitLength());
                if (!timed && decoder.sps() != null) {
                    timed = true;
                    H264Sps sps = decoder.sps();
                    if (sps.numUnitsInTick() > 0 && sps.timeScale() > 0) { // two fields per frame (§E.2.1)
                        long num = 2 * sps.numUnitsInTick();
                        long gcd = gcd(num, sps.timeScale());
                        sink.timeBase(num / gcd, sps.timeScale() / gcd);
                    } else {
                        sink.timeBase(1, DEFAULT_H264_RATE);
                    }
                    if (sps.sarWidth() > 0 && sps.sarHeight() > 0) {
                        long gcd = gcd(sps.sarWidth(), sps.sarHeight());
                        sink.sampleAspectRatio((int) (sps.sarWidth() / gcd), (int) (sps.sarHeight() / gcd));
                    }
                }
                if (s.hasPicture()) {
                    sink.picture(decoder.picture(), pictures, 1); // no reordering: output order = decoding order
                    pictures++;
                } else if (refuses(s)) {
                    return s;
                }
            }
            summary(err, decoder);
        }
        return null;
    }

    private static boolean refuses(DecodeStatus s) {
        return s == DecodeStatus.REORDERING_UNSUPPORTED || s == DecodeStatus.UNSUPPORTED_STREAM;
    }

    private void summary(PrintWriter err, VideoDecoder decoder) {
        var counts = decoder.counters().snapshot();
        counts.remove(DecodeStatus.PICTURE);
        counts.remove(DecodeStatus.NO_PICTURE);
        if (!counts.isEmpty()) {
            err.printf("decode: %d pictures; other outcomes: %s%n", pictures, counts);
        }
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private interface Sink extends AutoCloseable {
        default void timeBase(long num, long den) {}

        /** Sample aspect ratio; 0/1 (FFmpeg's "unknown") unless the stream says. */
        default void sampleAspectRatio(int num, int den) {}

        void picture(I420Picture picture, long pts, long duration) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** FFmpeg's framemd5 muxer (libavformat/framehash.c, version 2) for one rawvideo yuv420p stream. */
    private static final class Md5Sink implements Sink {
        private final PrintWriter out;
        private final boolean ownsOut;
        private final FrameMd5 md5 = new FrameMd5();
        private String timeBase = "1/" + DEFAULT_H264_RATE;
        private String sampleAspectRatio = "0/1";
        private boolean headerWritten;

        Md5Sink(Path file, PrintWriter stdout) throws IOException {
            this.ownsOut = file != null;
            this.out = file == null ? stdout
                    : new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.US_ASCII));
        }

        @Override
        public void timeBase(long num, long den) {
            timeBase = num + "/" + den;
        }

        @Override
        public void sampleAspectRatio(int num, int den) {
            sampleAspectRatio = num + "/" + den;
        }

        @Override
        public void picture(I420Picture p, long pts, long duration) {
            if (!headerWritten) {
                headerWritten = true;
                out.print("#format: frame checksums\n#version: 2\n#hash: MD5\n#software: mediaplane "
                        + BuildInfo.version() + "\n#tb 0: " + timeBase + "\n#media_type 0: video\n"
                        + "#codec_id 0: rawvideo\n#dimensions 0: " + p.width() + "x" + p.height() + "\n"
                        + "#sar 0: " + sampleAspectRatio + "\n#stream#, dts,        pts, duration,     size, hash\n");
            }
            out.printf("0, %10d, %10d, %8d, %8d, %s%n", pts, pts, duration,
                    I420Picture.packedSize(p.width(), p.height()), md5.hash(p));
        }

        @Override
        public void close() {
            out.flush();
            if (ownsOut) {
                out.close();
            }
        }
    }

    /** Tightly packed I420 pictures, one after another (FFmpeg: {@code -f rawvideo -pix_fmt yuv420p}). */
    private static final class RawSink implements Sink {
        private final OutputStream out;
        private byte[] packed = new byte[0];

        RawSink(Path file) throws IOException {
            out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        }

        @Override
        public void picture(I420Picture p, long pts, long duration) throws IOException {
            long size = I420Picture.packedSize(p.width(), p.height());
            if (packed.length < size) {
                packed = new byte[Math.toIntExact(size)];
            }
            I420Copy.toPacked(p, MemorySegment.ofArray(packed));
            out.write(packed, 0, (int) size);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
