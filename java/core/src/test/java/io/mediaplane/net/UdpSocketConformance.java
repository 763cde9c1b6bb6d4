package io.mediaplane.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediaplane.ffi.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The behaviour every {@link UdpSocket} backend must share, run once per backend by its subclasses
 * ({@link NativeUdpSocketTest}, {@link NioUdpSocketTest}) and, where memory matters, once per {@link SlabKind}.
 * All traffic is on loopback. Nothing here asserts on speed; the only time bounds are a timeout's lower bound
 * and generous liveness limits on threads that must be woken.
 */
abstract class UdpSocketConformance {
    /** Long enough that a receive that should succeed never times out on a loaded machine. */
    static final Duration PATIENCE = Duration.ofSeconds(10);
    static final InetAddress LOOPBACK4 = InetAddress.getLoopbackAddress();

    final List<UdpSocket> sockets = new ArrayList<>();
    Arena arena;

    abstract UdpSocket.Backend backend();

    /** Native: UDP GSO must work on this machine's kernel; NIO: never offloads. */
    abstract void assertSegmentationOffload(UdpSocket socket);

    /** Whether {@code setReceiveBufferSize(n, true)} can exceed net.core.rmem_max with this backend here. */
    abstract boolean forcedBufferSizesHonoured();

    @BeforeEach
    void openArena() {
        arena = Arena.ofConfined();
    }

    @AfterEach
    void closeAll() {
        sockets.forEach(UdpSocket::close);
        arena.close();
    }

    UdpSocket open(InetSocketAddress bind) throws IOException {
        return open(bind, UdpSocketOptions.DEFAULTS);
    }

    UdpSocket open(InetSocketAddress bind, UdpSocketOptions options) throws IOException {
        UdpSocket s = UdpSocket.open(bind, options.withBackend(backend()));
        sockets.add(s);
        assertThat(s.backend()).isEqualTo(backend());
        return s;
    }

    UdpSocket openLoopback() throws IOException {
        return open(new InetSocketAddress(LOOPBACK4, 0));
    }

    /** Datagram {@code seq}'s content: its sequence number, then a pattern that differs per datagram. */
    static byte[] payload(int seq, int length) {
        byte[] p = new byte[length];
        for (int j = 0; j < length; j++) {
            p[j] = (byte) (seq * 31 + j * 7 + (j >> 8));
        }
        p[0] = (byte) (seq >>> 24);
        p[1] = (byte) (seq >>> 16);
        p[2] = (byte) (seq >>> 8);
        p[3] = (byte) seq;
        return p;
    }

    static int lengthOf(int seq) {
        return 100 + (seq * 37) % 1101; // 100..1200 bytes
    }

    static void put(DatagramBatch batch, int slot, byte[] bytes, PeerAddress to) {
        batch.slot(slot).copyFrom(MemorySegment.ofArray(bytes));
        batch.setLength(slot, bytes.length);
        batch.setAddress(slot, to);
    }

    /** Receives until {@code expected} datagrams arrived (each call may return a part), into consecutive lists. */
    static List<byte[]> receiveAll(UdpSocket socket, DatagramBatch batch, int expected, List<InetSocketAddress> senders) {
        List<byte[]> out = new ArrayList<>();
        while (out.size() < expected) {
            int n = socket.receiveBatch(batch, PATIENCE);
            assertThat(n).as("receive after %d of %d: %s", out.size(), expected, UdpStatus.describe(n)).isPositive();
            assertThat(batch.count()).isEqualTo(n);
            for (int i = 0; i < n; i++) {
                assertThat(batch.isTruncated(i)).isFalse();
                out.add(batch.datagram(i).toArray(JAVA_BYTE));
                senders.add(batch.socketAddress(i));
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(SlabKind.class)
    void batchesOf32ArriveByteForByteWithTheirSender(SlabKind kind) throws IOException {
        UdpSocket receiver = openLoopback();
        UdpSocket sender = openLoopback();
        PeerAddress to = PeerAddress.of(receiver.localAddress());
        DatagramBatch out = kind.batch(arena, 32, 1280);
        DatagramBatch in = kind.batch(arena, 64, 2048);
        int rounds = 8;
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < 32; i++) {
                int seq = round * 32 + i;
                put(out, i, payload(seq, lengthOf(seq)), to);
            }
            out.setCount(32);
            int sent = sender.sendBatch(out);
            assertThat(sent).as(UdpStatus.describe(sent)).isEqualTo(32);

            List<InetSocketAddress> senders = new ArrayList<>();
            List<byte[]> got = receiveAll(receiver, in, 32, senders);
            for (int i = 0; i < 32; i++) {
                int seq = round * 32 + i;
                assertThat(got.get(i)).as("datagram %d", seq).isEqualTo(payload(seq, lengthOf(seq)));
                assertThat(senders.get(i)).isEqualTo(sender.localAddress());
            }
        }
        assertThat(sender.counters().datagramsSent()).isEqualTo(32L * rounds);
        assertThat(receiver.counters().datagramsReceived()).isEqualTo(32L * rounds);
        assertThat(receiver.counters().datagramsTruncated()).isZero();
    }

    @ParameterizedTest
    @EnumSource(SlabKind.class)
    void ipv6LoopbackCarriesDatagramsAndSenderAddress(SlabKind kind) throws IOException {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        UdpSocket receiver = open(v6);
        UdpSocket sender = open(v6);
        PeerAddress to = PeerAddress.of(receiver.localAddress());
        assertThat(to.family()).isEqualTo(6);
        DatagramBatch out = kind.batch(arena, 32, 1280);
        for (int i = 0; i < 32; i++) {
            put(out, i, payload(i, lengthOf(i)), to);
        }
        out.setCount(32);
        assertThat(sender.sendBatch(out)).isEqualTo(32);
        DatagramBatch in = kind.batch(arena, 32, 1500);
        List<InetSocketAddress> senders = new ArrayList<>();
        List<byte[]> got = receiveAll(receiver, in, 32, senders);
        for (int i = 0; i < 32; i++) {
            assertThat(got.get(i)).isEqualTo(payload(i, lengthOf(i)));
            assertThat(senders.get(i)).isEqualTo(sender.localAddress());
        }
        assertThat(in.address(0).family()).isEqualTo(6);
    }

    @Test
    void dualStackSocketSeesIpv4PeersAsIpv4AndCanAnswerThem() throws IOException {
        UdpSocket dual = open(new InetSocketAddress(InetAddress.getByName("::"), 0));
        UdpSocket v4 = openLoopback();
        PeerAddress dualViaV4 = PeerAddress.of(new InetSocketAddress(LOOPBACK4, dual.localAddress().getPort()));
        DatagramBatch out = DatagramBatch.allocateHeap(4, 256);
        for (int i = 0; i < 4; i++) {
            put(out, i, payload(i, 200), dualViaV4);
        }
        out.setCount(4);
        assertThat(v4.sendBatch(out)).isEqualTo(4);

        DatagramBatch echo = DatagramBatch.allocateHeap(8, 256);
        List<InetSocketAddress> senders = new ArrayList<>();
        receiveAll(dual, echo, 4, senders);
        assertThat(senders).containsOnly(v4.localAddress());
        assertThat(echo.address(0)).isEqualTo(PeerAddress.of(v4.localAddress()));
        assertThat(echo.address(0).family()).isEqualTo(4);

        // the received batch goes back as it is: lengths and sender addresses become the sends
        assertThat(dual.sendBatch(echo)).isEqualTo(4);
        DatagramBatch back = DatagramBatch.allocateHeap(8, 256);
        List<byte[]> got = receiveAll(v4, back, 4, new ArrayList<>());
        for (int i = 0; i < 4; i++) {
            assertThat(got.get(i)).isEqualTo(payload(i, 200));
        }
        assertThat(back.port(0)).isEqualTo(dual.localAddress().getPort());
    }

    @ParameterizedTest
    @EnumSource(SlabKind.class)
    void connectedSocketSendsDatagramsWithoutAddresses(SlabKind kind) throws IOException {
        UdpSocket receiver = openLoopback();
        UdpSocket sender = openLoopback();
        sender.connect(receiver.localAddress());
        assertThat(sender.remoteAddress()).isEqualTo(receiver.localAddress());
        DatagramBatch out = kind.batch(arena, 16, 512);
        for (int i = 0; i < 16; i++) {
            put(out, i, payload(i, 300 + i), null);
        }
        out.setCount(16);
        assertThat(sender.sendBatch(out)).isEqualTo(16);
        List<byte[]> got = receiveAll(receiver, kind.batch(arena, 16, 512), 16, new ArrayList<>());
        for (int i = 0; i < 16; i++) {
            assertThat(got.get(i)).isEqualTo(payload(i, 300 + i));
        }
    }

    @Test
    void sendingFromTheMiddleOfABatchSendsExactlyThatRange() throws IOException {
        UdpSocket receiver = openLoopback();
        UdpSocket sender = openLoopback();
        PeerAddress to = PeerAddress.of(receiver.localAddress());
        DatagramBatch out = DatagramBatch.allocateHeap(10, 128);
        for (int i = 0; i < 10; i++) {
            put(out, i, payload(i, 64), to);
        }
        assertThat(sender.sendBatch(out, 3, 4)).isEqualTo(4);
        List<byte[]> got = receiveAll(receiver, DatagramBatch.allocateHeap(10, 128), 4, new ArrayList<>());
        for (int i = 0; i < 4; i++) {
            assertThat(got.get(i)).isEqualTo(payload(3 + i, 64));
        }
        assertThat(receiver.receiveBatch(DatagramBatch.allocateHeap(10, 128))).isEqualTo(-Errno.EAGAIN);
    }

    @ParameterizedTest
    @EnumSource(SlabKind.class)
    void segmentedSendOf32x1200ArrivesAs32Datagrams(SlabKind kind) throws IOException {
        UdpSocket receiver = openLoopback();
        UdpSocket sender = openLoopback();
        assertSegmentationOffload(sender);
        MemorySegment slab = kind == SlabKind.HEAP ? MemorySegment.ofArray(new byte[64 + 32 * 1200])
                : arena.allocate(64 + 32 * 1200);
        for (int k = 0; k < 32; k++) {
            MemorySegment.copy(MemorySegment.ofArray(payload(k, 1200)), 0, slab, 64 + k * 1200L, 1200);
        }
        int sent = sender.sendSegmented(slab, 64, 32 * 1200, 1200, PeerAddress.of(receiver.localAddress()));
        assertThat(sent).as(UdpStatus.describe(sent)).isEqualTo(32);

        DatagramBatch in = kind.batch(arena, 64, 2048);
        List<InetSocketAddress> senders = new ArrayList<>();
        List<byte[]> got = receiveAll(receiver, in, 32, senders);
        for (int k = 0; k < 32; k++) {
            assertThat(got.get(k)).as("segment %d", k).hasSize(1200).isEqualTo(payload(k, 1200));
        }
        assertThat(senders).containsOnly(sender.localAddress());
        assertThat(receiver.receiveBatch(in)).isEqualTo(-Errno.EAGAIN);
    }

    @Test
    void segmentedSendEndsWithAShorterDatagramAndWorksConnected() throws IOException {
        UdpSocket receiver = openLoopback();
        UdpSocket sender = openLoopback();
        sender.connect(receiver.localAddress());
        int total = 3 * 1000 + 500;
        byte[] data = payload(7, total);
        int sent = sender.sendSegmented(MemorySegment.ofArray(data), 0, total, 1000, null);
        assertThat(sent).as(UdpStatus.describe(sent)).isEqualTo(4);
        List<byte[]> got = receiveAll(receiver, DatagramBatch.allocateHeap(8, 1500), 4, new ArrayList<>());
        assertThat(got).extracting(b -> b.length).containsExactly(1000, 1000, 1000, 500);
        byte[] joined = new byte[total];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(got.get(i), 0, joined, i * 1000, got.get(i).length);
        }
        assertThat(joined).isEqualTo(data);
    }

    @ParameterizedTest
    @EnumSource(SlabKind.class)
    void datagramLargerThanItsSlotIsTruncatedAndReported(SlabKind kind) throws IOException {
        UdpSocket receiver = openLoopback();
        UdpSocket sender = openLoopback();
        PeerAddress to = PeerAddress.of(receiver.localAddress());
        DatagramBatch out = kind.batch(arena, 2, 1200);
        put(out, 0, payload(1, 1200), to);
        put(out, 1, payload(2, 300), to);
        out.setCount(2);
        assertThat(sender.sendBatch(out)).isEqualTo(2);

        DatagramBatch in = kind.batch(arena, 4, 500);
        int n = 0;
        while (n < 2) {
            int r = receiver.receiveBatch(in, PATIENCE);
            assertThat(r).as(UdpStatus.describe(r)).isPositive();
            for (int i = 0; i < r; i++, n++) {
                if (n == 0) {
                    assertThat(in.isTruncated(i)).isTrue();
                    assertThat(in.length(i)).isEqualTo(500);
                    assertThat(in.datagramLength(i)).isEqualTo(1200);
                    byte[] first500 = new byte[500];
                    System.arraycopy(payload(1, 1200), 0, first500, 0, 500);
                    assertThat(in.datagram(i).toArray(JAVA_BYTE)).isEqualTo(first500);
                } else {
                    assertThat(in.isTruncated(i)).isFalse();
                    assertThat(in.length(i)).isEqualTo(300);
                    assertThat(in.datagram(i).toArray(JAVA_BYTE)).isEqualTo(payload(2, 300));
                }
            }
        }
        assertThat(receiver.counters().datagramsTruncated()).isEqualTo(1);
        assertThat(receiver.counters().datagramsReceived()).isEqualTo(2);
    }

    @Test
    void receiveOnAnEmptySocketReturnsWouldBlockNowAndAfterTheTimeout() throws IOException {
        UdpSocket receiver = openLoopback();
        DatagramBatch in = DatagramBatch.allocateHeap(8, 1500);
        int now = receiver.receiveBatch(in);
        assertThat(now).isEqualTo(-Errno.EAGAIN);
        assertThat(UdpStatus.of(now)).isEqualTo(UdpStatus.WOULD_BLOCK);
        assertThat(in.count()).isZero();

        Duration timeout = Duration.ofMillis(50);
        long start = System.nanoTime();
        int later = receiver.receiveBatch(in, timeout);
        long waited = System.nanoTime() - start;
        assertThat(later).isEqualTo(-Errno.EAGAIN);
        assertThat(UdpStatus.of(later)).isEqualTo(UdpStatus.WOULD_BLOCK);
        // a lower bound: the receive honoured the timeout instead of returning at once
        assertThat(Duration.ofNanos(waited)).isGreaterThanOrEqualTo(timeout);
        assertThat(receiver.receiveBatch(in, Duration.ZERO)).isEqualTo(-Errno.EAGAIN);
        assertThat(receiver.counters().receiveFailures()).as("EAGAIN is not a failure").isEmpty();
    }

    @Test
    void timedReceiveReturnsWhenADatagramArrivesLater() throws Exception {
        UdpSocket receiver = openLoopback();
        UdpSocket sender = openLoopback();
        PeerAddress to = PeerAddress.of(receiver.localAddress());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> late = pool.submit(() -> {
                Thread.sleep(200);
                DatagramBatch out = DatagramBatch.allocateHeap(1, 64);
                put(out, 0, payload(9, 40), to);
                out.setCount(1);
                return sender.sendBatch(out);
            });
            DatagramBatch in = DatagramBatch.allocateHeap(4, 1500);
            int r = receiver.receiveBatch(in, Duration.ofSeconds(60));
            assertThat(r).as(UdpStatus.describe(r)).isEqualTo(1);
            assertThat(in.datagram(0).toArray(JAVA_BYTE)).isEqualTo(payload(9, 40));
            assertThat(late.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closedSocketReturnsClosedStatusAndClosingTwiceIsHarmless() throws IOException {
        UdpSocket socket = openLoopback();
        DatagramBatch batch = DatagramBatch.allocateHeap(4, 256);
        put(batch, 0, payload(0, 10), PeerAddress.of(socket.localAddress()));
        batch.setCount(1);
        socket.close();
        socket.close();
        assertThat(socket.isOpen()).isFalse();
        assertThat(socket.sendBatch(batch)).isEqualTo(-Errno.EBADF);
        assertThat(socket.receiveBatch(batch)).isEqualTo(-Errno.EBADF);
        assertThat(socket.receiveBatch(batch, Duration.ofSeconds(5))).isEqualTo(-Errno.EBADF);
        assertThat(socket.sendSegmented(batch.slab(), 0, 100, 50, null)).isEqualTo(-Errno.EBADF);
        assertThat(socket.awaitWritable(Duration.ofSeconds(5))).isEqualTo(-Errno.EBADF);
        assertThat(UdpStatus.of(socket.receiveBatch(batch))).isEqualTo(UdpStatus.CLOSED);
        assertThatThrownBy(socket::localAddress).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> socket.setReceiveBufferSize(1 << 16, false))
                .isInstanceOf(ClosedChannelException.class);
        assertThat(socket.counters().sendFailures(UdpStatus.CLOSED)).isEqualTo(2);
        assertThat(socket.counters().receiveFailures(UdpStatus.CLOSED)).isEqualTo(3);
    }

    @Test
    void closeWakesAThreadBlockedInATimedReceive() throws Exception {
        UdpSocket socket = openLoopback();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> blocked = pool.submit(
                    () -> socket.receiveBatch(DatagramBatch.allocateHeap(4, 256), Duration.ofMinutes(5)));
            Thread.sleep(300); // let it reach the wait; if it has not, it sees the closed socket at once anyway
            socket.close();
            // liveness, not speed: without the wake-up this would take the 5 minutes of the receive timeout
            assertThat(blocked.get(60, TimeUnit.SECONDS)).isEqualTo(-Errno.EBADF);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void openingAndClosing200SocketsLeaksNoFileDescriptors() throws IOException {
        exerciseAndClose(openLoopback()); // load every class and lazily opened resource first
        long before = openFileDescriptors();
        for (int i = 0; i < 200; i++) {
            InetSocketAddress bind = i % 2 == 0 ? new InetSocketAddress(LOOPBACK4, 0)
                    : new InetSocketAddress(InetAddress.getByName("::1"), 0);
            exerciseAndClose(UdpSocket.open(bind, UdpSocketOptions.DEFAULTS.withBackend(backend())));
        }
        assertThat(openFileDescriptors()).isEqualTo(before);
    }

    /** Uses every resource a socket may open lazily (NIO: selectors), then closes it. */
    private void exerciseAndClose(UdpSocket s) throws IOException {
        try (s) {
            DatagramBatch b = DatagramBatch.allocateHeap(2, 128);
            put(b, 0, payload(1, 20), PeerAddress.of(s.localAddress()));
            b.setCount(1);
            assertThat(s.sendBatch(b)).isEqualTo(1);
            assertThat(s.receiveBatch(b, PATIENCE)).isEqualTo(1);
            assertThat(s.receiveBatch(b, Duration.ofMillis(1))).isEqualTo(-Errno.EAGAIN);
            assertThat(s.awaitWritable(PATIENCE)).isEqualTo(1);
        }
    }

    static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void connectedSocketReportsPortUnreachableAsConnectionRefused() throws IOException {
        UdpSocket gone = openLoopback();
        InetSocketAddress nobody = gone.localAddress();
        gone.close();
        UdpSocket socket = openLoopback();
        socket.connect(nobody);
        DatagramBatch b = DatagramBatch.allocateHeap(2, 128);
        put(b, 0, payload(0, 20), null);
        b.setCount(1);
        assertThat(socket.sendBatch(b)).isEqualTo(1); // the ICMP error comes back afterwards (udp(7))
        int r = socket.receiveBatch(b, PATIENCE);
        assertThat(r).as(UdpStatus.describe(r)).isEqualTo(-Errno.ECONNREFUSED);
        assertThat(UdpStatus.of(r)).isEqualTo(UdpStatus.CONNECTION_REFUSED);
        assertThat(socket.counters().receiveFailures(UdpStatus.CONNECTION_REFUSED)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(SlabKind.class)
    void datagramOverTheUdpLimitIsRefusedWithMessageTooLarge(SlabKind kind) throws IOException {
        UdpSocket receiver = openLoopback();
        UdpSocket sender = openLoopback();
        DatagramBatch b = kind.batch(arena, 1, 70_000);
        b.setLength(0, 70_000);
        b.setAddress(0, PeerAddress.of(receiver.localAddress()));
        b.setCount(1);
        int r = sender.sendBatch(b);
        assertThat(r).as(UdpStatus.describe(r)).isEqualTo(-Errno.EMSGSIZE);
        assertThat(UdpStatus.of(r)).isEqualTo(UdpStatus.MESSAGE_TOO_LARGE);
        assertThat(sender.counters().sendFailures(UdpStatus.MESSAGE_TOO_LARGE)).isEqualTo(1);
    }

    @Test
    void datagramWithoutAddressOnAnUnconnectedSocketIsNotConnected() throws IOException {
        UdpSocket sender = openLoopback();
        DatagramBatch b = DatagramBatch.allocateHeap(1, 64);
        b.setLength(0, 10);
        b.setCount(1);
        int r = sender.sendBatch(b);
        assertThat(r).as(UdpStatus.describe(r)).isEqualTo(-Errno.EDESTADDRREQ);
        assertThat(UdpStatus.of(r)).isEqualTo(UdpStatus.NOT_CONNECTED);
    }

    @Test
    void bufferSizesAreSetAsLinuxReportsThem() throws IOException {
        // socket(7): the kernel doubles the value set, and caps it at net.core.rmem_max/wmem_max unless forced
        UdpSocket s = open(new InetSocketAddress(LOOPBACK4, 0),
                UdpSocketOptions.DEFAULTS.withReceiveBufferSize(1 << 19).withSendBufferSize(1 << 18));
        assertThat(s.receiveBufferSize()).isEqualTo(Math.min(2 << 19, 2 * sysctl("rmem_max")));
        assertThat(s.sendBufferSize()).isEqualTo(Math.min(2 << 18, 2 * sysctl("wmem_max")));
        assertThat(s.setReceiveBufferSize(1 << 16, false)).isEqualTo(2 << 16).isEqualTo(s.receiveBufferSize());
        assertThat(s.setSendBufferSize(1 << 16, false)).isEqualTo(2 << 16).isEqualTo(s.sendBufferSize());

        int big = 16 << 20; // above a typical net.core.rmem_max
        int expectedReceive = forcedBufferSizesHonoured() ? 2 * big : Math.min(2 * big, 2 * sysctl("rmem_max"));
        int expectedSend = forcedBufferSizesHonoured() ? 2 * big : Math.min(2 * big, 2 * sysctl("wmem_max"));
        assertThat(s.setReceiveBufferSize(big, true)).isEqualTo(expectedReceive);
        assertThat(s.setSendBufferSize(big, true)).isEqualTo(expectedSend);
    }

    /** A net.core sysctl. Read as lines: procfs sysctl files answer EOF to any read not at offset 0. */
    static int sysctl(String name) throws IOException {
        return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/core", name)).getFirst().strip());
    }

    /** Whether this process holds CAP_NET_ADMIN (bit 12 of CapEff, capabilities(7)), which SO_RCVBUFFORCE needs. */
    static boolean hasCapNetAdmin() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 12)) != 0;
            }
        }
        return false;
    }

    @Test
    void aFreshSocketIsWritable() throws IOException {
        assertThat(openLoopback().awaitWritable(PATIENCE)).isEqualTo(1);
    }

    @Test
    void bindingATakenPortFailsWithBindExceptionUnlessPortsAreShared() throws IOException {
        UdpSocket first = openLoopback();
        InetSocketAddress taken = first.localAddress();
        assertThatThrownBy(() -> open(taken)).isInstanceOf(BindException.class);

        UdpSocketOptions shared = UdpSocketOptions.DEFAULTS.withReusePort(true);
        UdpSocket a = open(new InetSocketAddress(LOOPBACK4, 0), shared);
        UdpSocket b = open(a.localAddress(), shared);
        assertThat(b.localAddress()).isEqualTo(a.localAddress());
    }

    @Test
    void misuseThrowsInsteadOfReachingTheKernel() throws IOException {
        UdpSocket s = openLoopback();
        DatagramBatch b = DatagramBatch.allocateHeap(4, 100);
        assertThatThrownBy(() -> s.sendBatch(b, 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> s.sendBatch(b, -1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        DatagramBatch readOnly = DatagramBatch.ofSlots(MemorySegment.ofArray(new byte[400]).asReadOnly(), 4, 100);
        assertThatThrownBy(() -> s.receiveBatch(readOnly)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.receiveBatch(b, Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.sendSegmented(b.slab(), 300, 200, 50, null))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> s.sendSegmented(b.slab(), 0, 200, 0, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
