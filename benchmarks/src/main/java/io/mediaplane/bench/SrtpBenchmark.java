package io.mediaplane.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.mediaplane.crypto.SrtpBackend;
import io.mediaplane.crypto.SrtpContext;
import io.mediaplane.crypto.SrtpProfile;
import io.mediaplane.ffi.Srtp2;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.ByteArrayBuffer;
import org.jitsi.utils.logging2.LoggerImpl;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * SRTP protect of one RTP packet (12-byte header, {@code size} bytes of payload), AES_CM_128_HMAC_SHA1_80, in
 * place in a heap array, a new sequence number per packet.
 *
 * <ul>
 *   <li>{@code protectJce}: {@link SrtpContext} on the JCE backend (AES-ECB keystream + HmacSHA1).</li>
 *   <li>{@code protectLibsrtp2}: {@link SrtpContext} on the libsrtp2 backend (FFM, critical call).</li>
 *   <li>{@code protectGcm128Jce}: ours, AEAD_AES_128_GCM on JCE, for reference.</li>
 *   <li>{@code protectGcm128OpenSsl}: ours, AEAD_AES_128_GCM on OpenSSL EVP (the WebRTC fan-out's profile).</li>
 *   <li>{@code protectGcm128Gcrypt}: ours, AEAD_AES_128_GCM on libgcrypt (the default where it loads).</li>
 *   <li>{@code libsrtp2Direct}: baseline, {@code srtp_protect} called directly through the same binding with no
 *       context around it (one {@code ssrc_any_outbound} session). Target: {@code protect*} ≥ 1.0×.</li>
 *   <li>{@code jitsiSrtp}: baseline, jitsi-srtp's {@code SrtpCryptoContext.transformPacket} (its own OpenSSL
 *       JNI where it loads, else JCE). Target: ours ≥ 1.5×.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SrtpBenchmark {
    private static final int HEADER = 12;
    private static final int SSRC = 0x11223344;

    @Param({"160", "1200", "16384"})
    public int size;

    private byte[] master;
    private byte[] packet;
    private MemorySegment segment;
    private int length;
    private int seq;

    private SrtpContext jce;
    private SrtpContext libsrtp2;
    private SrtpContext gcm128;
    private SrtpContext gcm128OpenSsl;
    private SrtpContext gcm128Gcrypt;

    private Arena arena;
    private MemorySegment rawSession;
    private MemorySegment rawLength;

    private SrtpContextFactory jitsiFactory;
    private SrtpCryptoContext jitsi;
    private Buffer jitsiBuffer;

    @Setup
    public void setup() throws GeneralSecurityException {
        SplittableRandom r = new SplittableRandom(3711);
        master = new byte[30];
        r.nextBytes(master);
        length = HEADER + size;
        packet = new byte[length + 64];
        r.nextBytes(packet);
        packet[0] = (byte) 0x80;
        packet[1] = 96;
        packet[8] = (byte) (SSRC >>> 24);
        packet[9] = (byte) (SSRC >>> 16);
        packet[10] = (byte) (SSRC >>> 8);
        packet[11] = (byte) SSRC;
        segment = MemorySegment.ofArray(packet);
        SrtpProfile cm80 = SrtpProfile.AES_CM_128_HMAC_SHA1_80;
        jce = SrtpContext.builder(cm80, master, master).backend(SrtpBackend.JCE).build();
        libsrtp2 = SrtpContext.builder(cm80, master, master).backend(SrtpBackend.LIBSRTP2).build();
        byte[] gcmMaster = java.util.Arrays.copyOf(master, 28);
        gcm128 = SrtpContext.builder(SrtpProfile.AEAD_AES_128_GCM, gcmMaster, gcmMaster).backend(SrtpBackend.JCE)
                .build();
        gcm128OpenSsl = SrtpContext.builder(SrtpProfile.AEAD_AES_128_GCM, gcmMaster, gcmMaster)
                .backend(SrtpBackend.OPENSSL).build();
        gcm128Gcrypt = SrtpContext.builder(SrtpProfile.AEAD_AES_128_GCM, gcmMaster, gcmMaster)
                .backend(SrtpBackend.GCRYPT).build();

        arena = Arena.ofConfined();
        MemorySegment policy = arena.allocate(Srtp2.POLICY_SIZE, 8);
        Srtp2.setCryptoPolicy("cm80", policy.asSlice(Srtp2.POLICY_RTP, 24));
        Srtp2.setCryptoPolicy("cm80", policy.asSlice(Srtp2.POLICY_RTCP, 24));
        MemorySegment key = arena.allocate(30);
        MemorySegment.copy(master, 0, key, JAVA_BYTE, 0, 30);
        policy.set(ADDRESS, Srtp2.POLICY_KEY, key);
        policy.set(JAVA_LONG, Srtp2.POLICY_WINDOW_SIZE, 128);
        policy.set(JAVA_INT, Srtp2.POLICY_ALLOW_REPEAT_TX, 1);
        policy.set(JAVA_INT, Srtp2.POLICY_SSRC_TYPE, Srtp2.SSRC_ANY_OUTBOUND);
        MemorySegment out = arena.allocate(ADDRESS);
        if (Srtp2.create(out, policy) != 0) {
            throw new IllegalStateException("srtp_create failed");
        }
        rawSession = out.get(ADDRESS, 0);
        rawLength = arena.allocate(JAVA_INT);

        SrtpPolicy jitsiPolicy = new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, 16, SrtpPolicy.HMACSHA1_AUTHENTICATION,
                20, 10, 14);
        jitsiFactory = new SrtpContextFactory(true, java.util.Arrays.copyOf(master, 16),
                java.util.Arrays.copyOfRange(master, 16, 30), jitsiPolicy, jitsiPolicy,
                new LoggerImpl(SrtpBenchmark.class.getName()));
        jitsi = jitsiFactory.deriveContext(SSRC, 0);
        jitsiBuffer = new Buffer(packet);
    }

    @TearDown
    public void tearDown() {
        jce.close();
        libsrtp2.close();
        gcm128.close();
        gcm128OpenSsl.close();
        gcm128Gcrypt.close();
        Srtp2.dealloc(rawSession);
        arena.close();
        jitsiFactory.close();
    }

    private void nextSeq() {
        int s = ++seq;
        packet[2] = (byte) (s >>> 8);
        packet[3] = (byte) s;
    }

    @Benchmark
    public int protectJce() {
        nextSeq();
        return jce.sealRtp(segment, 0, length, packet.length);
    }

    @Benchmark
    public int protectLibsrtp2() {
        nextSeq();
        return libsrtp2.sealRtp(segment, 0, length, packet.length);
    }

    @Benchmark
    public int protectGcm128Jce() {
        nextSeq();
        return gcm128.sealRtp(segment, 0, length, packet.length);
    }

    @Benchmark
    public int protectGcm128OpenSsl() {
        nextSeq();
        return gcm128OpenSsl.sealRtp(segment, 0, length, packet.length);
    }

    @Benchmark
    public int protectGcm128Gcrypt() {
        nextSeq();
        return gcm128Gcrypt.sealRtp(segment, 0, length, packet.length);
    }

    @Benchmark
    public int libsrtp2Direct() {
        nextSeq();
        rawLength.set(JAVA_INT, 0, length);
        return Srtp2.protect(rawSession, segment, rawLength);
    }

    @Benchmark
    public SrtpErrorStatus jitsiSrtp() throws GeneralSecurityException {
        nextSeq();
        jitsiBuffer.setLength(length);
        return jitsi.transformPacket(jitsiBuffer);
    }

    /** jitsi-srtp's packet interface over our array (its RawPacket lives in libjitsi/jitsi-media-transform). */
    public static final class Buffer implements ByteArrayBuffer {
        private final byte[] buf;
        private int length;

        public Buffer(byte[] buf) {
            this.buf = buf;
        }

        @Override
        public byte[] getBuffer() {
            return buf;
        }

        @Override
        public int getOffset() {
            return 0;
        }

        @Override
        public int getLength() {
            return length;
        }

        @Override
        public void setLength(int len) {
            length = len;
        }

        @Override
        public void setOffset(int off) {
            if (off != 0) {
                throw new UnsupportedOperationException();
            }
        }

        @Override
        public boolean isInvalid() {
            return false;
        }

        @Override
        public void readRegionToBuff(int off, int len, byte[] out) {
            System.arraycopy(buf, off, out, 0, len);
        }

        @Override
        public void grow(int howMuch) {
            if (length + howMuch > buf.length) {
                throw new IllegalStateException("buffer too small");
            }
        }

        @Override
        public void append(byte[] data, int len) {
            System.arraycopy(data, 0, buf, length, len);
            length += len;
        }

        @Override
        public void shrink(int len) {
            length -= len;
        }
    }
}
