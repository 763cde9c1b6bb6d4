package io.mediaplane.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.MemorySegment;

/**
 * Fuzz target for {@link PcapReader}: any bytes give a status and datagrams that lie inside the file, never an
 * exception or an endless loop. Seeds are small tcpdump captures of GStreamer RTP (pcap) and a pcapng built like
 * {@code PcapReaderTest}'s. Runs its seeds in every test run; fuzzes when JAZZER_FUZZ=1.
 */
class PcapReaderFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void read(byte[] data) {
        PcapReader r = new PcapReader();
        if (!r.open(MemorySegment.ofArray(data)).ok()) {
            return;
        }
        int n = 0;
        while (r.next()) {
            assertThat(r.payloadLength()).isNotNegative();
            assertThat(r.payloadOffset()).isBetween(0L, (long) data.length);
            assertThat(r.payloadOffset() + r.payloadLength()).isLessThanOrEqualTo(data.length);
            assertThat(++n).isLessThanOrEqualTo(data.length); // every datagram consumes input
        }
    }
}
