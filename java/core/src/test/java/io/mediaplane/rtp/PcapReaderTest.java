package io.mediaplane.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** PcapReader on hand-built captures of each format and link type; tcpdump captures are read in the CLI tests. */
class PcapReaderTest {
    private static final byte[] PAYLOAD = {(byte) 0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7, 42};

    /** IPv4 + UDP 5000 → 6000 around {@link #PAYLOAD}. */
    private static byte[] ipv4Udp() {
        ByteBuffer b = ByteBuffer.allocate(20 + 8 + PAYLOAD.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) b.capacity()).putInt(0).put((byte) 64).put((byte) 17)
                .putShort((short) 0).putInt(0x7F000001).putInt(0x7F000001);
        b.putShort((short) 5000).putShort((short) 6000).putShort((short) (8 + PAYLOAD.length)).putShort((short) 0);
        b.put(PAYLOAD);
        return b.array();
    }

    private static byte[] ipv6Udp() {
        ByteBuffer b = ByteBuffer.allocate(40 + 8 + PAYLOAD.length);
        b.putInt(0x6000_0000).putShort((short) (8 + PAYLOAD.length)).put((byte) 17).put((byte) 64);
        b.put(new byte[32]);
        b.putShort((short) 5000).putShort((short) 6000).putShort((short) (8 + PAYLOAD.length)).putShort((short) 0);
        b.put(PAYLOAD);
        return b.array();
    }

    private static byte[] ethernet(int ethertype, byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 + ip.length);
        b.put(new byte[12]).putShort((short) 0x8100).putShort((short) 5).putShort((short) ethertype).put(ip);
        return b.array();
    }

    private static byte[] pcap(ByteOrder order, boolean nanos, int linkType, byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(24).order(order);
        h.putInt(nanos ? 0xA1B23C4D : 0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(65535).putInt(linkType);
        out.writeBytes(h.array());
        int i = 0;
        for (byte[] f : frames) {
            ByteBuffer r = ByteBuffer.allocate(16).order(order);
            r.putInt(1_700_000_000 + i).putInt(nanos ? 123_456_789 : 123_456).putInt(f.length).putInt(f.length);
            out.writeBytes(r.array());
            out.writeBytes(f);
            i++;
        }
        return out.toByteArray();
    }

    private static void expectDatagrams(byte[] file, int count, long firstNanos) {
        PcapReader r = new PcapReader();
        assertThat(r.open(MemorySegment.ofArray(file))).isEqualTo(PacketStatus.OK);
        for (int i = 0; i < count; i++) {
            assertThat(r.next()).isTrue();
            assertThat(r.sourcePort()).isEqualTo(5000);
            assertThat(r.destinationPort()).isEqualTo(6000);
            assertThat(r.segment().asSlice(r.payloadOffset(), r.payloadLength())
                    .toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).isEqualTo(PAYLOAD);
            if (i == 0 && firstNanos >= 0) {
                assertThat(r.timestampNanos()).isEqualTo(firstNanos);
            }
        }
        assertThat(r.next()).isFalse();
        assertThat(r.status()).isEqualTo(PacketStatus.OK);
    }

    @Test
    void classicPcapEveryByteOrderAndResolution() {
        byte[] eth4 = ethernet(0x0800, ipv4Udp());
        byte[] eth6 = ethernet(0x86DD, ipv6Udp());
        expectDatagrams(pcap(ByteOrder.LITTLE_ENDIAN, false, 1, eth4, eth6), 2, 1_700_000_000_123_456_000L);
        expectDatagrams(pcap(ByteOrder.BIG_ENDIAN, true, 1, eth4), 1, 1_700_000_000_123_456_789L);
        expectDatagrams(pcap(ByteOrder.LITTLE_ENDIAN, false, 101, ipv4Udp(), ipv6Udp()), 2, -1);
        byte[] sll2 = ByteBuffer.allocate(20 + ipv4Udp().length).putShort((short) 0x0800).put(new byte[18])
                .put(ipv4Udp()).array();
        expectDatagrams(pcap(ByteOrder.LITTLE_ENDIAN, false, 276, sll2), 1, -1);
        byte[] loop = ByteBuffer.allocate(4 + ipv4Udp().length).order(ByteOrder.LITTLE_ENDIAN).putInt(2)
                .put(ipv4Udp()).array();
        expectDatagrams(pcap(ByteOrder.LITTLE_ENDIAN, false, 0, loop), 1, -1);
    }

    @Test
    void skipsWhatIsNotUdpAndStopsAtATruncatedRecord() {
        byte[] tcp = ipv4Udp();
        tcp[9] = 6;
        byte[] file = pcap(ByteOrder.LITTLE_ENDIAN, false, 101, tcp, ipv4Udp());
        PcapReader r = new PcapReader();
        r.open(MemorySegment.ofArray(file));
        assertThat(r.next()).isTrue();
        assertThat(r.skipped()).isEqualTo(1);
        byte[] cut = java.util.Arrays.copyOf(file, file.length - 3);
        r.open(MemorySegment.ofArray(cut));
        assertThat(r.next()).isFalse();
        assertThat(r.status()).isEqualTo(PacketStatus.BAD_LENGTH);
        assertThat(r.open(MemorySegment.ofArray(new byte[40]))).isEqualTo(PacketStatus.BAD_FORMAT);
    }

    @Test
    void pcapngWithNanosecondInterface() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        out.writeBytes(ByteBuffer.allocate(28).order(le).putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D)
                .putShort((short) 1).putShort((short) 0).putLong(-1).putInt(28).array());
        // IDB: Ethernet, if_tsresol = 9 (nanoseconds), end of options
        out.writeBytes(ByteBuffer.allocate(32).order(le).putInt(1).putInt(32).putShort((short) 1).putShort((short) 0)
                .putInt(0).putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3]).putInt(0)
                .putInt(32).array());
        byte[] frame = ethernet(0x0800, ipv4Udp());
        int padded = (frame.length + 3) & ~3;
        int len = 32 + padded;
        long ts = 1_700_000_000_987_654_321L;
        out.writeBytes(ByteBuffer.allocate(len).order(le).putInt(6).putInt(len).putInt(0).putInt((int) (ts >>> 32))
                .putInt((int) ts).putInt(frame.length).putInt(frame.length).put(frame).put(new byte[padded - frame.length])
                .putInt(len).array());
        expectDatagrams(out.toByteArray(), 1, ts);
    }
}
