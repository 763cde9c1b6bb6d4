package io.mediaplane.bench;

import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
 * Decides the default slab kind of {@link PacketPool}: the per-packet work that dominates is an AES-GCM seal
 * (JCE), so seal a 1200-byte payload from one pooled slot into another with the slab on the heap or native.
 * Also measures acquire + release, the pool's own cost per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PacketPoolBenchmark {
    @Param({"HEAP", "NATIVE"})
    public String memory;

    @Param({"160", "1200"})
    public int payload;

    private PacketPool pool;
    private PacketBuffer in;
    private PacketBuffer out;
    private ByteBuffer inView;
    private ByteBuffer outView;
    private Cipher cipher;
    private SecretKeySpec key;
    private final byte[] iv = new byte[12];
    private final byte[] aad = new byte[12];
    private long counter;

    @Setup
    public void setUp() throws Exception {
        pool = memory.equals("HEAP") ? PacketPool.heap(64, 1500) : PacketPool.nativeMemory(64, 1500);
        in = pool.acquire();
        in.length(payload);
        out = pool.acquire();
        out.length(payload + 16);
        inView = in.segment().asSlice(in.offset(), payload).asByteBuffer();
        outView = out.segment().asSlice(out.offset(), payload + 16).asByteBuffer();
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
        key = new SecretKeySpec(new byte[32], "AES");
    }

    @TearDown
    public void tearDown() {
        in.release();
        out.release();
        pool.close();
    }

    @Benchmark
    public int aesGcmSeal() throws Exception {
        long n = ++counter; // a fresh IV per packet, as every transport cipher does
        iv[0] = (byte) (n >>> 24);
        iv[1] = (byte) (n >>> 16);
        iv[2] = (byte) (n >>> 8);
        iv[3] = (byte) n;
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        cipher.updateAAD(aad);
        inView.clear();
        outView.clear();
        return cipher.doFinal(inView, outView);
    }

    @Benchmark
    public PacketBuffer acquireRelease() {
        PacketBuffer b = pool.acquire();
        b.release();
        return b;
    }
}
