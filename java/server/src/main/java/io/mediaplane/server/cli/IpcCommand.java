package io.mediaplane.server.cli;

import io.mediaplane.ipc.DiscordMediaBackend;
import io.mediaplane.ipc.IpcDaemon;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code mediaplane ipc}: the media plane as a subprocess of a control plane, speaking clankvox's protocol. Commands
 * are JSON lines on stdin; events are frames {@code [u8 kind][u32 LE length][payload]} on stdout; logs go to
 * stderr. stdout belongs to the frames alone: {@link System#out} is pointed at stderr before anything else runs,
 * so no library can write into the frame stream.
 */
@Command(name = "ipc", mixinStandardHelpOptions = true,
        description = {"Run as a control plane's media plane: JSON command lines on stdin, framed events on stdout "
                + "([u8 kind][u32 LE length][payload]; kind 0 JSON, 1 user audio), logs on stderr. "
                + "Wire-compatible with clankvox. Exits 0 at end of input or on a destroy command."})
final class IpcCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--gateway-version", defaultValue = "8",
            description = "Discord voice gateway version: 8 (documented default) or 9. Default: ${DEFAULT-VALUE}.")
    int gatewayVersion;

    @CommandLine.Option(names = "--forward-encoded-video",
            description = "Send subscribed users' video as encoded user_video_frame events instead of decoding it "
                    + "into decoded_video_frame JPEGs.")
    boolean forwardEncodedVideo;

    @Override
    public Integer call() {
        if (gatewayVersion != 8 && gatewayVersion != 9) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--gateway-version must be 8 or 9");
        }
        // Take the real stdout for frames, then send every other writer to stderr.
        OutputStream frames = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        PrintStream stderr = System.err;
        System.setOut(stderr);
        configureLogging();
        int version = gatewayVersion;
        boolean decode = !forwardEncodedVideo;
        IpcDaemon daemon = new IpcDaemon(new FileInputStream(FileDescriptor.in), frames,
                events -> new DiscordMediaBackend(events, b -> b.gatewayVersion(version), decode));
        // SIGTERM / SIGINT: close the legs (WebSocket close frames, FFmpeg stopped) before the JVM goes
        Thread hook = Thread.ofPlatform().name("mediaplane-ipc-shutdown").unstarted(() -> {
            try {
                // straight to stderr: java.util.logging shuts down in a hook of its own at the same time
                if (daemon.stop(Duration.ofSeconds(10))) {
                    stderr.println("mediaplane ipc: stopped by the JVM's shutdown (signal or exit); legs closed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        IpcDaemon.Stop stop = daemon.run();
        return stop.exitStatus();
    }

    /** One line per record on stderr, unless the user configured java.util.logging themselves. */
    private static void configureLogging() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null
                && System.getProperty("java.util.logging.config.file") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
    }
}
