package io.mediaplane.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CryptoCommandTest {
    private record Result(int exit, String out, String err) {}

    private static final String KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    /** @discordjs/voice's packet for key 00..1f, counter 1, Opus silence (the vector file's first case). */
    private static final String GCM_PACKET =
            "8078123401020304deadbeefbcc933683a614981c4c1cfd431802f1be778c700000001";
    private static final String XCHACHA_PACKET =
            "8078123401020304deadbeeff158af8e330b0bdceb1506746cf4d4ca71b01900000001";
    private static final String PLAIN = "8078123401020304deadbeeff8fffe";

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString().strip(), err.toString().strip());
    }

    @Test
    void sealsLikeDiscordJsWithEveryBackend() {
        for (String backend : new String[] {"jce", "sodium", "openssl"}) {
            Result r = run("crypto", "seal", "--mode", "aead_aes256_gcm_rtpsize", "--key", KEY, "--counter", "1",
                    "--packet", PLAIN, "--backend", backend);
            assertThat(r.out()).isEqualTo(GCM_PACKET);
            assertThat(r.exit()).isZero();
            r = run("crypto", "seal", "--mode", "aead_xchacha20_poly1305_rtpsize", "--key", KEY, "--counter", "1",
                    "--packet", PLAIN, "--backend", backend);
            assertThat(r.out()).isEqualTo(XCHACHA_PACKET);
        }
    }

    @Test
    void opensAndRejectsWithAReason() {
        Result r = run("crypto", "open", "--mode", "aead_xchacha20_poly1305_rtpsize", "--key", KEY,
                "--packet", XCHACHA_PACKET);
        assertThat(r.out()).isEqualTo(PLAIN);
        assertThat(r.exit()).isZero();
        String tampered = GCM_PACKET.substring(0, 30) + "00" + GCM_PACKET.substring(32);
        r = run("crypto", "open", "--mode", "aead_aes256_gcm_rtpsize", "--key", KEY, "--packet", tampered);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("rejected: AUTH_FAILED");
        r = run("crypto", "open", "--mode", "aead_aes256_gcm_rtpsize", "--key", KEY, "--packet", "8078");
        assertThat(r.err()).startsWith("rejected: TOO_SHORT");
    }

    @Test
    void rtcpUsesTheEightByteClearHeader() {
        Result sealed = run("crypto", "seal", "--mode", "aead_aes256_gcm_rtpsize", "--key", KEY, "--counter", "3",
                "--rtcp", "--packet", "80c80006deadbeef" + "00".repeat(20));
        assertThat(sealed.out()).startsWith("80c80006deadbeef").endsWith("00000003").hasSize(2 * (8 + 20 + 20));
        Result opened = run("crypto", "open", "--mode", "aes256gcm", "--key", KEY, "--rtcp", "--packet",
                sealed.out());
        assertThat(opened.out()).isEqualTo("80c80006deadbeef" + "00".repeat(20));
    }

    @Test
    void badArgumentsAreUsageErrors() {
        Result r = run("crypto", "seal", "--mode", "xsalsa20_poly1305", "--key", KEY, "--packet", PLAIN);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown Discord transport mode");
        r = run("crypto", "seal", "--mode", "aes256gcm", "--key", "00", "--packet", PLAIN);
        assertThat(r.exit()).isEqualTo(2);
    }

    // libsrtp2 2.5.0 (src/test/c/srtp-vectors.c in java/core): master 00..1d / 00..1b
    private static final String SRTP_PLAIN = "80601234000003e8deadbeef0102030405060708090a";
    private static final String CM80_MASTER = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d";
    private static final String CM80 = "80601234000003e8deadbeef6ea7671f1bea61c01b435118408e027ca5ded9e3";
    private static final String GCM128 = "80601234000003e8deadbeef27dd0d307b59bc87debbab25520fce035a7c996a8e35b3a3fa2c";

    @Test
    void srtpProtectsAndUnprotectsLikeLibsrtp2WithEveryBackend() {
        for (String backend : new String[] {"jce", "libsrtp2", "openssl", "gcrypt"}) {
            Result r = run("crypto", "protect", "--profile", "AES_CM_128_HMAC_SHA1_80", "--master", CM80_MASTER,
                    "--packet", SRTP_PLAIN, "--backend", backend);
            assertThat(r.out()).isEqualTo(CM80);
            assertThat(r.exit()).isZero();
            r = run("crypto", "unprotect", "--profile", "AEAD_AES_128_GCM", "--master", CM80_MASTER.substring(0, 56),
                    "--packet", GCM128, "--backend", backend);
            assertThat(r.out()).isEqualTo(SRTP_PLAIN);
            assertThat(r.exit()).isZero();
        }
    }

    @Test
    void srtpRejectionsPrintTheReason() {
        String tampered = CM80.substring(0, 30) + "00" + CM80.substring(32);
        Result r = run("crypto", "unprotect", "--profile", "AES_CM_128_HMAC_SHA1_80", "--master", CM80_MASTER,
                "--packet", tampered);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("rejected: AUTH_FAILED");
        r = run("crypto", "unprotect", "--profile", "AES_CM_128_HMAC_SHA1_80", "--master", CM80_MASTER,
                "--packet", CM80, "--roc", "1");
        assertThat(r.err()).startsWith("rejected: AUTH_FAILED");
        r = run("crypto", "unprotect", "--profile", "AES_CM_128_HMAC_SHA1_80", "--master", CM80_MASTER,
                "--packet", "8060");
        assertThat(r.err()).startsWith("rejected: TOO_SHORT");
        r = run("crypto", "protect", "--profile", "AES_CM_128_HMAC_SHA1_80", "--master", "00", "--packet", SRTP_PLAIN);
        assertThat(r.exit()).isEqualTo(2);
    }

    @Test
    void srtcpRoundTrip() {
        String rtcp = "81c8000bcafebabeabababababababababababababababab";
        Result sealed = run("crypto", "protect", "--profile", "AEAD_AES_256_GCM", "--master",
                "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b",
                "--packet", rtcp, "--rtcp");
        assertThat(sealed.exit()).isZero();
        assertThat(sealed.out()).endsWith("80000001"); // E flag and index 1 at the end
        Result opened = run("crypto", "unprotect", "--profile", "AEAD_AES_256_GCM", "--master",
                "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b",
                "--packet", sealed.out(), "--rtcp", "--backend", "libsrtp2");
        assertThat(opened.out()).isEqualTo(rtcp);
    }
}
