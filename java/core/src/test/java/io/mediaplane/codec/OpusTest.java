package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7587 packetization and RFC 6716 §3 framing. */
class OpusTest {

    @ParameterizedTest
    @CsvSource({
        "fc00ff, 960",       // CELT FB 20 ms, code 0
        "f800,   960",       // config 31 (CELT FB 20 ms)
        "78aabb, 960",       // SILK WB 20 ms (config 15 is hybrid FB 20 ms)
        "08aa,   960",       // config 1: SILK NB 20 ms
        "18aa,   2880",      // config 3: SILK NB 60 ms
        "0daabb, 1920",      // code 1: two 20 ms frames, equal halves
        "0eaa,   -1",        // code 1 with an odd remainder
        "0e01aabb, 1920",    // code 2: first frame 1 byte
        "0e05aa, -1",        // code 2: first frame longer than the packet
        "0f03aabbcc, 2880",  // code 3: three 20 ms frames
        "0f00, -1",          // code 3: zero frames
        "0f07aa, -1",        // code 3: 7 x 20 ms = 140 ms > 120 ms
        "'', -1"})
    void samplesFollowTheToc(String hex, int samples) {
        byte[] b = Bytes.fromHex(hex);
        assertThat(Opus.samples(MemorySegment.ofArray(b), 0, b.length)).isEqualTo(samples);
    }

    @Test
    void dtxPacketsAreWithheldAndTheNextPacketIsMarked() {
        List<RtpPacket> sent = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        try (PacketPool pool = PacketPool.heap(4, 1500)) {
            OpusPacketizer p = new OpusPacketizer(pool, b -> {
                bytes.add(b.toArray());
                b.release();
            }, 111, 0xabc, 10, 1000);
            byte[] speech = Bytes.fromHex("fc" + "11".repeat(80));
            byte[] dtx = Bytes.fromHex("fc");
            MemorySegment s = MemorySegment.ofArray(speech);
            MemorySegment q = MemorySegment.ofArray(dtx);
            assertThat(p.packetize(s, 0, speech.length)).isEqualTo(PayloadStatus.OK);
            assertThat(p.packetize(s, 0, speech.length)).isEqualTo(PayloadStatus.OK);
            assertThat(p.packetize(q, 0, 1)).isEqualTo(PayloadStatus.DTX_SUPPRESSED);
            assertThat(p.packetize(q, 0, 1)).isEqualTo(PayloadStatus.DTX_SUPPRESSED);
            assertThat(p.packetize(s, 0, speech.length)).isEqualTo(PayloadStatus.OK);
            assertThat(p.nextTimestamp()).isEqualTo(1000 + 5 * 960);
            assertThat(pool.outstanding()).isZero();
        }
        List<Integer> ts = new ArrayList<>();
        List<Boolean> marker = new ArrayList<>();
        List<Integer> seq = new ArrayList<>();
        for (byte[] b : bytes) {
            RtpPacket r = new RtpPacket();
            r.wrap(MemorySegment.ofArray(b), 0, b.length);
            ts.add(r.timestamp());
            marker.add(r.marker());
            seq.add(r.sequenceNumber());
            sent.add(r);
        }
        assertThat(ts).containsExactly(1000, 1960, 1000 + 4 * 960);
        assertThat(marker).containsExactly(true, false, true);
        assertThat(seq).containsExactly(10, 11, 12);

        // the receiver sees contiguous sequence numbers across the silence: DTX, not loss
        Units out = new Units();
        OpusDepacketizer d = new OpusDepacketizer(out);
        for (RtpPacket r : sent) {
            assertThat(d.push(r)).isEqualTo(PayloadStatus.OK);
        }
        assertThat(out.size()).isEqualTo(3);
        assertThat(out.units.stream().mapToInt(Units.Unit::lostPackets).sum()).isZero();
        assertThat(d.dtxSamples()).isEqualTo(2 * 960);
        assertThat(d.counters().lostPackets()).isZero();
    }

    @Test
    void aSequenceGapIsLossAndBadFramingIsRefused() {
        Units out = new Units();
        OpusDepacketizer d = new OpusDepacketizer(out);
        byte[] ok = Bytes.fromHex("fcaabb");
        byte[] bad = Bytes.fromHex("0eaa");
        MemorySegment s = MemorySegment.ofArray(ok);
        assertThat(d.push(s, 0, 3, 1, 0)).isEqualTo(PayloadStatus.OK);
        assertThat(d.push(s, 0, 3, 4, 3 * 960)).isEqualTo(PayloadStatus.OK);
        assertThat(d.push(MemorySegment.ofArray(bad), 0, 2, 5, 4 * 960)).isEqualTo(PayloadStatus.BAD_TOC);
        assertThat(d.push(s, 0, 3, 3, 2 * 960)).isEqualTo(PayloadStatus.LATE);
        assertThat(out.get(1).lostPackets()).isEqualTo(2);
        assertThat(d.dtxSamples()).isZero();
        assertThat(d.counters().get(PayloadStatus.BAD_TOC)).isEqualTo(1);
    }
}
