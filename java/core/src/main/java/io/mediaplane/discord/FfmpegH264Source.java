package io.mediaplane.discord;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A publish source: FFmpeg (Debian's {@code ffmpeg}) reads a URL or file in real time ({@code -re}) and encodes
 * it the way clankvox's publisher does (libx264 veryfast/zerolatency, baseline, yuv420p, fixed GOP of one second,
 * access unit delimiters inserted) to a raw H264 pipe; the access units go to {@link VideoPublisher#put}.
 * {@link #sent} completes once FFmpeg's output has ended and the publisher has sent its last access unit.
 * {@link #close} stops the process.
 */
public final class FfmpegH264Source implements AutoCloseable {
    private final Process process;
    private final Thread reader;
    private volatile boolean closed;
    private volatile long accessUnits;
    private final CompletableFuture<Integer> sent = new CompletableFuture<>();

    private FfmpegH264Source(Process process, VideoPublisher publisher, LegListener listener, DiscordLeg leg) {
        this.process = process;
        AccessUnitSplitter splitter = new AccessUnitSplitter(au -> {
            try {
                if (publisher.put(au)) {
                    accessUnits++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 8 << 20);
        this.reader = Thread.ofPlatform().daemon().name("ffmpeg-h264-reader").start(() -> {
            byte[] chunk = new byte[64 << 10];
            try (InputStream in = process.getInputStream()) {
                int n;
                while (!closed && (n = in.read(chunk)) > 0) {
                    splitter.feed(chunk, 0, n);
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                }
                splitter.finish();
                // the last unit is queued: done once the publisher has sent it, then FFmpeg's exit code says how
                publisher.drained().get();
                sent.complete(process.waitFor());
            } catch (IOException | ExecutionException e) {
                if (!closed && listener != null) {
                    listener.onError(leg, LegError.PUBLISH_SOURCE_FAILED, "ffmpeg output: " + e.getMessage());
                }
                sent.completeExceptionally(e);
            } catch (InterruptedException e) {
                sent.cancel(false); // closed
            } finally {
                if (closed) {
                    sent.cancel(false);
                }
            }
        });
    }

    /** The FFmpeg command line for {@code input} at the publisher's settings. */
    public static List<String> command(String ffmpeg, String input, PublishSettings s, boolean realTime) {
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin"));
        if (realTime) {
            cmd.add("-re");
        }
        int fps = s.framesPerSecond();
        cmd.addAll(List.of("-i", input, "-an", "-sn",
                "-vf", "scale=" + s.width() + ":" + s.height() + ":force_original_aspect_ratio=decrease,pad="
                        + s.width() + ":" + s.height() + ":(ow-iw)/2:(oh-ih)/2,fps=" + fps,
                "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
                "-profile:v", "baseline", "-level", "3.1", "-g", String.valueOf(fps), "-keyint_min",
                String.valueOf(fps), "-sc_threshold", "0", "-b:v", String.valueOf(s.maxBitrate()),
                "-maxrate", String.valueOf(s.maxBitrate()), "-bufsize", String.valueOf(2L * s.maxBitrate()),
                "-bsf:v", "h264_metadata=aud=insert", "-f", "h264", "pipe:1"));
        return cmd;
    }

    /** Starts FFmpeg on {@code input} and feeds its access units to {@code leg}'s publisher (which must be started). */
    public static FfmpegH264Source start(DiscordLeg leg, String input, LegListener listener) throws IOException {
        List<String> cmd = command("ffmpeg", input, leg.publisher().settings(), true);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return new FfmpegH264Source(p, leg.publisher(), listener, leg);
    }

    /** Access units handed to the publisher so far. */
    public long accessUnits() {
        return accessUnits;
    }

    /**
     * Completes with FFmpeg's exit code once its output has ended (end of input, or FFmpeg failed) and every access
     * unit it produced has been sent, dropped or cleared by the publisher: the moment the stream has really ended.
     * Fails if reading FFmpeg's output failed; cancelled by {@link #close}.
     */
    public CompletableFuture<Integer> sent() {
        return sent;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for FFmpeg to exit (end of input); returns its exit code. */
    public int waitFor() throws InterruptedException {
        int code = process.waitFor();
        reader.join(5000);
        return code;
    }

    @Override
    public void close() {
        closed = true;
        process.destroy();
        try {
            if (!process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            reader.interrupt();
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sent.cancel(false);
    }
}
