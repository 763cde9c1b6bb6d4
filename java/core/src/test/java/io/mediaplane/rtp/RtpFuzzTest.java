package io.mediaplane.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;

/**
 * Fuzz target for the RTP parser and demux: any bytes give a status, never an exception, and an accepted
 * packet's every accessor stays inside it. Runs its seed inputs in every test run and fuzzes when
 * JAZZER_FUZZ=1 (the test command does, briefly).
 */
class RtpFuzzTest {
    private final RtpPacket rtp = new RtpPacket();

    @FuzzTest(maxDuration = "20s")
    void rtpView(byte[] data) {
        MemorySegment s = MemorySegment.ofArray(data);
        PacketKind.of(s, 0, data.length);
        PacketStatus status = rtp.wrap(s, 0, data.length);
        if (!status.ok()) {
            assertThat(rtp.isWrapped()).isFalse();
            return;
        }
        assertThat(rtp.headerLength()).isBetween(12, data.length);
        assertThat(rtp.payloadLength()).isBetween(0, data.length - rtp.headerLength());
        assertThat(rtp.payloadOffset() + rtp.payloadLength() + rtp.paddingLength()).isEqualTo(data.length);
        for (int i = 0; i < rtp.csrcCount(); i++) {
            rtp.csrc(i);
        }
        rtp.forEachExtension((id, off, len) -> {
            assertThat(off).isGreaterThanOrEqualTo(0);
            assertThat(off + len).isLessThanOrEqualTo(rtp.payloadOffset());
        });
        for (int id = 1; id < 16; id++) {
            long ref = rtp.findExtension(id);
            if (ref != RtpExtensions.NOT_FOUND) {
                assertThat(RtpExtensions.offset(ref) + RtpExtensions.length(ref)).isLessThanOrEqualTo(rtp.payloadOffset());
            }
        }
        int removed = rtp.stripPadding();
        assertThat(rtp.wrap(s, 0, data.length - removed)).isEqualTo(PacketStatus.OK);
    }
}
