package io.mediaplane.bench;

import com.goterl.lazysodium.LazySodiumJava;
import com.goterl.lazysodium.SodiumJava;
import com.google.crypto.tink.aead.internal.InsecureNonceAesGcmJce;
import com.google.crypto.tink.aead.internal.InsecureNonceXChaCha20Poly1305;
import io.mediaplane.crypto.AeadBackend;
import io.mediaplane.crypto.DiscordAeadMode;
import io.mediaplane.crypto.DiscordTransportCipher;
import io.mediaplane.ffi.Sodium;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
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
 * Seal one RTP packet (12-byte header, {@code size} bytes of payload) with Discord's rtpsize transport AEADs,
 * in place in a heap slab (the default pool kind), as the publish path does.
 *
 * <p>Ours: {@code gcmSeal} / {@code xchachaSeal} use the measured backend choice ({@code AeadBackendChoice});
 * {@code *Seal<Backend>} force one backend, to derive that choice. Baselines in the same run:
 * <ul>
 *   <li>{@code gcmJceRaw}: bare JCE — {@code Cipher.init} with a new 12-byte IV, {@code updateAAD},
 *       {@code doFinal} in place on the same bytes. Target: {@code gcmSeal} ≥ 1.0× at 1200 B, ≥ 1.3× at 160 B.</li>
 *   <li>{@code xchachaSodiumRaw}: libsodium's {@code crypto_aead_xchacha20poly1305_ietf_encrypt} on the same
 *       bytes, through the same critical FFM binding. Target: {@code xchachaSeal} ≥ 1.8× at 1200 B.</li>
 *   <li>{@code gcmTink} / {@code xchachaTink}: JDA's transport encryption, Tink's
 *       {@code InsecureNonceAesGcmJce} / {@code InsecureNonceXChaCha20Poly1305} (new arrays per packet, as JDA).
 *       Target: ours ≥ 3× at 160 B.</li>
 *   <li>{@code xchachaLazysodium}: lazysodium's JNA call path ({@code LazySodiumJava}, byte arrays). Target:
 *       ours ≥ 5× at 160 B.</li>
 * </ul>
 * Every variant of ours must be 0 B/op under {@code -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DiscordAeadBenchmark {
    private static final int HEADROOM = 32;
    private static final int HEADER = 12;

    @Param({"160", "1200", "16384"})
    public int size;

    private byte[] key;
    private byte[] slab;
    private MemorySegment segment;
    private int length;
    private int capacity;

    private DiscordTransportCipher gcm;
    private DiscordTransportCipher gcmJce;
    private DiscordTransportCipher gcmSodium;
    private DiscordTransportCipher gcmOpenssl;
    private DiscordTransportCipher xchacha;
    private DiscordTransportCipher xchachaJce;
    private DiscordTransportCipher xchachaSodium;
    private DiscordTransportCipher xchachaOpenssl;

    private Cipher jce;
    private SecretKeySpec jceKey;
    private final byte[] iv = new byte[12];
    private int counter;

    private Arena arena;
    private MemorySegment sodiumKey;
    private MemorySegment sodiumNonce;

    private InsecureNonceAesGcmJce tinkGcm;
    private InsecureNonceXChaCha20Poly1305 tinkXChaCha;
    private byte[] header;
    private byte[] payload;
    private final byte[] nonce12 = new byte[12];
    private final byte[] nonce24 = new byte[24];

    private LazySodiumJava lazySodium;
    private byte[] lazyOut;

    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException {
        SplittableRandom random = new SplittableRandom(42);
        key = new byte[32];
        random.nextBytes(key);
        length = HEADER + size;
        capacity = length + DiscordAeadMode.OVERHEAD;
        slab = new byte[HEADROOM + capacity + HEADROOM];
        random.nextBytes(slab);
        slab[HEADROOM] = (byte) 0x80;
        slab[HEADROOM + 1] = 0x78;
        segment = MemorySegment.ofArray(slab);

        gcm = DiscordTransportCipher.create(DiscordAeadMode.AES256_GCM_RTPSIZE, key);
        gcmJce = forced(DiscordAeadMode.AES256_GCM_RTPSIZE, AeadBackend.JCE);
        gcmSodium = forced(DiscordAeadMode.AES256_GCM_RTPSIZE, AeadBackend.SODIUM);
        gcmOpenssl = forced(DiscordAeadMode.AES256_GCM_RTPSIZE, AeadBackend.OPENSSL);
        xchacha = DiscordTransportCipher.create(DiscordAeadMode.XCHACHA20_POLY1305_RTPSIZE, key);
        xchachaJce = forced(DiscordAeadMode.XCHACHA20_POLY1305_RTPSIZE, AeadBackend.JCE);
        xchachaSodium = forced(DiscordAeadMode.XCHACHA20_POLY1305_RTPSIZE, AeadBackend.SODIUM);
        xchachaOpenssl = forced(DiscordAeadMode.XCHACHA20_POLY1305_RTPSIZE, AeadBackend.OPENSSL);

        jce = Cipher.getInstance("AES/GCM/NoPadding");
        jceKey = new SecretKeySpec(key, "AES");

        arena = Arena.ofConfined();
        sodiumKey = arena.allocate(32);
        MemorySegment.copy(key, 0, sodiumKey, ValueLayout.JAVA_BYTE, 0, 32);
        sodiumNonce = arena.allocate(24);

        tinkGcm = new InsecureNonceAesGcmJce(key);
        tinkXChaCha = new InsecureNonceXChaCha20Poly1305(key);
        header = new byte[HEADER];
        System.arraycopy(slab, HEADROOM, header, 0, HEADER);
        payload = new byte[size];
        random.nextBytes(payload);

        lazySodium = new LazySodiumJava(new SodiumJava());
        lazyOut = new byte[size + 16];
    }

    private DiscordTransportCipher forced(DiscordAeadMode mode, AeadBackend backend) {
        return DiscordTransportCipher.builder(mode, key).backend(backend).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (DiscordTransportCipher c : new DiscordTransportCipher[] {gcm, gcmJce, gcmSodium, gcmOpenssl, xchacha,
                xchachaJce, xchachaSodium, xchachaOpenssl}) {
            c.close();
        }
        arena.close();
    }

    // ---- AES-256-GCM ----

    @Benchmark
    public int gcmSeal() {
        return gcm.sealRtp(segment, HEADROOM, length, capacity);
    }

    @Benchmark
    public int gcmSealJce() {
        return gcmJce.sealRtp(segment, HEADROOM, length, capacity);
    }

    @Benchmark
    public int gcmSealSodium() {
        return gcmSodium.sealRtp(segment, HEADROOM, length, capacity);
    }

    @Benchmark
    public int gcmSealOpenssl() {
        return gcmOpenssl.sealRtp(segment, HEADROOM, length, capacity);
    }

    /** Baseline: bare JCE on the same bytes (what limits.md's Bench measured). */
    @Benchmark
    public int gcmJceRaw() throws GeneralSecurityException {
        int c = counter++;
        iv[0] = (byte) (c >>> 24);
        iv[1] = (byte) (c >>> 16);
        iv[2] = (byte) (c >>> 8);
        iv[3] = (byte) c;
        jce.init(Cipher.ENCRYPT_MODE, jceKey, new GCMParameterSpec(128, iv));
        jce.updateAAD(slab, HEADROOM, HEADER);
        return jce.doFinal(slab, HEADROOM + HEADER, size, slab, HEADROOM + HEADER);
    }

    /** Baseline: JDA's AES-GCM transport encryption (Tink), new arrays per packet. */
    @Benchmark
    public byte[] gcmTink() throws GeneralSecurityException {
        int c = counter++;
        nonce12[0] = (byte) (c >>> 24);
        nonce12[1] = (byte) (c >>> 16);
        nonce12[2] = (byte) (c >>> 8);
        nonce12[3] = (byte) c;
        return tinkGcm.encrypt(nonce12, payload, header);
    }

    // ---- XChaCha20-Poly1305 ----

    @Benchmark
    public int xchachaSeal() {
        return xchacha.sealRtp(segment, HEADROOM, length, capacity);
    }

    @Benchmark
    public int xchachaSealJce() {
        return xchachaJce.sealRtp(segment, HEADROOM, length, capacity);
    }

    @Benchmark
    public int xchachaSealSodium() {
        return xchachaSodium.sealRtp(segment, HEADROOM, length, capacity);
    }

    @Benchmark
    public int xchachaSealOpenssl() {
        return xchachaOpenssl.sealRtp(segment, HEADROOM, length, capacity);
    }

    /** Baseline: libsodium's XChaCha20-Poly1305 on the same bytes, the same critical FFM call, nothing else. */
    @Benchmark
    public int xchachaSodiumRaw() {
        sodiumNonce.set(U32_BE, 0, counter++);
        MemorySegment data = segment.asSlice(HEADROOM + HEADER);
        return Sodium.xchacha20Poly1305Encrypt(data, data, size, segment.asSlice(HEADROOM), HEADER, sodiumNonce,
                sodiumKey);
    }

    /** Baseline: JDA's XChaCha transport encryption (Tink), new arrays per packet. */
    @Benchmark
    public byte[] xchachaTink() throws GeneralSecurityException {
        int c = counter++;
        nonce24[0] = (byte) (c >>> 24);
        nonce24[1] = (byte) (c >>> 16);
        nonce24[2] = (byte) (c >>> 8);
        nonce24[3] = (byte) c;
        return tinkXChaCha.encrypt(nonce24, payload, header);
    }

    /** Baseline: lazysodium's JNA call path with byte arrays. */
    @Benchmark
    public boolean xchachaLazysodium() {
        int c = counter++;
        nonce24[0] = (byte) (c >>> 24);
        nonce24[1] = (byte) (c >>> 16);
        nonce24[2] = (byte) (c >>> 8);
        nonce24[3] = (byte) c;
        return lazySodium.cryptoAeadXChaCha20Poly1305IetfEncrypt(lazyOut, null, payload, size, header, HEADER, null,
                nonce24, key);
    }

    private static final ValueLayout.OfInt U32_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
}
