package io.mediaplane.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * FFmpeg 8.1 with its WHIP muxer, from Maven Central's {@code org.bytedeco:ffmpeg:8.1.2-1.5.14:jar:linux-x86_64}
 * (the jar carries the {@code ffmpeg} binary and its libraries; Debian 12's ffmpeg 5.1 has no WHIP). Maven
 * cannot resolve that artifact as a dependency because Central lacks its parent POM
 * ({@code org.bytedeco:javacpp-presets:1.5.14}), so the jar is fetched from Central by URL into the local Maven
 * repository, checked against its pinned SHA-1 and unpacked under {@code target/}. The binary needs Debian's
 * {@code libpulse0}.
 */
public final class Ffmpeg8 {
    private static final String VERSION = "8.1.2-1.5.14";
    private static final String JAR = "ffmpeg-" + VERSION + "-linux-x86_64.jar";
    private static final String URL = "https://repo.maven.apache.org/maven2/org/bytedeco/ffmpeg/" + VERSION + "/" + JAR;
    private static final String SHA1 = "c0dde01ef96cf51ec71e33a1e1a285e23cef4ba0";
    private static final String PREFIX = "org/bytedeco/ffmpeg/linux-x86_64/";

    private Ffmpeg8() {}

    /** The command prefix that runs FFmpeg 8 ({@code env LD_LIBRARY_PATH=… …/ffmpeg}). */
    public static synchronized List<String> command() throws IOException, InterruptedException {
        if (!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libpulse.so.0"))) {
            fail("FFmpeg 8 needs libpulse0: apt-get install libpulse0 (./run-tests installs it)");
        }
        Path dir = Path.of("target", "ffmpeg8").toAbsolutePath();
        Path binary = dir.resolve(PREFIX + "ffmpeg");
        if (!Files.isExecutable(binary)) {
            unpack(jar(), dir);
        }
        return List.of("/usr/bin/env", "LD_LIBRARY_PATH=" + binary.getParent(), binary.toString());
    }

    private static Path jar() throws IOException, InterruptedException {
        String repo = System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString());
        Path jar = Path.of(repo, "org", "bytedeco", "ffmpeg", VERSION, JAR);
        if (Files.exists(jar) && sha1(jar).equals(SHA1)) {
            return jar;
        }
        Files.createDirectories(jar.getParent());
        Path part = Files.createTempFile(jar.getParent(), JAR, ".part");
        HttpResponse<Path> r = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(URI.create(URL)).build(), HttpResponse.BodyHandlers.ofFile(part));
        if (r.statusCode() != 200 || !sha1(part).equals(SHA1)) {
            Files.deleteIfExists(part);
            fail("could not fetch " + URL + " (HTTP " + r.statusCode() + " or SHA-1 mismatch)");
        }
        Files.setPosixFilePermissions(part, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(part, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return jar;
    }

    private static void unpack(Path jar, Path dir) throws IOException {
        List<Path> written = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.isDirectory() || !e.getName().startsWith(PREFIX)) {
                    continue;
                }
                Path out = dir.resolve(e.getName()).normalize();
                if (!out.startsWith(dir)) {
                    continue; // no entry may escape the folder
                }
                Files.createDirectories(out.getParent());
                Files.copy(zip, out, StandardCopyOption.REPLACE_EXISTING);
                written.add(out);
            }
        }
        for (Path p : written) {
            p.toFile().setExecutable(true);
        }
    }

    private static String sha1(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-1");
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0; ) {
                d.update(b, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
