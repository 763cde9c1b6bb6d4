package io.mediaplane.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts third-party peers (GStreamer, FFmpeg, ...) for interop tests. A missing peer fails the test with the
 * package to install: the README's test command installs every peer, so a skip would hide a broken set-up.
 */
public final class Peers {
    private Peers() {}

    /** The absolute path of {@code program} on PATH, or a test failure naming the Debian package. */
    public static Path require(String program, String debianPackages) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return fail(program + " is not installed: apt-get install " + debianPackages
                + " (./run-tests installs it)");
    }

    /** A started peer process; closing it stops it (SIGTERM, then SIGKILL) and its output goes to a log file. */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final Path log;

        private Running(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        public Process process() {
            return process;
        }

        /** Waits for the peer to exit by itself; returns its exit code, or fails after {@code seconds}. */
        public int awaitExit(long seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                fail("peer did not finish within " + seconds + " s; its output:\n" + output());
            }
            return process.exitValue();
        }

        public String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return "(no output: " + e + ")";
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a leftover temp log is harmless
            }
        }
    }

    public static Running start(List<String> command) throws IOException {
        Path log = Files.createTempFile("mediaplane-peer", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Running(p, log);
    }
}
