package io.mediaplane.net;

import io.mediaplane.bench.SrtpBenchmark;
import io.mediaplane.crypto.SrtpKeyingMaterial;
import io.mediaplane.crypto.SrtpProfile;
import io.mediaplane.rtp.RtpHeader;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.srtp.crypto.Aes;
import org.jitsi.utils.logging2.LoggerImpl;
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
 * The fan-out's batch, per datagram: one publisher packet (1200 bytes of RTP) written into a slot once per viewer
 * with that viewer's header (its SSRC, sequence number and timestamp, as {@code ViewerSession} rewrites them),
 * sealed in place with that viewer's own AEAD_AES_128_GCM context (the profile browsers negotiate), 64 slots per
 * sendmmsg(2). One operation is one viewer's datagram; after the last viewer of a packet the batch is flushed (as
 * {@code FanOut} does), so with 64 or 256 viewers every system call carries 64 datagrams.
 *
 * <ul>
 *   <li>{@code fillSeal}: the in-memory part, fill + {@link PeerTransport#seal} (under the transport's lock) + the
 *       slot's length and address, as {@link SrtpSendBatch#add} does, without sending.</li>
 *   <li>{@code fillSealJitsi}: baseline for the in-memory part, the same fill into a byte array and jitsi-srtp's
 *       {@code SrtpCryptoContext.transformPacket} with a context per viewer (AES-GCM in its OpenSSL JNI, pinned:
 *       left alone it times its implementations at start-up and picks SunJCE in some forks).</li>
 *   <li>{@code fillSealSendBatch}: fill + {@link SrtpSendBatch#add} + {@link SrtpSendBatch#flush} to {@code viewers}
 *       loopback sockets.</li>
 *   <li>{@code fillSealSendChannel}: baseline for the send, the classic Java way: the same fill and seal, then one
 *       blocking {@link DatagramChannel#send} per datagram to the viewer's {@link InetSocketAddress}.</li>
 * </ul>
 *
 * <p>The transports are keyed directly with random master keys (no DTLS handshake: the seal is the same whatever the
 * keys' origin). The viewers are plain UDP sockets with 4 MiB receive buffers, drained by one thread that reads
 * every socket without blocking and parks 50 µs after a pass that found nothing: nobody waits in poll(2), so the
 * sender pays the receivers' UDP input (loopback runs it in the sender's system call) but no wake-ups. What was
 * sent and what arrived is printed per trial.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SrtpSendBatchBenchmark {
    /** RTP bytes per datagram before sealing: a video packet of MTU size. */
    static final int RTP_LENGTH = 1200;
    static final int SLOTS = 64;
    static final int SLOT_CAPACITY = 1600;
    private static final int PAYLOAD_TYPE = 96;

    @Param({"64", "256"})
    public int viewers;

    private byte[] payload;
    private MemorySegment payloadSegment;
    private int viewer;
    private int packet;
    private int[] ssrc;
    private int[] timestampOffset;

    private MediaPort server;
    private PeerTransport[] transports;
    private SrtpSendBatch batch;
    private DatagramBatch memory;

    private UdpSocket[] receivers;
    private Thread drainer;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong received = new AtomicLong();

    private DatagramChannel channel;
    private InetSocketAddress[] to;
    private ByteBuffer[] slotBuffers;
    private long channelSent;

    private SrtpContextFactory[] jitsiFactories;
    private SrtpCryptoContext[] jitsi;
    private SrtpBenchmark.Buffer[] jitsiSlots;
    private MemorySegment[] jitsiSegments;

    @Setup(Level.Trial)
    public void setup() throws IOException, GeneralSecurityException {
        SplittableRandom r = new SplittableRandom(7714);
        payload = new byte[RTP_LENGTH - RtpHeader.FIXED_LENGTH];
        r.nextBytes(payload);
        payloadSegment = MemorySegment.ofArray(payload);
        ssrc = new int[viewers];
        timestampOffset = new int[viewers];
        for (int v = 0; v < viewers; v++) {
            ssrc[v] = r.nextInt();
            timestampOffset[v] = r.nextInt();
        }

        InetSocketAddress lo = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        UdpSocketOptions big = UdpSocketOptions.DEFAULTS.withReceiveBufferSize(4 << 20).withSendBufferSize(4 << 20);
        receivers = new UdpSocket[viewers];
        to = new InetSocketAddress[viewers];
        for (int v = 0; v < viewers; v++) {
            receivers[v] = UdpSocket.open(lo, big);
            to[v] = receivers[v].localAddress();
        }
        server = MediaPort.open(lo, MediaPortOptions.defaults().withConsentTimeout(Duration.ofHours(1))
                .withHandshakeTimeout(Duration.ofHours(1)).withSocket(big));
        // no handshake runs, so any fingerprint does (and no certificate is made: this jar's BouncyCastle is the
        // jitsi-srtp baseline's, older than the one DtlsCertificate is built against)
        byte[] notACertificate = new byte[64];
        r.nextBytes(notACertificate);
        DtlsFingerprint viewerFingerprint = DtlsFingerprint.of("sha-256", notACertificate);
        transports = new PeerTransport[viewers];
        jitsiFactories = new SrtpContextFactory[viewers];
        jitsi = new SrtpCryptoContext[viewers];
        // jitsi-srtp picks its AES implementation by timing each once at start-up, which on a loaded machine
        // sometimes picks SunJCE; pinned to its OpenSSL JNI (its choice on a quiet machine) so forks compare
        String jitsiAes = jitsiOpenSsl();
        if (jitsiAes.equals("true")) {
            Aes.setFactoryClassName(Aes.class.getName() + "$OpenSSLCipherFactory");
        }
        SrtpProfile gcm = SrtpProfile.AEAD_AES_128_GCM;
        SrtpPolicy jitsiGcm = new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, gcm.keyLength(),
                SrtpPolicy.NULL_AUTHENTICATION, 0, 16, gcm.saltLength());
        for (int v = 0; v < viewers; v++) {
            PeerTransport t = server.register(new TransportConfig(IceCredentials.random(), IceCredentials.random(),
                    DtlsRole.SERVER, viewerFingerprint, TransportConfig.DEFAULT_SRTP_PROFILES), new Ignore());
            t.onBindingRequest(PeerAddress.of(to[v]), true, System.nanoTime());
            byte[] key = new byte[gcm.keyLength()];
            byte[] salt = new byte[gcm.saltLength()];
            r.nextBytes(key);
            r.nextBytes(salt);
            // as the DTLS server we seal with the server key and salt (RFC 5764 §4.2)
            t.onDtlsConnected(new SrtpKeyingMaterial(gcm, new byte[key.length], new byte[salt.length], key, salt));
            if (t.state() != TransportState.CONNECTED) {
                throw new IllegalStateException("transport " + v + " is " + t.state());
            }
            transports[v] = t;
            jitsiFactories[v] = new SrtpContextFactory(true, key, salt, jitsiGcm, jitsiGcm,
                    new LoggerImpl(SrtpSendBatchBenchmark.class.getName()));
            jitsi[v] = jitsiFactories[v].deriveContext(ssrc[v], 0);
        }
        batch = new SrtpSendBatch(server, SLOTS, SLOT_CAPACITY);
        memory = DatagramBatch.allocateHeap(SLOTS, SLOT_CAPACITY);
        byte[] memoryArray = (byte[]) memory.slab().heapBase().orElseThrow();
        slotBuffers = new ByteBuffer[SLOTS];
        jitsiSlots = new SrtpBenchmark.Buffer[SLOTS];
        jitsiSegments = new MemorySegment[SLOTS];
        for (int i = 0; i < SLOTS; i++) {
            slotBuffers[i] = ByteBuffer.wrap(memoryArray, memory.offset(i), SLOT_CAPACITY).slice();
            byte[] slot = new byte[SLOT_CAPACITY];
            jitsiSlots[i] = new SrtpBenchmark.Buffer(slot);
            jitsiSegments[i] = MemorySegment.ofArray(slot);
        }

        channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
        channel.bind(lo);

        drainer = Thread.ofPlatform().daemon().name("drain").start(this::drain);
        System.out.println();
        System.out.println("jitsi-srtp OpenSSL JNI loaded (its AES pinned to it): " + jitsiAes);
    }

    private static String jitsiOpenSsl() {
        try {
            Class<?> c = Class.forName("org.jitsi.srtp.crypto.JitsiOpenSslProvider");
            return String.valueOf(c.getMethod("isLoaded").invoke(null));
        } catch (ReflectiveOperationException | LinkageError e) {
            return "unknown (" + e + ")";
        }
    }

    /** Reads every viewer socket without blocking; parks briefly after a pass that found nothing. */
    private void drain() {
        DatagramBatch in = DatagramBatch.allocateHeap(SLOTS, 2048);
        while (!stop.get()) {
            long got = 0;
            for (UdpSocket s : receivers) {
                int k;
                while ((k = s.receiveBatch(in)) > 0) {
                    got += k;
                }
            }
            if (got == 0) {
                LockSupport.parkNanos(50_000);
            } else {
                received.addAndGet(got);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException {
        long sent = batch.count(SendStatus.SENT) + channelSent;
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (received.get() < sent && System.nanoTime() < deadline) {
            Thread.sleep(10); // let the drainer catch up with what is still queued
        }
        System.out.printf("%nsent %d datagrams (batch: %d in %d sendmmsg calls, %d full waits, %d dropped; channel: %d),"
                        + " %d arrived%n", sent, batch.count(SendStatus.SENT), batch.systemCalls(), batch.fullWaits(),
                batch.count(SendStatus.SOCKET_ERROR), channelSent, received.get());
        stop.set(true);
        drainer.join();
        channel.close();
        server.close();
        for (UdpSocket s : receivers) {
            s.close();
        }
        for (SrtpContextFactory f : jitsiFactories) {
            f.close();
        }
    }

    /** The next viewer; a new publisher packet after the last one. */
    private int nextViewer() {
        int v = viewer;
        if (++viewer == viewers) {
            viewer = 0;
            packet++;
        }
        return v;
    }

    /** Viewer {@code v}'s copy of the current packet at {@code at} of {@code s}: its header, the shared payload. */
    private int fill(MemorySegment s, long at, int v) {
        int h = RtpHeader.write(s, at, false, PAYLOAD_TYPE, packet & 0xFFFF, packet * 3000 + timestampOffset[v],
                ssrc[v]);
        MemorySegment.copy(payloadSegment, 0, s, at + h, payload.length);
        return h + payload.length;
    }

    @Benchmark
    public int fillSeal() {
        int v = nextViewer();
        int slot = v % SLOTS;
        int at = memory.offset(slot);
        int length = fill(memory.slab(), at, v);
        int sealed = transports[v].seal(memory.slab(), at, length, SLOT_CAPACITY, false);
        memory.setLength(slot, sealed);
        memory.setAddress(slot, transports[v].remoteAddress());
        return sealed;
    }

    @Benchmark
    public SrtpErrorStatus fillSealJitsi() throws GeneralSecurityException {
        int v = nextViewer();
        SrtpBenchmark.Buffer b = jitsiSlots[v % SLOTS];
        b.setLength(fill(jitsiSegments[v % SLOTS], 0, v));
        return jitsi[v].transformPacket(b);
    }

    @Benchmark
    public SendStatus fillSealSendBatch() {
        int v = nextViewer();
        int at = batch.nextOffset();
        SendStatus s = batch.add(transports[v], fill(batch.slab(), at, v), false);
        if (viewer == 0) {
            batch.flush(); // the packet's last viewer
        }
        return s;
    }

    @Benchmark
    public int fillSealSendChannel() throws IOException {
        int v = nextViewer();
        int slot = v % SLOTS;
        int at = memory.offset(slot);
        int length = fill(memory.slab(), at, v);
        int sealed = transports[v].seal(memory.slab(), at, length, SLOT_CAPACITY, false);
        ByteBuffer b = slotBuffers[slot];
        b.clear().limit(sealed);
        int n = channel.send(b, to[v]);
        channelSent++;
        return n;
    }

    private static final class Ignore implements TransportListener {
        @Override
        public void onRtp(PeerTransport transport, MemorySegment packet, long offset, int length) {}

        @Override
        public void onRtcp(PeerTransport transport, MemorySegment packet, long offset, int length) {}
    }
}
