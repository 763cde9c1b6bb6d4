package io.mediaplane.bench;

import io.mediaplane.crypto.TruncatedTagAesGcm;
import io.mediaplane.discord.dave.FrameDecryptor;
import io.mediaplane.discord.dave.FrameEncryptor;
import io.mediaplane.discord.dave.KeyRatchet;
import io.mediaplane.stream.Codec;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DAVE end-to-end frame encryption of one frame: {@code frame} is a 30 KB H264 access unit (AUD, SPS, PPS, one
 * IDR slice; the slice header stays clear, the rest is encrypted and checked for start codes) or a 100-byte Opus
 * frame (encrypted whole).
 *
 * <ul>
 *   <li>{@code seal}: {@code FrameEncryptor.seal} with the {@code backend} (OpenSSL EVP or BouncyCastle GCM,
 *       8-byte tag): codec split, AES-128-GCM, trailer.
 *   <li>{@code sealOpen}: seal, then {@code FrameDecryptor.open} (parse, replay check, decrypt, reassemble); the
 *       open cost is the difference (every open needs a fresh nonce, so it cannot be measured alone).
 *   <li>{@code jceGcm16} (baseline): raw JCE AES-128-GCM with a 16-byte tag over the whole frame, new IV per
 *       frame, as a Java implementation without the short tag would seal.
 * </ul>
 * Targets: ≥ 1 GB/s for the H264 frame, ≤ 1 µs per Opus frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DaveFrameBenchmark {
    @Param({"h264", "opus"})
    public String frame;

    @Param({"openssl", "bouncycastle"})
    public String backend;

    private Codec codec;
    private byte[] plain;
    private byte[] sealed;
    private byte[] opened;
    private FrameEncryptor encryptor;
    private FrameDecryptor decryptor;
    private long failures;

    private Cipher jce;
    private SecretKeySpec jceKey;
    private final byte[] iv = new byte[12];
    private byte[] jceOut;
    private int counter;

    private static final byte[] BASE = new byte[16];

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        SplittableRandom random = new SplittableRandom(42);
        if (frame.equals("h264")) {
            codec = Codec.H264;
            byte[] head = hex("0000000109f0" + "0000000167640028acd940780227e5c04400000300040000030183c60c6580"
                    + "0000000168ebe3cb22c0" + "0000000165888400");
            byte[] slice = new byte[30 * 1024 - head.length];
            random.nextBytes(slice);
            for (int i = 0; i < slice.length; i++) {
                if (slice[i] == 0) {
                    slice[i] = 1; // keep the slice free of start codes, as an encoder's emulation prevention does
                }
            }
            plain = new byte[head.length + slice.length];
            System.arraycopy(head, 0, plain, 0, head.length);
            System.arraycopy(slice, 0, plain, head.length, slice.length);
        } else {
            codec = Codec.OPUS;
            plain = new byte[100];
            random.nextBytes(plain);
            plain[0] = (byte) 0xFC;
        }
        sealed = new byte[FrameEncryptor.maxSealedSize(plain.length) + 64];
        opened = new byte[sealed.length];
        jce = Cipher.getInstance("AES/GCM/NoPadding");
        jceKey = new SecretKeySpec(new byte[16], "AES");
        jceOut = new byte[plain.length + 16];
    }

    /** A new epoch's ratchet each iteration, so the nonce never reaches generation 1 (which a receiver refuses
     *  within the first ~27 h of a ratchet). */
    @Setup(Level.Iteration)
    public void newEpoch() {
        TruncatedTagAesGcm.Backend b = TruncatedTagAesGcm.Backend.of(backend);
        encryptor = new FrameEncryptor(b);
        encryptor.setKeyRatchet(new KeyRatchet(BASE));
        decryptor = new FrameDecryptor(b);
        decryptor.transitionToKeyRatchet(new KeyRatchet(BASE), 0, 0);
    }

    @TearDown(Level.Iteration)
    public void closeEpoch() {
        encryptor.close();
        decryptor.close();
        if (failures != 0) {
            throw new IllegalStateException(failures + " frames failed to seal or open");
        }
    }

    @Benchmark
    public int seal() {
        int n = encryptor.seal(codec, plain, plain.length, sealed);
        if (n < 0) {
            failures++;
        }
        return n;
    }

    @Benchmark
    public int sealOpen() {
        int n = encryptor.seal(codec, plain, plain.length, sealed);
        int m = decryptor.open(codec.kind(), sealed, n, opened, 0);
        if (n < 0 || m != plain.length) {
            failures++;
        }
        return m;
    }

    @Benchmark
    public int jceGcm16() throws GeneralSecurityException {
        int c = ++counter;
        iv[8] = (byte) c;
        iv[9] = (byte) (c >>> 8);
        iv[10] = (byte) (c >>> 16);
        iv[11] = (byte) (c >>> 24);
        jce.init(Cipher.ENCRYPT_MODE, jceKey, new GCMParameterSpec(128, iv));
        return jce.doFinal(plain, 0, plain.length, jceOut, 0);
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
