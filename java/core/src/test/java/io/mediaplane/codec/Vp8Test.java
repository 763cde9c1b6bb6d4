package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.codec.Vp8PayloadDescriptor.PictureIdMode;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7741: descriptor fields, GStreamer known answers, round trips and loss. */
class Vp8Test {
    private final RtpPacket rtp = new RtpPacket();

    @ParameterizedTest
    @CsvSource({
        // hex,          X/N/S/PID...                                        descriptor length
        "10,             false, true,  0, -1,    NONE,    -1,  -1, false, -1, 1",
        "23,             true,  false, 3, -1,    NONE,    -1,  -1, false, -1, 1",
        "9080 7f,        false, true,  0, 127,   BITS_7,  -1,  -1, false, -1, 3",
        "9080 ffff,      false, true,  0, 32767, BITS_15, -1,  -1, false, -1, 4",
        "90c0 8123 05,   false, true,  0, 291,   BITS_15, 5,   -1, false, -1, 5",
        "90e0 8123 05 a0,false, true,  0, 291,   BITS_15, 5,   2,  true,  -1, 6",
        "80f0 01 ff 5f,  false, false, 0, 1,     BITS_7,  255, 1,  false, 31, 5",
        "8010 1f,        false, false, 0, -1,    NONE,    -1,  -1, false, 31, 3",
        "8020 c0,        false, false, 0, -1,    NONE,    -1,  3,  false, -1, 3"})
    void parsesAndWritesEveryField(String hex, boolean n, boolean s, int pid, int pictureId, PictureIdMode mode,
            int tl0, int tid, boolean y, int keyIdx, int length) {
        byte[] b = Bytes.fromHex(hex + "9d");
        Vp8PayloadDescriptor d = new Vp8PayloadDescriptor();
        assertThat(d.parse(MemorySegment.ofArray(b), 0, b.length)).isEqualTo(PayloadStatus.OK);
        assertThat(d.nonReference()).isEqualTo(n);
        assertThat(d.startOfPartition()).isEqualTo(s);
        assertThat(d.partitionIndex()).isEqualTo(pid);
        assertThat(d.pictureId()).isEqualTo(pictureId);
        assertThat(d.pictureIdMode()).isEqualTo(mode);
        assertThat(d.tl0PicIdx()).isEqualTo(tl0);
        assertThat(d.temporalLayer()).isEqualTo(tid);
        assertThat(d.layerSync()).isEqualTo(y);
        assertThat(d.keyIndex()).isEqualTo(keyIdx);
        assertThat(d.length()).isEqualTo(length);
        assertThat(d.encodedLength()).isEqualTo(length);
        byte[] written = new byte[length];
        assertThat(d.write(MemorySegment.ofArray(written), 0)).isEqualTo(length);
        assertThat(Bytes.toHex(written)).isEqualTo(hex.replace(" ", ""));
        // every proper prefix of an extended descriptor is refused, never misread
        for (int len = 0; len < length; len++) {
            assertThat(d.parse(MemorySegment.ofArray(b), 0, len)).isEqualTo(PayloadStatus.BAD_DESCRIPTOR);
        }
    }

    @Test
    void settersCheckFieldWidths() {
        Vp8PayloadDescriptor d = new Vp8PayloadDescriptor();
        assertThatThrownBy(() -> d.partitionIndex(8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.tl0PicIdx(256)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.temporalLayer(4, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.keyIndex(32)).isInstanceOf(IllegalArgumentException.class);
        assertThat(d.pictureId(PictureIdMode.BITS_7, 130).pictureId()).isEqualTo(2);
        assertThat(d.pictureId(PictureIdMode.BITS_15, 32768).pictureId()).isZero();
    }

    @Test
    void gstreamerPacketsGiveVp8EncFrames() {
        List<byte[]> packets = Vectors.lines("vp8-15bit.packets.hex");
        List<byte[]> frames = Vectors.lines("vp8-15bit.units.hex");
        Units out = new Units();
        Vp8Depacketizer d = new Vp8Depacketizer(out);
        List<Integer> pictureIds = new ArrayList<>();
        for (byte[] p : packets) {
            assertThat(rtp.wrap(MemorySegment.ofArray(p), 0, p.length).ok()).isTrue();
            assertThat(d.push(rtp)).isEqualTo(PayloadStatus.OK);
            if (d.lastDescriptor().startsFrame()) {
                pictureIds.add(d.lastDescriptor().pictureId());
            }
        }
        assertThat(out.data()).hasSameSizeAs(frames);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(out.get(i).data()).isEqualTo(frames.get(i));
            assertThat(out.get(i).keyframe()).isEqualTo(i % 2 == 0);
        }
        // picture-id-offset=32760: the 15-bit id wraps to 0 within the clip, or climbs from there
        assertThat(pictureIds).hasSize(frames.size());
        for (int i = 1; i < pictureIds.size(); i++) {
            assertThat(pictureIds.get(i)).isEqualTo((pictureIds.get(i - 1) + 1) & 0x7FFF);
        }
        assertThat(d.counters().lostPackets()).isZero();
    }

    private static List<List<byte[]>> packetize(List<byte[]> frames, int mtu, PictureIdMode mode) {
        List<List<byte[]>> out = new ArrayList<>();
        try (PacketPool pool = PacketPool.heap(4, 1500)) {
            List<byte[]> current = new ArrayList<>();
            Vp8Packetizer p = new Vp8Packetizer(pool, b -> {
                assertThat(b.length()).isLessThanOrEqualTo(mtu);
                current.add(b.toArray());
                b.release();
            }, 100, 9, 65530, mtu).pictureId(mode, 32765);
            p.template().tl0PicIdx(7).temporalLayer(0, true).keyIndex(3);
            for (int i = 0; i < frames.size(); i++) {
                current.clear();
                byte[] f = frames.get(i);
                assertThat(p.packetize(MemorySegment.ofArray(f), 0, f.length, 3000 * i, i % 3 == 2)).isEqualTo(PayloadStatus.OK);
                out.add(new ArrayList<>(current));
            }
            assertThat(pool.outstanding()).isZero();
        }
        return out;
    }

    private static List<byte[]> randomFrames(long seed, int count) {
        Random r = new Random(seed);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] f = new byte[1 + r.nextInt(r.nextBoolean() ? 200 : 9000)];
            r.nextBytes(f);
            f[0] = (byte) (i % 10 == 0 ? f[0] & ~1 : f[0] | 1); // P bit: key frame every 10
            frames.add(f);
        }
        return frames;
    }

    @ParameterizedTest
    @CsvSource({"1, 1200, BITS_15", "2, 100, BITS_7", "3, 40, NONE"})
    void roundTripsRandomFrames(long seed, int mtu, PictureIdMode mode) {
        List<byte[]> frames = randomFrames(seed, 100);
        Units out = new Units();
        Vp8Depacketizer d = new Vp8Depacketizer(out);
        Vp8PayloadDescriptor desc = new Vp8PayloadDescriptor();
        int frame = 0;
        for (List<byte[]> packets : packetize(frames, mtu, mode)) {
            for (int k = 0; k < packets.size(); k++) {
                byte[] p = packets.get(k);
                rtp.wrap(MemorySegment.ofArray(p), 0, p.length);
                desc.parse(rtp.segment(), rtp.payloadOffset(), rtp.payloadLength());
                assertThat(desc.startsFrame()).isEqualTo(k == 0);
                assertThat(desc.nonReference()).isEqualTo(frame % 3 == 2);
                assertThat(desc.pictureIdMode()).isEqualTo(mode);
                assertThat(desc.tl0PicIdx()).isEqualTo(7);
                assertThat(desc.keyIndex()).isEqualTo(3);
                if (mode != PictureIdMode.NONE) {
                    assertThat(desc.pictureId()).isEqualTo((32765 + frame) & (mode == PictureIdMode.BITS_7 ? 0x7F : 0x7FFF));
                }
                assertThat(rtp.marker()).isEqualTo(k == packets.size() - 1);
                assertThat(d.push(rtp)).isEqualTo(PayloadStatus.OK);
            }
            frame++;
        }
        assertThat(out.size()).isEqualTo(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            assertThat(out.get(i).data()).isEqualTo(frames.get(i));
            assertThat(out.get(i).keyframe()).isEqualTo(i % 10 == 0);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void aLostPacketDropsItsFrameOnlyAndIsReported(int drop) {
        List<byte[]> frames = randomFrames(7, 6);
        frames.set(2, new byte[3000]); // 3+ packets at MTU 1200
        frames.get(2)[0] = 1;
        List<List<byte[]>> packets = packetize(frames, 1200, PictureIdMode.BITS_15);
        Units out = new Units();
        Vp8Depacketizer d = new Vp8Depacketizer(out);
        for (int f = 0; f < packets.size(); f++) {
            for (int k = 0; k < packets.get(f).size(); k++) {
                if (f == 2 && k == drop % packets.get(2).size()) {
                    continue;
                }
                byte[] p = packets.get(f).get(k);
                rtp.wrap(MemorySegment.ofArray(p), 0, p.length);
                d.push(rtp);
            }
        }
        List<Integer> delivered = out.units.stream().map(u -> u.timestamp() / 3000).toList();
        assertThat(delivered).containsExactly(0, 1, 3, 4, 5);
        for (Units.Unit u : out.units) {
            assertThat(u.data()).isEqualTo(frames.get(u.timestamp() / 3000));
        }
        assertThat(out.get(2).lostPackets()).isEqualTo(1);
        assertThat(d.counters().lostPackets()).isEqualTo(1);
    }
}
