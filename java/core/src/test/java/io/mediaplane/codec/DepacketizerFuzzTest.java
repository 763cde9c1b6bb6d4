package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * Fuzz targets for the H264 and VP8 depacketizers: any sequence of payloads with any sequence numbers, timestamps
 * and markers gives statuses, never an exception, and whatever is delivered is well-formed: an H264 access unit is
 * a run of start-code-prefixed NAL units whose every slice the packets carried in full; a VP8 frame is non-empty.
 * Input framing, so that real captures make useful seeds: records of {@code flags(1) length(2, big-endian)
 * payload}, where flags bit 0 is the marker, bit 1 advances the timestamp, and bits 2-4 skew the sequence number
 * (0: next; 1..7: -3..+3 more). Seeds are the GStreamer vectors' payloads (vectors/codec) in this framing. Runs its
 * seeds in every test run; fuzzes when JAZZER_FUZZ=1.
 */
class DepacketizerFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void h264(byte[] data) {
        int[] delivered = new int[1];
        H264Depacketizer d = new H264Depacketizer((seg, off, len, ts, key, lost) -> {
            delivered[0]++;
            assertThat(len).isPositive();
            assertThat(off + len).isLessThanOrEqualTo(seg.byteSize());
            assertThat(Bytes.u8(seg, off)).isZero(); // begins with a start code
            assertThat(Bytes.u16(seg, off + 1)).isZero();
            assertThat(Bytes.u8(seg, off + 3)).isEqualTo(1);
            assertThat(lost).isNotNegative();
        }, 64 << 10);
        d.audMode(H264Depacketizer.AudMode.values()[data.length % 3]);
        run(data, (seg, len, seq, ts, marker) -> d.push(seg, 0, len, seq, ts, marker));
        assertThat(d.counters().units()).isEqualTo(delivered[0]);
    }

    @FuzzTest(maxDuration = "20s")
    void vp8(byte[] data) {
        Vp8Depacketizer d = new Vp8Depacketizer((seg, off, len, ts, key, lost) -> {
            assertThat(len).isPositive();
            assertThat(off + len).isLessThanOrEqualTo(seg.byteSize());
        }, 64 << 10);
        run(data, (seg, len, seq, ts, marker) -> d.push(seg, 0, len, seq, ts, marker));
    }

    interface Push {
        PayloadStatus push(MemorySegment seg, int len, int seq, int ts, boolean marker);
    }

    /** Feeds the records to {@code push}; a truncated last record is fed as far as it goes. */
    private static void run(byte[] data, Push push) {
        MemorySegment all = MemorySegment.ofArray(data);
        int seq = 65530;
        int ts = -6000;
        int p = 0;
        while (p + 3 <= data.length) {
            int flags = data[p] & 0xFF;
            int len = Math.min(Bytes.u16(all, p + 1), data.length - p - 3);
            int skew = (flags >>> 2) & 7;
            seq = (seq + 1 + (skew == 0 ? 0 : skew - 4)) & 0xFFFF;
            if ((flags & 2) != 0) {
                ts += 3000;
            }
            MemorySegment payload = all.asSlice(p + 3, len);
            PayloadStatus status = push.push(payload, len, seq, ts, (flags & 1) != 0);
            assertThat(status).isNotNull();
            p += 3 + len;
        }
    }
}
