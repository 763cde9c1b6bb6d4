package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.rtp.RtpExtensionWriter;
import io.mediaplane.rtp.RtpExtensions;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Packetizers leave room for RFC 8285 header extensions written per packet, and still copy the payload once. */
class HeaderExtensionTest {
    private static final int TWCC = 3;

    @Test
    void everyPacketCarriesTheExtensionAndTheAccessUnitsSurvive() {
        Random r = new Random(8285);
        List<byte[]> aus = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            aus.add(H264TestStreams.annexB(H264TestStreams.randomAccessUnit(r, i % 10 == 0, 5000)));
        }
        List<byte[]> packets = new ArrayList<>();
        RtpExtensionWriter ext = new RtpExtensionWriter();
        int[] transportSeq = {100};
        try (PacketPool pool = PacketPool.heap(4, 1500)) {
            H264Packetizer p = new H264Packetizer(pool, b -> {
                assertThat(b.length()).isLessThanOrEqualTo(1200);
                packets.add(b.toArray());
                b.release();
            }, 96, 5, 0, 1200).headerExtensions((seg, off, seq) -> {
                ext.begin(seg, off, false);
                Bytes.put16(seg, ext.add(TWCC, 2), transportSeq[0]++);
                return ext.finish();
            }, 8);
            for (int i = 0; i < aus.size(); i++) {
                byte[] au = aus.get(i);
                p.packetizeAnnexB(MemorySegment.ofArray(au), 0, au.length, 3000 * i);
            }
            assertThat(pool.outstanding()).isZero();
        }
        Units out = new Units();
        H264Depacketizer d = new H264Depacketizer(out);
        RtpPacket rtp = new RtpPacket();
        int expectTwcc = 100;
        for (byte[] pkt : packets) {
            assertThat(rtp.wrap(MemorySegment.ofArray(pkt), 0, pkt.length).ok()).isTrue();
            assertThat(rtp.headerLength()).isEqualTo(20);
            long ref = rtp.findExtension(TWCC);
            assertThat(ref).isNotEqualTo(RtpExtensions.NOT_FOUND);
            assertThat(Bytes.u16(rtp.segment(), RtpExtensions.offset(ref))).isEqualTo(expectTwcc++);
            assertThat(d.push(rtp)).isEqualTo(PayloadStatus.OK);
        }
        assertThat(out.size()).isEqualTo(aus.size());
        for (int i = 0; i < aus.size(); i++) {
            assertThat(out.get(i).data()).isEqualTo(aus.get(i));
        }
    }

    @Test
    void aWriterThatOverrunsItsReservationIsAMisuse() {
        try (PacketPool pool = PacketPool.heap(2, 1500)) {
            Vp8Packetizer p = new Vp8Packetizer(pool, b -> b.release(), 96, 5).headerExtensions((seg, off, seq) -> 24, 8);
            byte[] frame = new byte[100];
            assertThatThrownBy(() -> p.packetize(MemorySegment.ofArray(frame), 0, 100, 0, false))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(pool.outstanding()).isZero();
            assertThatThrownBy(() -> p.headerExtensions((seg, off, seq) -> 12, 6)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
