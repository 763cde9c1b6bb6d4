package io.mediaplane.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vectors made by libsrtp2 at test time: {@code src/test/c/srtp-vectors.c} is compiled with gcc against the
 * installed libsrtp2 (Debian libsrtp2-dev, installed by the test command), protects random RTP and RTCP packets
 * (CSRCs, header extensions, ROC 0/1/large, 0..1400-byte payloads) in all four profiles, and every backend must
 * produce the same bytes and open libsrtp2's. A missing compiler or header fails the test and names the package.
 */
class Libsrtp2VectorTest {
    @TempDir
    static Path dir;
    static Path driver;

    @BeforeAll
    static void build() throws Exception {
        Path source = Path.of("src/test/c/srtp-vectors.c").toAbsolutePath();
        assertThat(source).exists();
        assertThat(Path.of("/usr/include/srtp2/srtp.h"))
                .as("libsrtp2 headers: install the Debian package libsrtp2-dev (scripts/setup.sh does)").exists();
        driver = dir.resolve("srtp-vectors");
        Result r = run(List.of("gcc", "-O1", "-o", driver.toString(), source.toString(), "-lsrtp2"));
        assertThat(r.exit).as("gcc (packages gcc, libsrtp2-dev): %s", r.err).isZero();
    }

    record Result(int exit, String out, String err) {}

    /** The struct offsets and enum values the FFM backend hard-codes, against the installed srtp.h. */
    @Test
    void ffmLayoutMatchesTheInstalledHeader() throws Exception {
        Path source = Path.of("src/test/c/srtp-policy-layout.c").toAbsolutePath();
        Path exe = dir.resolve("srtp-policy-layout");
        Result built = run(List.of("gcc", "-o", exe.toString(), source.toString()));
        assertThat(built.exit).as("gcc: %s", built.err).isZero();
        Result r = run(List.of(exe.toString()));
        assertThat(r.out.split("\n")[0]).isEqualTo(String.join(" ", List.of(
                Long.toString(io.mediaplane.ffi.Srtp2.POLICY_SIZE), Long.toString(io.mediaplane.ffi.Srtp2.POLICY_SSRC_TYPE),
                Long.toString(io.mediaplane.ffi.Srtp2.POLICY_SSRC_VALUE), Long.toString(io.mediaplane.ffi.Srtp2.POLICY_RTP),
                Long.toString(io.mediaplane.ffi.Srtp2.POLICY_RTCP), Long.toString(io.mediaplane.ffi.Srtp2.POLICY_KEY),
                Long.toString(io.mediaplane.ffi.Srtp2.POLICY_WINDOW_SIZE),
                Long.toString(io.mediaplane.ffi.Srtp2.POLICY_ALLOW_REPEAT_TX), "24", "8")));
        assertThat(r.out.split("\n")[1]).isEqualTo(io.mediaplane.ffi.Srtp2.SSRC_SPECIFIC + " "
                + io.mediaplane.ffi.Srtp2.SSRC_ANY_INBOUND + " " + io.mediaplane.ffi.Srtp2.SSRC_ANY_OUTBOUND + " "
                + io.mediaplane.ffi.Srtp2.ERR_OK + " " + io.mediaplane.ffi.Srtp2.ERR_AUTH_FAIL + " "
                + io.mediaplane.ffi.Srtp2.ERR_REPLAY_FAIL + " " + io.mediaplane.ffi.Srtp2.ERR_REPLAY_OLD + " "
                + io.mediaplane.ffi.Srtp2.ERR_CANT_CHECK);
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.US_ASCII).trim(),
                Files.readString(err, StandardCharsets.US_ASCII).trim());
    }

    static String suite(SrtpProfile p) {
        return switch (p) {
            case AES_CM_128_HMAC_SHA1_80 -> "cm80";
            case AES_CM_128_HMAC_SHA1_32 -> "cm32";
            case AEAD_AES_128_GCM -> "gcm128";
            case AEAD_AES_256_GCM -> "gcm256";
        };
    }

    static byte[] randomRtp(Random r) {
        int cc = r.nextInt(4) == 0 ? r.nextInt(3) : 0;
        boolean x = r.nextBoolean();
        int extWords = x ? r.nextInt(3) : 0;
        int payload = r.nextInt(5) == 0 ? r.nextInt(16) : r.nextInt(1400);
        byte[] p = new byte[12 + 4 * cc + (x ? 4 + 4 * extWords : 0) + payload];
        r.nextBytes(p);
        p[0] = (byte) (0x80 | (x ? 0x10 : 0) | cc);
        if (x) {
            int e = 12 + 4 * cc;
            p[e] = (byte) 0xBE;
            p[e + 1] = (byte) 0xDE;
            p[e + 2] = 0;
            p[e + 3] = (byte) extWords;
        }
        return p;
    }

    static byte[] randomRtcp(Random r) {
        byte[] p = new byte[8 + 4 * r.nextInt(40)];
        r.nextBytes(p);
        p[0] = (byte) 0x80;
        p[1] = (byte) 200;
        int words = p.length / 4 - 1;
        p[2] = (byte) (words >>> 8);
        p[3] = (byte) words;
        return p;
    }

    @Test
    void everyBackendMatchesLibsrtp2() throws Exception {
        Random random = new Random(3711);
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (SrtpProfile profile : SrtpProfile.values()) {
            for (int n = 0; n < 12; n++) {
                byte[] master = new byte[profile.masterLength()];
                random.nextBytes(master);
                boolean rtcp = n % 4 == 3;
                long roc = switch (n % 3) {
                    case 0 -> 0;
                    case 1 -> 1;
                    default -> 0xFFFF_FFF0L + random.nextInt(15);
                };
                if (rtcp) {
                    roc = 0;
                }
                byte[] plain = rtcp ? randomRtcp(random) : randomRtp(random);
                Result r = run(List.of(driver.toString(), suite(profile), Bytes.toHex(master), Bytes.toHex(plain),
                        Long.toString(roc), rtcp ? "rtcp" : "rtp"));
                assertThat(r.exit).as("libsrtp2 driver: %s", r.err).isZero();
                byte[] reference = Bytes.fromHex(r.out);
                for (SrtpBackend b : SrtpBackend.values()) {
                    try (SrtpContext tx = SrtpContext.builder(profile, master, master).backend(b).initialRoc(roc).build();
                            SrtpContext rx = SrtpContext.builder(profile, master, master).backend(b).initialRoc(roc)
                                    .build()) {
                        byte[] ours = SrtpVectorTest.seal(tx, plain, rtcp);
                        if (!java.util.Arrays.equals(ours, reference)) {
                            failures.add(profile + " " + b + " roc " + roc + (rtcp ? " rtcp " : " rtp ")
                                    + Bytes.toHex(plain) + "\n  libsrtp2 " + r.out + "\n  ours     "
                                    + Bytes.toHex(ours));
                        }
                        byte[] buf = reference.clone();
                        java.lang.foreign.MemorySegment s = java.lang.foreign.MemorySegment.ofArray(buf);
                        int opened = rtcp ? rx.openRtcp(s, 0, buf.length) : rx.openRtp(s, 0, buf.length);
                        if (opened < 0 || !java.util.Arrays.equals(java.util.Arrays.copyOf(buf, opened), plain)) {
                            failures.add(profile + " " + b + " roc " + roc + " open of libsrtp2's packet: "
                                    + CipherStatus.ofResult(opened) + " " + r.out);
                        }
                        checked++;
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(checked).isEqualTo(SrtpProfile.values().length * 12 * SrtpBackend.values().length);
    }
}
