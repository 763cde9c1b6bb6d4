package io.mediaplane.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/** The conformance suite on the pure-Java {@link java.nio.channels.DatagramChannel} fallback. */
class NioUdpSocketTest extends UdpSocketConformance {

    @Override
    UdpSocket.Backend backend() {
        return UdpSocket.Backend.NIO;
    }

    @Override
    void assertSegmentationOffload(UdpSocket socket) {
        assertThat(socket.segmentationOffload()).isFalse();
    }

    @Override
    boolean forcedBufferSizesHonoured() {
        return false; // the JDK has no SO_RCVBUFFORCE
    }

    @Test
    void segmentedSendIsEmulatedAndCounted() throws IOException {
        UdpSocket receiver = openLoopback();
        UdpSocket sender = openLoopback();
        int r = sender.sendSegmented(MemorySegment.ofArray(new byte[3000]), 0, 3000, 1000,
                PeerAddress.of(receiver.localAddress()));
        assertThat(r).isEqualTo(3);
        assertThat(sender.counters().segmentedSendsEmulated()).isEqualTo(1);
    }

    @Test
    void ipv6OnlyIsRefusedAsConfiguration() {
        assertThatThrownBy(() -> open(new InetSocketAddress(InetAddress.getByName("::1"), 0),
                UdpSocketOptions.DEFAULTS.withIpv6Only(true)))
                .isInstanceOf(SocketException.class).hasMessageContaining("IPV6_V6ONLY");
    }
}
