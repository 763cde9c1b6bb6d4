package io.mediaplane.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DoctorCommandTest {
    private record Result(int exit, String out) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString());
    }

    @Test
    void reportsEveryLibraryAvailableWithVersionAndPath() {
        Result r = run("doctor");
        assertThat(r.out()).contains("libsodium", "libcrypto (OpenSSL)", "libgcrypt", "libsrtp2", "libopenh264",
                "libvpx", "libturbojpeg", "libmediaplane");
        assertThat(r.out()).contains("all 8 native libraries available").doesNotContain("UNAVAILABLE");
        assertThat(r.out()).containsPattern("libsodium +ok +1\\.0\\.\\d+ +(bundled|system) +/");
        assertThat(r.out()).containsPattern("JDK +2[5-9]");
        assertThat(r.out()).contains("CPU flags", "aes ");
        assertThat(r.out()).containsPattern("srtp +gcrypt +default: AES-GCM in libgcrypt");
        assertThat(r.out()).containsPattern("jpeg +turbojpeg +libturbojpeg");
        assertThat(r.out()).containsPattern("aes256gcm\\.small +(jce|sodium|openssl) ")
                .containsPattern("xchacha20poly1305\\.mtu +(jce|sodium|openssl) ");
        assertThat(r.exit()).isZero();
    }

    @Test
    void helpListsTheDoctorCommand() {
        Result r = run("--help");
        assertThat(r.out()).contains("doctor");
        assertThat(r.exit()).isZero();
    }
}
