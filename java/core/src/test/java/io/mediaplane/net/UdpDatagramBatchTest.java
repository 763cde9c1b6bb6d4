package io.mediaplane.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** {@link DatagramBatch} layout and bounds, and the {@link PeerAddress} encoding libmediaplane reads. */
class UdpDatagramBatchTest {

    @Test
    void slotsAreLaidOutAtAFixedStrideWithHeadroomAndTailroom() {
        DatagramBatch b = DatagramBatch.ofSlots(MemorySegment.ofArray(new byte[4 * 1500]), 4, 1500, 32, 64);
        assertThat(b.slotCount()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(b.offset(i)).isEqualTo(i * 1500 + 32);
            assertThat(b.slotCapacity(i)).isEqualTo(1500 - 32 - 64);
            assertThat(b.slot(i).byteSize()).isEqualTo(1500 - 32 - 64);
        }
        b.setSlot(2, 3000, 1500);
        b.setLength(2, 1500);
        assertThat(b.datagram(2).byteSize()).isEqualTo(1500);
        b.setCount(3);
        b.resetSlots();
        assertThat(b.offset(2)).isEqualTo(2 * 1500 + 32);
        assertThat(b.length(2)).isZero();
        assertThat(b.count()).isZero();
    }

    @Test
    void everyOffsetAndLengthIsCheckedAgainstTheSlab() {
        MemorySegment slab = MemorySegment.ofArray(new byte[1000]);
        assertThatThrownBy(() -> DatagramBatch.ofSlots(slab, 11, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DatagramBatch.ofSlots(slab, 0, 100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DatagramBatch.ofSlots(slab, 2, 100, 50, 50))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DatagramBatch.allocateHeap(DatagramBatch.MAX_SLOTS + 1, 10))
                .isInstanceOf(IllegalArgumentException.class);
        DatagramBatch b = DatagramBatch.ofSlots(slab, 10, 100);
        assertThatThrownBy(() -> b.setLength(0, 101)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> b.setLength(0, -1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> b.setSlot(0, 950, 51)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> b.setSlot(0, -1, 10)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> b.setCount(11)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> b.setAddress(10, null)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void nativeSlabsComeFromTheGivenArena() {
        try (Arena arena = Arena.ofConfined()) {
            DatagramBatch b = DatagramBatch.allocateNative(arena, 8, 1280);
            assertThat(b.slab().isNative()).isTrue();
            assertThat(b.slab().byteSize()).isEqualTo(8 * 1280);
            assertThat(b.slab().address() % 64).isZero();
        }
    }

    @Test
    void ipv4AddressEncodesAsMediaplaneHDescribes() throws UnknownHostException {
        PeerAddress a = PeerAddress.of(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 0x1234));
        DatagramBatch b = DatagramBatch.allocateHeap(2, 16);
        b.setAddress(1, a);
        byte[] expected = new byte[24];
        expected[0] = 4;
        expected[2] = 0x12;
        expected[3] = 0x34;
        expected[8] = (byte) 192;
        expected[9] = 0;
        expected[10] = 2;
        expected[11] = 7;
        byte[] actual = new byte[24];
        System.arraycopy(b.addresses, 24, actual, 0, 24);
        assertThat(actual).isEqualTo(expected);
        assertThat(b.port(1)).isEqualTo(0x1234);
        assertThat(b.address(1)).isEqualTo(a);
        assertThat(b.addressEquals(1, a)).isTrue();
        assertThat(b.address(0)).isNull();
        assertThat(b.socketAddress(0)).isNull();
        assertThat(a.toString()).isEqualTo("192.0.2.7:4660");
    }

    @Test
    void ipv6AddressKeepsItsScopeAndMappedIpv4BecomesIpv4() throws UnknownHostException {
        InetAddress linkLocal = java.net.Inet6Address.getByAddress(null,
                InetAddress.getByName("fe80::1").getAddress(), 3);
        PeerAddress a = PeerAddress.of(new InetSocketAddress(linkLocal, 443));
        assertThat(a.family()).isEqualTo(6);
        assertThat(a.toSocketAddress()).isEqualTo(new InetSocketAddress(linkLocal, 443));
        assertThat(((java.net.Inet6Address) a.toSocketAddress().getAddress()).getScopeId()).isEqualTo(3);
        assertThat(a.toString()).isEqualTo("[fe80:0:0:0:0:0:0:1%3]:443");

        // the JDK turns ::ffff:a.b.c.d into an Inet4Address, so one peer has one encoding
        PeerAddress mapped = PeerAddress.of(InetAddress.getByName("::ffff:127.0.0.1"), 9);
        assertThat(mapped).isEqualTo(PeerAddress.of(InetAddress.getByName("127.0.0.1"), 9));
        assertThat(mapped.family()).isEqualTo(4);
    }

    @Test
    void unresolvedOrOutOfRangeAddressesAreRefused() {
        assertThatThrownBy(() -> PeerAddress.of(InetSocketAddress.createUnresolved("example.org", 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerAddress.of(InetAddress.getLoopbackAddress(), 65536))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statusesComeFromTheErrno() {
        assertThat(UdpStatus.of(5)).isEqualTo(UdpStatus.OK);
        assertThat(UdpStatus.of(0)).isEqualTo(UdpStatus.OK);
        assertThat(UdpStatus.of(-11)).isEqualTo(UdpStatus.WOULD_BLOCK);
        assertThat(UdpStatus.of(-9)).isEqualTo(UdpStatus.CLOSED);
        assertThat(UdpStatus.of(-111)).isEqualTo(UdpStatus.CONNECTION_REFUSED);
        assertThat(UdpStatus.of(-90)).isEqualTo(UdpStatus.MESSAGE_TOO_LARGE);
        assertThat(UdpStatus.of(-92)).isEqualTo(UdpStatus.UNSUPPORTED);
        assertThat(UdpStatus.of(-5000)).isEqualTo(UdpStatus.OTHER);
        assertThat(UdpStatus.describe(-11)).isEqualTo("WOULD_BLOCK: EAGAIN (Resource temporarily unavailable)");
    }
}
