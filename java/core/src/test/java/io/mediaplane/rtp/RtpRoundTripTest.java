package io.mediaplane.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Whatever the writers produce, the view reads back exactly: 500 random packets, reproducible by seed. */
class RtpRoundTripTest {
    static LongStream seeds() {
        return LongStream.range(0, 500);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void headerExtensionsPayloadAndPaddingRoundTrip(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean marker = r.nextBoolean();
        int pt = r.nextInt(128);
        int seq = r.nextInt(65536);
        int ts = r.nextInt();
        int ssrc = r.nextInt();
        int[] csrcs = r.ints(r.nextInt(16)).toArray();
        boolean twoByte = r.nextBoolean();
        int elements = r.nextInt(7);
        byte[] payload = new byte[r.nextInt(301)];
        r.nextBytes(payload);
        int padding = r.nextInt(4) == 0 ? 1 + r.nextInt(255) : 0;

        MemorySegment s = MemorySegment.ofArray(new byte[2000]);
        int header = RtpHeader.write(s, 0, marker, pt, seq, ts, ssrc, csrcs);
        Map<Integer, Integer> written = new TreeMap<>();
        if (elements > 0) {
            RtpExtensionWriter w = new RtpExtensionWriter().begin(s, 0, twoByte);
            for (int i = 0; i < elements; i++) {
                int id = twoByte ? 1 + r.nextInt(255) : 1 + r.nextInt(14);
                int len = twoByte ? r.nextInt(40) : 1 + r.nextInt(16);
                if (written.containsKey(id)) {
                    continue;
                }
                long at = w.add(id, len);
                for (int j = 0; j < len; j++) {
                    Bytes.put8(s, at + j, id + j);
                }
                written.put(id, len);
            }
            header = w.finish();
        }
        MemorySegment.copy(payload, 0, s, ValueLayout.JAVA_BYTE, header, payload.length);
        int length = header + payload.length;
        if (padding > 0) {
            RtpHeader.setPadding(s, 0, true);
            Bytes.put8(s, length + padding - 1, padding);
            length += padding;
        }

        RtpPacket rtp = new RtpPacket();
        assertThat(rtp.wrap(s, 0, length)).isEqualTo(PacketStatus.OK);
        assertThat(rtp.marker()).isEqualTo(marker);
        assertThat(rtp.payloadType()).isEqualTo(pt);
        assertThat(rtp.sequenceNumber()).isEqualTo(seq);
        assertThat(rtp.timestamp()).isEqualTo(ts);
        assertThat(rtp.ssrc()).isEqualTo(ssrc);
        assertThat(rtp.csrcCount()).isEqualTo(csrcs.length);
        for (int i = 0; i < csrcs.length; i++) {
            assertThat(rtp.csrc(i)).isEqualTo(csrcs[i]);
        }
        assertThat(rtp.headerLength()).isEqualTo(header);
        assertThat(rtp.payloadLength()).isEqualTo(payload.length);
        assertThat(rtp.paddingLength()).isEqualTo(padding);
        for (var e : written.entrySet()) {
            long ref = rtp.findExtension(e.getKey());
            assertThat(ref).isNotEqualTo(RtpExtensions.NOT_FOUND);
            assertThat(RtpExtensions.length(ref)).isEqualTo(e.getValue());
            if (e.getValue() > 0) {
                assertThat(Bytes.u8(s, RtpExtensions.offset(ref))).isEqualTo(e.getKey() & 0xFF);
            }
        }
        assertThat(Bytes.toHex(s, rtp.payloadOffset(), rtp.payloadLength())).isEqualTo(Bytes.toHex(payload));
    }
}
