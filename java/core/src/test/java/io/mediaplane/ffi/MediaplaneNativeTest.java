package io.mediaplane.ffi;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * libmediaplane's C functions called directly, below {@code io.mediaplane.net}: the address encoding, the
 * {@code -errno} convention for each error the Java side acts on, and batches/GSO with both heap memory (through
 * the critical downcalls) and native memory.
 */
class MediaplaneNativeTest {
    /** An fd number far above anything this process opens: not open, so the kernel answers EBADF. */
    private static final int NOT_AN_FD = 1_000_000;

    private Arena arena;
    private final int[] fds = new int[8];
    private int fdCount;

    @BeforeAll
    static void loaded() {
        assertThat(MediaplaneNative.library().unavailabilityCause()).isEmpty();
    }

    @BeforeEach
    void openArena() {
        arena = Arena.ofConfined();
    }

    @AfterEach
    void closeAll() {
        for (int i = 0; i < fdCount; i++) {
            assertThat(MediaplaneNative.udpClose(fds[i])).isZero();
        }
        arena.close();
    }

    private int open(int family) {
        int fd = MediaplaneNative.udpOpen(family, 0);
        assertThat(fd).as(Errno.describe(fd)).isNotNegative();
        fds[fdCount++] = fd;
        return fd;
    }

    /** 127.0.0.1:port in mediaplane.h's encoding. */
    private static byte[] loopback4(int port) {
        byte[] a = new byte[MediaplaneNative.ADDRESS_SIZE];
        a[0] = MediaplaneNative.FAMILY_IPV4;
        a[2] = (byte) (port >>> 8);
        a[3] = (byte) port;
        a[8] = 127;
        a[11] = 1;
        return a;
    }

    private static int port(byte[] encoded) {
        return ((encoded[2] & 0xFF) << 8) | (encoded[3] & 0xFF);
    }

    /** Opens an IPv4 socket bound to 127.0.0.1:0 and returns {fd, port}. */
    private int[] boundLoopback() {
        int fd = open(MediaplaneNative.FAMILY_IPV4);
        assertThat(MediaplaneNative.udpBind(fd, MemorySegment.ofArray(loopback4(0)))).isZero();
        byte[] local = new byte[MediaplaneNative.ADDRESS_SIZE];
        assertThat(MediaplaneNative.udpLocalAddress(fd, MemorySegment.ofArray(local))).isZero();
        assertThat(local[0]).isEqualTo((byte) MediaplaneNative.FAMILY_IPV4);
        assertThat(Arrays.copyOfRange(local, 8, 12)).containsExactly(127, 0, 0, 1);
        assertThat(port(local)).isPositive();
        return new int[] {fd, port(local)};
    }

    @Test
    void versionIsTheProjectVersion() {
        assertThat(MediaplaneNative.version()).isEqualTo("0.1.0");
        assertThat(MediaplaneNative.library().version()).contains("0.1.0");
    }

    @Test
    void everyCallOnANonSocketReturnsMinusEbadf() {
        MemorySegment addr = MemorySegment.ofArray(loopback4(9));
        MemorySegment ints = MemorySegment.ofArray(new int[4]);
        MemorySegment bytes = MemorySegment.ofArray(new byte[4096]);
        int ebadf = -Errno.EBADF;
        assertThat(MediaplaneNative.udpBind(NOT_AN_FD, addr)).isEqualTo(ebadf);
        assertThat(MediaplaneNative.udpConnect(NOT_AN_FD, addr)).isEqualTo(ebadf);
        assertThat(MediaplaneNative.udpLocalAddress(NOT_AN_FD, MemorySegment.ofArray(new byte[24]))).isEqualTo(ebadf);
        assertThat(MediaplaneNative.udpBufferSize(NOT_AN_FD, MediaplaneNative.BUFFER_RECEIVE)).isEqualTo(ebadf);
        assertThat(MediaplaneNative.udpSetBufferSize(NOT_AN_FD, MediaplaneNative.BUFFER_SEND, 1 << 16, true))
                .isEqualTo(ebadf);
        assertThat(MediaplaneNative.udpSegmentationSupported(NOT_AN_FD)).isEqualTo(ebadf);
        assertThat(MediaplaneNative.udpPoll(NOT_AN_FD, MediaplaneNative.POLL_IN, 0)).isEqualTo(ebadf);
        assertThat(MediaplaneNative.udpShutdown(NOT_AN_FD)).isEqualTo(ebadf);
        assertThat(MediaplaneNative.udpClose(NOT_AN_FD)).isEqualTo(ebadf);
        assertThat(MediaplaneNative.udpSendBatch(NOT_AN_FD, bytes, ints, ints, MemorySegment.NULL, 0, 1))
                .isEqualTo(ebadf);
        assertThat(MediaplaneNative.udpReceiveBatch(NOT_AN_FD, bytes, ints, ints, ints, ints, MemorySegment.NULL, 1))
                .isEqualTo(ebadf);
        assertThat(MediaplaneNative.udpSendSegmented(NOT_AN_FD, bytes, 0, 1000, 100, addr)).isEqualTo(ebadf);
        assertThat(MediaplaneNative.udpSendSegments(NOT_AN_FD, bytes, 0, 1000, 100, addr)).isEqualTo(ebadf);
    }

    @Test
    void badArgumentsAreRefusedWithTheirErrno() {
        assertThat(MediaplaneNative.udpOpen(5, 0)).isEqualTo(-Errno.EAFNOSUPPORT);
        assertThat(MediaplaneNative.udpOpen(MediaplaneNative.FAMILY_IPV4, 0x100)).isEqualTo(-Errno.EINVAL);
        int fd = open(MediaplaneNative.FAMILY_IPV4);
        byte[] unknownFamily = loopback4(0);
        unknownFamily[0] = 9;
        assertThat(MediaplaneNative.udpBind(fd, MemorySegment.ofArray(unknownFamily))).isEqualTo(-Errno.EAFNOSUPPORT);
        assertThat(MediaplaneNative.udpBind(fd, MemorySegment.ofArray(new byte[24]))).isEqualTo(-Errno.EDESTADDRREQ);
        byte[] v6 = new byte[24];
        v6[0] = MediaplaneNative.FAMILY_IPV6;
        v6[23] = 1; // ::1 on an IPv4 socket
        assertThat(MediaplaneNative.udpBind(fd, MemorySegment.ofArray(v6))).isEqualTo(-Errno.EAFNOSUPPORT);
        assertThat(MediaplaneNative.udpPoll(fd, 8, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(MediaplaneNative.udpBufferSize(fd, 7)).isEqualTo(-Errno.EINVAL);
        assertThat(MediaplaneNative.udpShutdown(fd)).isEqualTo(-Errno.ENOTCONN);
        MemorySegment one = MemorySegment.ofArray(new int[] {0});
        assertThat(MediaplaneNative.udpSendBatch(fd, MemorySegment.ofArray(new byte[8]), one, one,
                MemorySegment.NULL, 0, MediaplaneNative.BATCH_MAX + 1)).isEqualTo(-Errno.EINVAL);
        assertThat(MediaplaneNative.udpSendSegmented(fd, MemorySegment.ofArray(new byte[8]), 0, 8, 0,
                MemorySegment.NULL)).isEqualTo(-Errno.EINVAL);
    }

    @Test
    void sendingToPortZeroIsInvalidAndToNoAddressNeedsAConnection() {
        int[] s = boundLoopback();
        MemorySegment slab = MemorySegment.ofArray(new byte[64]);
        MemorySegment offsets = MemorySegment.ofArray(new int[] {0});
        MemorySegment lengths = MemorySegment.ofArray(new int[] {10});
        assertThat(MediaplaneNative.udpSendBatch(s[0], slab, offsets, lengths, MemorySegment.ofArray(loopback4(0)),
                0, 1)).isEqualTo(-Errno.EINVAL);
        assertThat(MediaplaneNative.udpSendBatch(s[0], slab, offsets, lengths, MemorySegment.NULL, 0, 1))
                .isEqualTo(-Errno.EDESTADDRREQ);
    }

    @Test
    void emptySocketAnswersEagainAndPollTimesOut() {
        int[] s = boundLoopback();
        MemorySegment ints = MemorySegment.ofArray(new int[] {0, 0});
        MemorySegment caps = MemorySegment.ofArray(new int[] {100, 100});
        assertThat(MediaplaneNative.udpReceiveBatch(s[0], MemorySegment.ofArray(new byte[200]), ints, caps, ints,
                ints, MemorySegment.NULL, 2)).isEqualTo(-Errno.EAGAIN);
        assertThat(MediaplaneNative.udpPoll(s[0], MediaplaneNative.POLL_IN, 0)).isZero();
        assertThat(MediaplaneNative.udpPoll(s[0], MediaplaneNative.POLL_IN, 20)).isZero();
        assertThat(MediaplaneNative.udpPoll(s[0], MediaplaneNative.POLL_OUT, 0)).isEqualTo(MediaplaneNative.POLL_OUT);
    }

    @Test
    void segmentationIsSupportedByThisKernel() {
        int fd = open(MediaplaneNative.FAMILY_IPV4);
        int r = MediaplaneNative.udpSegmentationSupported(fd);
        assertThat(r).withFailMessage("UDP_SEGMENT (udp(7)) probe answered %s",
                r == 0 ? "ENOPROTOOPT" : Errno.describe(r)).isEqualTo(1);
    }

    /**
     * GSO send of 32×1200 from one buffer, then one recvmmsg of all 32; heap arrays go through the critical
     * downcalls as they are, native ones as addresses.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void gsoSendOf32x1200IsReceivedAs32DatagramsByOneBatchReceive(boolean heap) {
        int[] rx = boundLoopback();
        int[] tx = boundLoopback();
        int total = 32 * 1200;
        MemorySegment data = heap ? MemorySegment.ofArray(new byte[total + 100]) : arena.allocate(total + 100);
        for (int i = 0; i < total; i++) {
            data.set(JAVA_BYTE, 100 + i, (byte) (i / 1200 * 13 + i));
        }
        int sent = MediaplaneNative.udpSendSegmented(tx[0], data, 100, total, 1200,
                MemorySegment.ofArray(loopback4(rx[1])));
        assertThat(sent).withFailMessage("UDP GSO send refused: %s", Errno.describe(sent)).isEqualTo(32);

        int slots = 40;
        MemorySegment slab = heap ? MemorySegment.ofArray(new byte[slots * 1500]) : arena.allocate(slots * 1500);
        MemorySegment offsets = ints(heap, slots);
        MemorySegment capacities = ints(heap, slots);
        MemorySegment lengths = ints(heap, slots);
        MemorySegment realLengths = ints(heap, slots);
        MemorySegment addresses = heap ? MemorySegment.ofArray(new byte[slots * 24]) : arena.allocate(slots * 24);
        for (int i = 0; i < slots; i++) {
            offsets.setAtIndex(JAVA_INT, i, i * 1500);
            capacities.setAtIndex(JAVA_INT, i, 1500);
        }
        int received = MediaplaneNative.udpReceiveBatch(rx[0], slab, offsets, capacities, lengths, realLengths,
                addresses, slots);
        assertThat(received).as(Errno.describe(received)).isEqualTo(32);
        for (int k = 0; k < 32; k++) {
            assertThat(lengths.getAtIndex(JAVA_INT, k)).isEqualTo(1200);
            assertThat(realLengths.getAtIndex(JAVA_INT, k)).isEqualTo(1200);
            assertThat(slab.asSlice(k * 1500L, 1200).mismatch(data.asSlice(100 + k * 1200L, 1200))).isEqualTo(-1);
            byte[] from = addresses.asSlice(k * 24L, 24).toArray(JAVA_BYTE);
            assertThat(from).isEqualTo(loopback4(tx[1]));
        }
    }

    private MemorySegment ints(boolean heap, int n) {
        return heap ? MemorySegment.ofArray(new int[n]) : arena.allocate(JAVA_INT, n);
    }

    @Test
    void gsoFallbackSendsTheSameDatagramsThroughSendmmsg() {
        int[] rx = boundLoopback();
        int[] tx = boundLoopback();
        byte[] data = new byte[2500];
        Arrays.fill(data, (byte) 0x5A);
        assertThat(MediaplaneNative.udpSendSegments(tx[0], MemorySegment.ofArray(data), 0, 2500, 1000,
                MemorySegment.ofArray(loopback4(rx[1])))).isEqualTo(3);
        int[] lengths = new int[4];
        int n = MediaplaneNative.udpReceiveBatch(rx[0], MemorySegment.ofArray(new byte[4 * 1000]),
                MemorySegment.ofArray(new int[] {0, 1000, 2000, 3000}),
                MemorySegment.ofArray(new int[] {1000, 1000, 1000, 1000}), MemorySegment.ofArray(lengths),
                MemorySegment.ofArray(new int[4]), MemorySegment.NULL, 4);
        assertThat(n).isEqualTo(3);
        assertThat(lengths).containsExactly(1000, 1000, 500, 0);
    }

    @Test
    void truncatedDatagramReportsStoredAndRealLengths() {
        int[] rx = boundLoopback();
        int[] tx = boundLoopback();
        byte[] data = new byte[900];
        MemorySegment dst = MemorySegment.ofArray(loopback4(rx[1]));
        assertThat(MediaplaneNative.udpSendBatch(tx[0], MemorySegment.ofArray(data),
                MemorySegment.ofArray(new int[] {0}), MemorySegment.ofArray(new int[] {900}), dst, 0, 1)).isEqualTo(1);
        int[] lengths = new int[1];
        int[] real = new int[1];
        assertThat(MediaplaneNative.udpReceiveBatch(rx[0], MemorySegment.ofArray(new byte[256]),
                MemorySegment.ofArray(new int[] {0}), MemorySegment.ofArray(new int[] {256}),
                MemorySegment.ofArray(lengths), MemorySegment.ofArray(real), MemorySegment.NULL, 1)).isEqualTo(1);
        assertThat(lengths[0]).isEqualTo(256);
        assertThat(real[0]).isEqualTo(900);
    }

    @Test
    void forcedReceiveBufferIgnoresRmemMaxWithCapNetAdminAndFallsBackWithout() throws Exception {
        int fd = open(MediaplaneNative.FAMILY_IPV4);
        // read as lines: procfs sysctl files answer EOF to any read not at offset 0
        int rmemMax = Integer.parseInt(java.nio.file.Files.readAllLines(
                java.nio.file.Path.of("/proc/sys/net/core/rmem_max")).getFirst().strip());
        int request = rmemMax * 2;
        int r = MediaplaneNative.udpSetBufferSize(fd, MediaplaneNative.BUFFER_RECEIVE, request, true);
        assertThat(r).isEqualTo(MediaplaneNative.udpBufferSize(fd, MediaplaneNative.BUFFER_RECEIVE));
        assertThat(r).isIn(2 * request, 2 * rmemMax); // forced (CAP_NET_ADMIN) or capped after EPERM
        assertThat(MediaplaneNative.udpSetBufferSize(fd, MediaplaneNative.BUFFER_RECEIVE, request, false))
                .isEqualTo(2 * rmemMax);
    }

    @Test
    void ipv6SocketIsDualStackAndReportsIpv4PeersAsIpv4() {
        int dual = open(MediaplaneNative.FAMILY_IPV6);
        byte[] any6 = new byte[24];
        any6[0] = MediaplaneNative.FAMILY_IPV6;
        assertThat(MediaplaneNative.udpBind(dual, MemorySegment.ofArray(any6))).isZero();
        byte[] local = new byte[24];
        assertThat(MediaplaneNative.udpLocalAddress(dual, MemorySegment.ofArray(local))).isZero();
        assertThat(local[0]).isEqualTo((byte) MediaplaneNative.FAMILY_IPV6);
        int[] v4 = boundLoopback();
        assertThat(MediaplaneNative.udpSendBatch(v4[0], MemorySegment.ofArray(new byte[10]),
                MemorySegment.ofArray(new int[] {0}), MemorySegment.ofArray(new int[] {10}),
                MemorySegment.ofArray(loopback4(port(local))), 0, 1)).isEqualTo(1);
        byte[] from = new byte[24];
        assertThat(MediaplaneNative.udpPoll(dual, MediaplaneNative.POLL_IN, 10_000)).isEqualTo(MediaplaneNative.POLL_IN);
        assertThat(MediaplaneNative.udpReceiveBatch(dual, MemorySegment.ofArray(new byte[64]),
                MemorySegment.ofArray(new int[] {0}), MemorySegment.ofArray(new int[] {64}),
                MemorySegment.ofArray(new int[1]), MemorySegment.ofArray(new int[1]), MemorySegment.ofArray(from), 1))
                .isEqualTo(1);
        assertThat(from).isEqualTo(loopback4(v4[1])); // ::ffff:127.0.0.1 arrives as family 4
    }

    @Test
    void errnoNamesAndTexts() {
        assertThat(Errno.name(Errno.EAGAIN)).isEqualTo("EAGAIN");
        assertThat(Errno.name(-Errno.EAGAIN)).isEqualTo("EAGAIN");
        assertThat(Errno.name(4095)).isEqualTo("errno 4095");
        assertThat(Errno.describe(-Errno.EMSGSIZE)).isEqualTo("EMSGSIZE (Message too long)");
        assertThat(Errno.fromStrerror("sendto failed: Message too long")).isEqualTo(Errno.EMSGSIZE);
        assertThat(Errno.fromStrerror("Too many open files in system")).isEqualTo(Errno.ENFILE);
        assertThat(Errno.fromStrerror("Too many open files")).isEqualTo(Errno.EMFILE);
        assertThat(Errno.fromStrerror("something else")).isZero();
        assertThat(Errno.fromStrerror(null)).isZero();
    }
}
