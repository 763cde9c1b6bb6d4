package io.mediaplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.ffi.Errno;
import io.mediaplane.ffi.MediaplaneNative;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
