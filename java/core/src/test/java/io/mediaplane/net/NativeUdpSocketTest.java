package io.mediaplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.ffi.Errno;
import io.mediaplane.ffi.MediaplaneNative;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The conformance suite on libmediaplane (sendmmsg/recvmmsg/UDP GSO), plus what only this backend has. */
class NativeUdpSocketTest extends UdpSocketConformance {

    @BeforeAll
    static void libmediaplaneIsLoaded() {
        // the build produces it, so its absence is a failure, not a reason to skip
        assertThat(MediaplaneNative.library().unavailabilityCause()).isEmpty();
    }

    @Override
    UdpSocket.Backend backend() {
        return UdpSocket.Backend.NATIVE;
    }

    @Override
    void assertSegmentationOffload(UdpSocket socket) {
        NativeUdpSocket s = (NativeUdpSocket) socket;
        int probe = s.segmentationProbeResult();
        assertThat(s.segmentationOffload())
                .withFailMessage("the kernel refused UDP_SEGMENT (udp(7)): getsockopt answered %s; %s",
                        probe == 0 ? "ENOPROTOOPT" : probe < 0 ? Errno.describe(probe) : "ok", s)
                .isTrue();
    }

    @Override
    boolean forcedBufferSizesHonoured() {
        try {
            return hasCapNetAdmin();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void segmentedSendIsOneGsoCallNotAnEmulation() throws IOException {
        UdpSocket receiver = openLoopback();
        UdpSocket sender = openLoopback();
        assertSegmentationOffload(sender);
        int r = sender.sendSegmented(MemorySegment.ofArray(new byte[8 * 1000]), 0, 8 * 1000, 1000,
                PeerAddress.of(receiver.localAddress()));
        assertThat(r).as(UdpStatus.describe(r)).isEqualTo(8);
        assertThat(sender.counters().segmentedSendsEmulated()).isZero();
    }

    /**
     * A batch's runs of equal-length datagrams to one destination (a fan-out's copies of several packets for one
     * viewer) leave as UDP GSO trains, the run's last datagram possibly shorter; the receivers still get every
     * datagram on its own, byte for byte, in order.
     */
    @Test
    void runsToOneDestinationLeaveAsTrainsAndArriveOneByOne() throws IOException {
        UdpSocket a = openLoopback();
        UdpSocket b = openLoopback();
        UdpSocket sender = openLoopback();
        assertSegmentationOffload(sender);
        PeerAddress toA = PeerAddress.of(a.localAddress());
        PeerAddress toB = PeerAddress.of(b.localAddress());
        // (destination, length) runs: trains are A 5x1000 + 400, A 2x1000, B 3x1000, B 2x500; A 1200 goes alone
        Object[][] runs = {{toA, 1000, 5}, {toA, 400, 1}, {toA, 1000, 2}, {toB, 1000, 3}, {toA, 1200, 1},
                {toB, 500, 2}};
        DatagramBatch out = DatagramBatch.allocateHeap(16, 1280);
        List<byte[]> forA = new ArrayList<>();
        List<byte[]> forB = new ArrayList<>();
        int slot = 0;
        for (Object[] run : runs) {
            for (int k = 0; k < (int) run[2]; k++) {
                byte[] p = payload(slot, (int) run[1]);
                put(out, slot++, p, (PeerAddress) run[0]);
                (run[0] == toA ? forA : forB).add(p);
            }
        }
        out.setCount(slot);
        assertThat(sender.sendBatch(out)).isEqualTo(slot);
        assertThat(sender.counters().trainsSent()).isEqualTo(4);
        assertThat(sender.counters().datagramsInTrains()).isEqualTo(6 + 2 + 3 + 2);
        assertThat(receiveAll(a, DatagramBatch.allocateHeap(16, 2048), forA.size(), new ArrayList<>()))
                .containsExactlyElementsOf(forA);
        assertThat(receiveAll(b, DatagramBatch.allocateHeap(16, 2048), forB.size(), new ArrayList<>()))
                .containsExactlyElementsOf(forB);
        assertThat(a.receiveBatch(DatagramBatch.allocateHeap(4, 2048))).isEqualTo(-Errno.EAGAIN);
    }

    /** A train holds at most 64 datagrams (the kernel's UDP_MAX_SEGMENTS before Linux 6.8) and 65,000 bytes. */
    @ParameterizedTest(name = "{0} x {1} bytes")
    @CsvSource({"70, 100", "60, 1200"}) // 64 + 6 datagrams; 54 + 6 (65,000 bytes hold 54 of 1,200)
    void longRunsAreCutIntoTrainsTheKernelTakes(int count, int length) throws IOException {
        UdpSocket receiver = openLoopback();
        UdpSocket sender = openLoopback();
        assertSegmentationOffload(sender);
        PeerAddress to = PeerAddress.of(receiver.localAddress());
        DatagramBatch out = DatagramBatch.allocateHeap(count, 1280);
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] p = payload(i, length);
            put(out, i, p, to);
            sent.add(p);
        }
        out.setCount(count);
        assertThat(sender.sendBatch(out)).isEqualTo(count);
        assertThat(sender.counters().trainsSent()).isEqualTo(2);
        assertThat(sender.counters().datagramsInTrains()).isEqualTo(count);
        assertThat(receiveAll(receiver, DatagramBatch.allocateHeap(64, 2048), count, new ArrayList<>()))
                .containsExactlyElementsOf(sent);
    }

    @Test
    void moreSegmentsThanTheKernelAllowsIsAnInvalidArgument() throws IOException {
        UdpSocket receiver = openLoopback();
        UdpSocket sender = openLoopback();
        // UDP_MAX_SEGMENTS is 64 or 128 depending on the kernel; 200 exceeds both
        int r = sender.sendSegmented(MemorySegment.ofArray(new byte[200 * 10]), 0, 200 * 10, 10,
                PeerAddress.of(receiver.localAddress()));
        assertThat(r).as(UdpStatus.describe(r)).isEqualTo(-Errno.EINVAL);
        assertThat(UdpStatus.of(r)).isEqualTo(UdpStatus.INVALID_ARGUMENT);
    }

    @Test
    void aClosedSocketsDescriptorIsReallyClosed() throws IOException {
        NativeUdpSocket s = (NativeUdpSocket) openLoopback();
        int fd = s.fd();
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/fd/" + fd))).isTrue();
        s.close();
        // the number may be reused by another thread at once; if so it is no longer our UDP socket
        java.nio.file.Path link = java.nio.file.Path.of("/proc/self/fd/" + fd);
        if (java.nio.file.Files.exists(link)) {
            assertThat(java.nio.file.Files.readSymbolicLink(link).toString()).doesNotStartWith("socket:");
        }
    }

    @Test
    void localAddressOfAWildcardSocketCarriesItsPort() throws IOException {
        UdpSocket s = open(new InetSocketAddress(0));
        assertThat(s.localAddress().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(s.localAddress().getPort()).isPositive();
    }
}
