package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Packets captured from GStreamer's rtph264pay (vectors/codec/README.md) against h264parse's access units. */
class H264KnownAnswerTest {

    @ParameterizedTest
    @ValueSource(strings = {"x264-zero-latency", "x264-none", "openh264-zero-latency"})
    void depacketizesToH264ParseAccessUnits(String name) {
        List<byte[]> packets = Vectors.lines(name + ".packets.hex");
        List<byte[]> expected = Vectors.lines(name + ".units.hex");
        Units out = new Units();
        H264Depacketizer d = new H264Depacketizer(out).audMode(H264Depacketizer.AudMode.INSERT);
        RtpPacket rtp = new RtpPacket();
        int stap = 0;
        int fu = 0;
        for (byte[] p : packets) {
            assertThat(rtp.wrap(MemorySegment.ofArray(p), 0, p.length).ok()).isTrue();
            int type = p[rtp.headerLength()] & 0x1F;
            stap += type == H264.STAP_A ? 1 : 0;
            fu += type == H264.FU_A ? 1 : 0;
            assertThat(d.push(rtp)).isEqualTo(PayloadStatus.OK);
        }
        assertThat(out.data()).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(Bytes.toHex(out.get(i).data())).isEqualTo(Bytes.toHex(expected.get(i)));
            assertThat(out.get(i).keyframe()).isEqualTo(i % 2 == 0); // key-int-max / gop-size 2
            assertThat(out.get(i).lostPackets()).isZero();
        }
        assertThat(fu).isPositive();
        assertThat(stap > 0).isEqualTo(name.endsWith("zero-latency"));
        // the sequence numbers started at 65533 and wrapped without being taken for loss
        assertThat(d.counters().lostPackets()).isZero();
    }

    /** With aggregation off, our packets are GStreamer's (aggregate-mode=none), header and all. */
    @ParameterizedTest
    @ValueSource(strings = {"x264-none"})
    void packetizesLikeRtpH264PayWithoutAggregation(String name) {
        List<byte[]> expected = Vectors.lines(name + ".packets.hex");
        List<byte[]> units = Vectors.lines(name + ".units.hex");
        RtpPacket first = new RtpPacket();
        first.wrap(MemorySegment.ofArray(expected.getFirst()), 0, expected.getFirst().length);
        List<byte[]> got = new ArrayList<>();
        try (PacketPool pool = PacketPool.heap(4, 1500)) {
            H264Packetizer p = new H264Packetizer(pool, b -> {
                got.add(b.toArray());
                b.release();
            }, 96, first.ssrc(), first.sequenceNumber(), 300).aggregate(false);
            RtpPacket rtp = new RtpPacket();
            int next = 0;
            for (byte[] au : units) {
                // each unit's timestamp is the one GStreamer gave its packets
                byte[] pkt = expected.get(next);
                rtp.wrap(MemorySegment.ofArray(pkt), 0, pkt.length);
                p.packetizeAnnexB(MemorySegment.ofArray(au), 0, au.length, rtp.timestamp());
                next = got.size();
            }
            assertThat(pool.outstanding()).isZero();
        }
        assertThat(got.stream().map(Bytes::toHex).toList()).isEqualTo(expected.stream().map(Bytes::toHex).toList());
    }
}
