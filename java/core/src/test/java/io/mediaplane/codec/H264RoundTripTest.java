package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Random NAL sequences (seeded) through our packetizer and depacketizer come back byte-identical. */
class H264RoundTripTest {

    @ParameterizedTest(name = "seed {0} mtu {1} aggregate {2}")
    @CsvSource({"1, 1200, true", "2, 1200, false", "3, 100, true", "4, 40, true", "5, 1500, true", "6, 576, false"})
    void packetizeThenDepacketizeIsIdentity(long seed, int mtu, boolean aggregate) {
        Random r = new Random(seed);
        List<byte[]> sent = new ArrayList<>();
        List<byte[]> packets = new ArrayList<>();
        List<Integer> timestamps = new ArrayList<>();
        try (PacketPool pool = PacketPool.nativeMemory(8, 1500)) {
            H264Packetizer p = new H264Packetizer(pool, b -> {
                assertThat(b.length()).isLessThanOrEqualTo(mtu);
                assertThat(b.headroom()).isEqualTo(pool.headroom());
                assertThat(b.tailroom()).isGreaterThanOrEqualTo(PacketPool.MIN_ROOM);
                packets.add(b.toArray());
                b.release();
            }, 96, 0x1234, 65000, mtu).aggregate(aggregate);
            int ts = -50_000;
            for (int i = 0; i < 200; i++) {
                byte[] au = H264TestStreams.annexB(H264TestStreams.randomAccessUnit(r, i % 30 == 0, 6000));
                sent.add(au);
                timestamps.add(ts);
                assertThat(p.packetizeAnnexB(MemorySegment.ofArray(au), 0, au.length, ts)).isEqualTo(PayloadStatus.OK);
                ts += 3000;
            }
            assertThat(pool.outstanding()).isZero();
        }
        Units out = new Units();
        H264Depacketizer d = new H264Depacketizer(out);
        RtpPacket rtp = new RtpPacket();
        int markers = 0;
        for (byte[] pkt : packets) {
            assertThat(rtp.wrap(MemorySegment.ofArray(pkt), 0, pkt.length).ok()).isTrue();
            markers += rtp.marker() ? 1 : 0;
            assertThat(d.push(rtp)).isEqualTo(PayloadStatus.OK);
        }
        assertThat(markers).isEqualTo(sent.size());
        assertThat(out.size()).isEqualTo(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertThat(Bytes.toHex(out.get(i).data())).as("access unit %d", i).isEqualTo(Bytes.toHex(sent.get(i)));
            assertThat(out.get(i).timestamp()).isEqualTo(timestamps.get(i));
            assertThat(out.get(i).keyframe()).isEqualTo(i % 30 == 0);
        }
        assertThat(d.counters().snapshot()).isEmpty();
    }
}
