package io.mediaplane.ipc;

import io.mediaplane.discord.AccessUnitSplitter;
import io.mediaplane.discord.DiscordLeg;
import io.mediaplane.discord.FfmpegH264Source;
import io.mediaplane.discord.LegError;
import io.mediaplane.discord.LegListener;
import io.mediaplane.discord.VideoPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/** What a {@code stream_publish} leg sends: a URL through FFmpeg, or PNG frames pushed over IPC through FFmpeg. */
sealed interface PublishSource permits PublishSource.Url, PublishSource.PngFrames {
    System.Logger LOG = System.getLogger(PublishSource.class.getName());

    /**
     * Starts feeding {@code leg}'s (started) publisher; {@code ended} is told once when the source has run out and
     * the publisher has sent the last access unit it produced (or when it failed).
     */
    void start(DiscordLeg leg, BiConsumer<PublishSource, String> ended) throws IOException;

    /** Stops the source and every thread and process it started. */
    void close();

    /** Turns a page URL (a video site) into a media URL FFmpeg can read. */
    @FunctionalInterface
    interface Resolver {
        String resolve(String pageUrl) throws IOException;

        /** yt-dlp when installed (an H264 video format first), else the URL unchanged for FFmpeg to try. */
        Resolver YT_DLP = pageUrl -> {
            if (!onPath("yt-dlp")) {
                LOG.log(System.Logger.Level.INFO, "yt-dlp not installed: handing the URL to FFmpeg as it is");
                return pageUrl;
            }
            Process p = new ProcessBuilder("yt-dlp", "--no-playlist", "-f", "bv*[vcodec^=avc1]/bv*/b", "-g", pageUrl)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (InputStream out = p.getInputStream()) {
                String first = new String(out.readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || first.isBlank()) {
                    throw new IOException("yt-dlp could not resolve " + pageUrl);
                }
                return first.strip();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted resolving " + pageUrl, e);
            } finally {
                p.destroyForcibly();
            }
        };

        private static boolean onPath(String program) {
            String path = System.getenv("PATH");
            if (path == null) {
                return false;
            }
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A URL or file, read in real time by FFmpeg and encoded as clankvox's publisher does. */
    final class Url implements PublishSource {
        private final String url;
        private final boolean resolvedDirectUrl;
        private final Resolver resolver;
        private volatile FfmpegH264Source source;
        private volatile boolean closed;

        Url(String url, boolean resolvedDirectUrl, Resolver resolver) {
            this.url = url;
            this.resolvedDirectUrl = resolvedDirectUrl;
            this.resolver = resolver;
        }

        @Override
        public void start(DiscordLeg leg, BiConsumer<PublishSource, String> ended) throws IOException {
            String input = resolvedDirectUrl ? url : resolver.resolve(url);
            FfmpegH264Source s = FfmpegH264Source.start(leg, input, new LegListener() {
                @Override
                public void onError(DiscordLeg l, LegError error, String message) {
                    LOG.log(System.Logger.Level.WARNING, "stream_publish source: " + message);
                }
            });
            source = s;
            s.sent().whenComplete((exit, failure) -> {
                if (!closed && !s.sent().isCancelled()) {
                    ended.accept(this, (failure != null ? "ffmpeg output failed: " + failure
                            : "ffmpeg exited with " + exit) + " after " + s.accessUnits() + " access units, all sent");
                }
            });
        }

        @Override
        public void close() {
            closed = true;
            if (source != null) {
                source.close();
            }
        }
    }

    /**
     * PNG frames pushed by the control plane, encoded to H264 by an FFmpeg process reading them from its stdin
     * (timestamps from arrival, then a constant frame rate), as clankvox's browser-session publish does. Frames wait
     * in a queue of {@value #QUEUE_FRAMES}; when FFmpeg falls behind, the newest is dropped and counted.
     */
    final class PngFrames implements PublishSource {
        static final int QUEUE_FRAMES = 8;
        private static final byte[] END = new byte[0];

        private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE_FRAMES);
        private final AtomicLong dropped = new AtomicLong();
        private final AtomicLong produced = new AtomicLong();
        private Process process;
        private Thread writer;
        private Thread reader;
        private volatile boolean closed;

        /** The FFmpeg command: {@link FfmpegH264Source#command}'s encoding with a PNG pipe as input. */
        static List<String> command(DiscordLeg leg) {
            List<String> cmd = new ArrayList<>(FfmpegH264Source.command("ffmpeg", "pipe:0", leg.publisher().settings(), false));
            int input = cmd.indexOf("-i");
            // no probing ahead: FFmpeg would otherwise hold the first frames until it has read 5 MB or 5 s of them
            cmd.addAll(input, List.of("-probesize", "32", "-analyzeduration", "0", "-fflags", "nobuffer",
                    "-f", "image2pipe", "-c:v", "png", "-use_wallclock_as_timestamps", "1"));
            cmd.remove("-nostdin"); // the frames come on stdin
            return cmd;
        }

        void push(byte[] png, long capturedAtMs) {
            if (closed || !queue.offer(png)) {
                long n = dropped.incrementAndGet();
                if (Long.bitCount(n) == 1) {
                    LOG.log(System.Logger.Level.WARNING, "stream_publish: " + n + " browser frame(s) dropped (encoder behind)");
                }
            }
        }

        @Override
        public void start(DiscordLeg leg, BiConsumer<PublishSource, String> ended) throws IOException {
            VideoPublisher publisher = leg.publisher();
            Process p = new ProcessBuilder(command(leg)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            process = p;
            writer = Thread.ofPlatform().daemon().name("mediaplane-ipc-png-writer").start(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    while (true) {
                        byte[] png = queue.take();
                        if (png == END) {
                            return;
                        }
                        in.write(png);
                        in.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    if (!closed) {
                        ended.accept(this, "ffmpeg input closed: " + e);
                    }
                }
            });
            AccessUnitSplitter splitter = new AccessUnitSplitter(au -> {
                if (publisher.offer(au)) {
                    produced.incrementAndGet();
                }
            }, 8 << 20);
            reader = Thread.ofPlatform().daemon().name("mediaplane-ipc-png-reader").start(() -> {
                byte[] chunk = new byte[64 << 10];
                try (InputStream out = p.getInputStream()) {
                    for (int n; (n = out.read(chunk)) > 0; ) {
                        splitter.feed(chunk, 0, n);
                    }
                    splitter.finish();
                } catch (IOException e) {
                    // the process went away; the writer or close reports it
                    return;
                }
                // FFmpeg's output ended: the stream has ended once the publisher has sent the last unit
                publisher.drained().thenRun(() -> {
                    if (!closed) {
                        ended.accept(this, "ffmpeg output ended after " + produced.get() + " access units, all sent");
                    }
                });
            });
        }

        @Override
        public void close() {
            closed = true;
            queue.clear();
            queue.offer(END);
            if (process != null) {
                process.destroy();
                try {
                    if (!process.waitFor(2, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
            if (writer != null) {
                writer.interrupt();
                joinQuietly(writer);
            }
            if (reader != null) {
                joinQuietly(reader);
            }
        }

        long dropped() {
            return dropped.get();
        }

        /** Access units handed to the publisher so far. */
        long produced() {
            return produced.get();
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
