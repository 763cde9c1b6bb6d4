package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Loss, corruption, parameter-set cache and AUD handling. */
class H264DepacketizerTest {
    private final Units out = new Units();
    private final H264Depacketizer d = new H264Depacketizer(out);
    private final RtpPacket rtp = new RtpPacket();

    /** Our packetizer's output for {@code aus}, one list of packets per access unit. */
    private static List<List<byte[]>> packetize(List<byte[]> aus, int mtu) {
        List<List<byte[]>> perAu = new ArrayList<>();
        try (PacketPool pool = PacketPool.heap(4, 1500)) {
            List<byte[]> current = new ArrayList<>();
            H264Packetizer p = new H264Packetizer(pool, b -> {
                current.add(b.toArray());
                b.release();
            }, 96, 7, 100, mtu);
            for (int i = 0; i < aus.size(); i++) {
                current.clear();
                byte[] au = aus.get(i);
                p.packetizeAnnexB(MemorySegment.ofArray(au), 0, au.length, 3000 * i);
                perAu.add(new ArrayList<>(current));
            }
        }
        return perAu;
    }

    private PayloadStatus push(byte[] pkt) {
        assertThat(rtp.wrap(MemorySegment.ofArray(pkt), 0, pkt.length).ok()).isTrue();
        return d.push(rtp);
    }

    private static List<byte[]> stream(long seed, int count) {
        Random r = new Random(seed);
        List<byte[]> aus = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            aus.add(H264TestStreams.annexB(H264TestStreams.randomAccessUnit(r, i % 5 == 0, 4000)));
        }
        return aus;
    }

    /** The coded slices of an access unit: what must never be delivered incomplete. */
    private static List<String> slices(byte[] au) {
        return H264TestStreams.nals(au).stream().filter(n -> H264.isVcl(H264.type(n[0]))).map(Bytes::toHex).toList();
    }

    /** Whether an RTP packet of ours carries (part of) a coded slice. */
    private static boolean carriesSlice(byte[] pkt) {
        int type = pkt[12] & 0x1F;
        if (type == H264.FU_A) {
            return H264.isVcl(pkt[13] & 0x1F);
        }
        if (type == H264.STAP_A) {
            for (int p = 13; p < pkt.length; p += 2 + ((pkt[p] & 0xFF) << 8 | (pkt[p + 1] & 0xFF))) {
                if (H264.isVcl(pkt[p + 2] & 0x1F)) {
                    return true;
                }
            }
            return false;
        }
        return H264.isVcl(type);
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15})
    void droppingAnyOnePacketNeverDeliversAnIncompletePicture(long seed) {
        List<byte[]> aus = stream(seed, 10);
        List<List<byte[]>> packets = packetize(aus, 500);
        int target = 3;
        for (int drop = 0; drop < packets.get(target).size(); drop++) {
            Units got = new Units();
            H264Depacketizer dep = new H264Depacketizer(got);
            for (int au = 0; au < packets.size(); au++) {
                for (int k = 0; k < packets.get(au).size(); k++) {
                    if (au == target && k == drop) {
                        continue;
                    }
                    byte[] pkt = packets.get(au).get(k);
                    rtp.wrap(MemorySegment.ofArray(pkt), 0, pkt.length);
                    dep.push(rtp);
                }
            }
            boolean sliceLost = carriesSlice(packets.get(target).get(drop));
            List<Integer> delivered = new ArrayList<>();
            for (Units.Unit u : got.units) {
                int index = u.timestamp() / 3000;
                delivered.add(index);
                assertThat(slices(u.data())).as("slices of %d, drop %d", index, drop).isEqualTo(slices(aus.get(index)));
                if (index != target && index != target + 1) {
                    assertThat(u.data()).isEqualTo(aus.get(index));
                }
            }
            assertThat(delivered).contains(0, 1, 2, 5, 6, 7, 8, 9);
            if (sliceLost) {
                assertThat(delivered).doesNotContain(target);
            }
            assertThat(dep.counters().lostPackets()).isEqualTo(1);
            // the loss is reported with the first unit delivered after it
            Units.Unit firstAfter = got.units.stream().filter(u -> u.timestamp() / 3000 >= target).findFirst().orElseThrow();
            assertThat(firstAfter.lostPackets()).isEqualTo(1);
            assertThat(got.units.stream().mapToInt(Units.Unit::lostPackets).sum()).isEqualTo(1);
        }
    }

    @Test
    void aGapAcrossWholeAccessUnitsKeepsTheNextOneWhenItStartsAPicture() {
        List<byte[]> aus = stream(12, 6);
        List<List<byte[]>> packets = packetize(aus, 1200);
        for (int au = 0; au < packets.size(); au++) {
            if (au == 2) {
                continue; // all of access unit 2 lost
            }
            for (byte[] p : packets.get(au)) {
                push(p);
            }
        }
        assertThat(out.units.stream().map(u -> u.timestamp() / 3000).toList()).containsExactly(0, 1, 3, 4, 5);
        assertThat(out.get(2).lostPackets()).isEqualTo(packets.get(2).size());
        assertThat(out.get(3).lostPackets()).isZero();
    }

    @Test
    void joiningMidAccessUnitWaitsForOneThatStartsAPicture() {
        List<byte[]> aus = stream(13, 4);
        List<List<byte[]>> packets = packetize(aus, 300);
        List<byte[]> first = packets.getFirst();
        int k = 0;
        while (!carriesSlice(first.get(k))) {
            k++;
        }
        for (k++; k < first.size(); k++) { // joined just after the packet that began the first slice
            push(first.get(k));
        }
        for (int au = 1; au < packets.size(); au++) {
            for (byte[] p : packets.get(au)) {
                push(p);
            }
        }
        assertThat(out.units.stream().map(u -> u.timestamp() / 3000).toList()).containsExactly(1, 2, 3);
    }

    @Test
    void lateAndDuplicatePacketsAreRefusedWithoutHarm() {
        List<List<byte[]>> packets = packetize(stream(14, 3), 1200);
        List<byte[]> flat = packets.stream().flatMap(List::stream).toList();
        push(flat.get(0));
        push(flat.get(1));
        assertThat(push(flat.get(1))).isEqualTo(PayloadStatus.LATE);
        assertThat(push(flat.get(0))).isEqualTo(PayloadStatus.LATE);
        for (int i = 2; i < flat.size(); i++) {
            push(flat.get(i));
        }
        assertThat(out.size()).isEqualTo(3);
        assertThat(d.counters().get(PayloadStatus.LATE)).isEqualTo(2);
        assertThat(d.counters().lostPackets()).isZero();
    }

    private static byte[] rtpPacket(int seq, int ts, boolean marker, String payloadHex) {
        byte[] payload = Bytes.fromHex(payloadHex);
        byte[] p = new byte[12 + payload.length];
        p[0] = (byte) 0x80;
        p[1] = (byte) ((marker ? 0x80 : 0) | 96);
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[4] = (byte) (ts >>> 24);
        p[5] = (byte) (ts >>> 16);
        p[6] = (byte) (ts >>> 8);
        p[7] = (byte) ts;
        System.arraycopy(payload, 0, p, 12, payload.length);
        return p;
    }

    // an IDR slice with first_mb_in_slice 0 (0x88: 1 = ue 0, then slice_type ue(2)=011? no: 0x88 = 1000 1000)
    private static final String IDR = "6588840021";
    private static final String P_SLICE = "419a1c0d";

    @ParameterizedTest
    @ValueSource(strings = {
        "7c85aabb|7c85ccdd",            // FU-A start twice
        "7c05aabb",                     // FU-A continuation without a start
        "7cc5aabb",                     // S and E both set
        "7c85aabb|7c01ccdd",            // type changes mid-NAL
        "7c85aabb|6588",                // single NAL while an FU-A is open
        "180005658884|",                // STAP-A size runs past the payload
        "1800",                         // STAP-A too short for a size
        "18000001",                     // STAP-A with a zero size... and a stray byte
        "180002e588",                   // STAP-A unit with the forbidden bit
        "1800021c00",                   // STAP-A carrying an FU-A
        "e588",                         // forbidden bit
        "1988aabb",                     // STAP-B
        "1a88aabb",                     // MTAP16
        "1d88aabb",                     // FU-B
        "1e88",                         // reserved type 30
        "7c45aabb"})                    // FU-A end only
    void corruptPayloadsDropTheAccessUnit(String payloads) {
        push(rtpPacket(1, 0, true, IDR));
        String[] parts = payloads.split("\\|");
        int seq = 2;
        for (int i = 0; i < parts.length; i++) {
            if (!parts[i].isEmpty()) {
                push(rtpPacket(seq++, 3000, i == parts.length - 1, parts[i]));
            }
        }
        push(rtpPacket(seq, 6000, true, P_SLICE));
        assertThat(out.units.stream().map(Units.Unit::timestamp).toList()).containsExactly(0, 6000);
        assertThat(d.counters().droppedUnits()).isEqualTo(1);
        assertThat(d.counters().snapshot()).isNotEmpty();
    }

    @Test
    void aTimestampChangeEndsAnAccessUnitWhoseMarkerWasNeverSent() {
        push(rtpPacket(1, 0, false, IDR));
        push(rtpPacket(2, 3000, false, P_SLICE));
        push(rtpPacket(3, 6000, true, P_SLICE));
        assertThat(out.units.stream().map(Units.Unit::timestamp).toList()).containsExactly(0, 3000, 6000);
    }

    @Test
    void aSequenceFarBehindIsASenderRestartNotALatePacket() {
        push(rtpPacket(5000, 0, true, IDR));
        assertThat(push(rtpPacket(4990, 0, true, IDR))).isEqualTo(PayloadStatus.LATE);
        assertThat(push(rtpPacket(10, 90_000, true, IDR))).isEqualTo(PayloadStatus.OK);
        push(rtpPacket(11, 93_000, true, P_SLICE));
        assertThat(out.units.stream().map(Units.Unit::timestamp).toList()).containsExactly(0, 90_000, 93_000);
    }

    @Test
    void paddingOnlyPacketsKeepSequenceContinuity() {
        push(rtpPacket(1, 0, true, IDR));
        assertThat(push(rtpPacket(2, 0, false, ""))).isEqualTo(PayloadStatus.EMPTY);
        push(rtpPacket(3, 3000, true, P_SLICE));
        assertThat(out.size()).isEqualTo(2);
        assertThat(out.get(1).lostPackets()).isZero();
    }

    @Test
    void cachedParameterSetsArePrependedToAnIdrThatLacksThem() {
        String sps = "6742c01e8c8d405017fcb00f08846a";
        String pps = "68ce3c80";
        String aud = "09f0";
        // first IDR carries its parameter sets (STAP-A), the second arrives without them, behind an AUD
        push(rtpPacket(1, 0, false, "18" + "0002" + aud + String.format("%04x", sps.length() / 2) + sps + "0004" + pps));
        push(rtpPacket(2, 0, true, IDR));
        push(rtpPacket(3, 3000, true, P_SLICE));
        push(rtpPacket(4, 6000, false, aud));
        push(rtpPacket(5, 6000, true, IDR));
        assertThat(out.size()).isEqualTo(3);
        String expected = "0000000109f0" + "00000001" + sps + "00000001" + pps + "00000001" + IDR;
        assertThat(Bytes.toHex(out.get(0).data())).isEqualTo(expected);
        assertThat(Bytes.toHex(out.get(1).data())).isEqualTo("00000001" + P_SLICE);
        assertThat(Bytes.toHex(out.get(2).data())).isEqualTo(expected);
        assertThat(out.get(2).keyframe()).isTrue();
        assertThat(out.get(1).keyframe()).isFalse();
        assertThat(d.parameterSetsPrepended()).isEqualTo(1);
        assertThat(d.cachedSps(0)).isEqualTo(Bytes.fromHex(sps));
        assertThat(d.cachedPps(0)).isEqualTo(Bytes.fromHex(pps));
    }

    @Test
    void audModesStripOrInsert() {
        Units stripped = new Units();
        Units inserted = new Units();
        H264Depacketizer strip = new H264Depacketizer(stripped).audMode(H264Depacketizer.AudMode.STRIP);
        H264Depacketizer insert = new H264Depacketizer(inserted).audMode(H264Depacketizer.AudMode.INSERT);
        byte[][] packets = {
            rtpPacket(1, 0, false, "09f0"), rtpPacket(2, 0, true, IDR), rtpPacket(3, 3000, true, P_SLICE)};
        for (byte[] p : packets) {
            rtp.wrap(MemorySegment.ofArray(p), 0, p.length);
            strip.push(rtp);
            insert.push(rtp);
        }
        assertThat(Bytes.toHex(stripped.get(0).data())).isEqualTo("00000001" + IDR);
        assertThat(Bytes.toHex(stripped.get(1).data())).isEqualTo("00000001" + P_SLICE);
        assertThat(Bytes.toHex(inserted.get(0).data())).isEqualTo("0000000109f000000001" + IDR);
        assertThat(Bytes.toHex(inserted.get(1).data())).isEqualTo("0000000109f000000001" + P_SLICE);
    }

    @Test
    void assemblesIntoACallerProvidedNativeBufferThatNeverGrows() {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment auBuffer = arena.allocate(512 + 8192);
            Units got = new Units();
            H264Depacketizer dep = new H264Depacketizer(got, auBuffer);
            Random r = new Random(99);
            List<byte[]> aus = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                int size = i == 7 ? 9000 : 100 + r.nextInt(6000); // unit 7 does not fit
                aus.add(H264TestStreams.annexB(List.of(H264TestStreams.nal(r, i == 0 ? H264.IDR_SLICE : H264.NON_IDR_SLICE, size, true))));
            }
            for (List<byte[]> au : packetize(aus, 1200)) {
                for (byte[] p : au) {
                    rtp.wrap(MemorySegment.ofArray(p), 0, p.length);
                    dep.push(rtp);
                }
            }
            assertThat(got.size()).isEqualTo(29);
            for (Units.Unit u : got.units) {
                assertThat(u.data()).isEqualTo(aus.get(u.timestamp() / 3000));
                assertThat(u.timestamp()).isNotEqualTo(7 * 3000);
            }
            assertThat(dep.counters().get(PayloadStatus.TOO_LARGE)).isEqualTo(1);
        }
    }

    @Test
    void anAccessUnitOverTheLimitIsDropped() {
        Units got = new Units();
        H264Depacketizer small = new H264Depacketizer(got, 2048);
        byte[] big = H264TestStreams.annexB(List.of(H264TestStreams.nal(new Random(1), H264.IDR_SLICE, 5000, true)));
        byte[] ok = H264TestStreams.annexB(List.of(H264TestStreams.nal(new Random(2), H264.NON_IDR_SLICE, 1500, true)));
        List<List<byte[]>> packets = packetize(List.of(big, ok), 1200);
        for (List<byte[]> au : packets) {
            for (byte[] p : au) {
                rtp.wrap(MemorySegment.ofArray(p), 0, p.length);
                small.push(rtp);
            }
        }
        assertThat(got.size()).isEqualTo(1);
        assertThat(got.get(0).data()).isEqualTo(ok);
        assertThat(small.counters().get(PayloadStatus.TOO_LARGE)).isEqualTo(1);
    }
}
