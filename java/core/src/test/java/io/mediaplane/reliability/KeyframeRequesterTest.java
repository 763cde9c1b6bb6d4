package io.mediaplane.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.rtp.RtcpFir;
import io.mediaplane.rtp.RtcpPli;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class KeyframeRequesterTest {
    private static final long MS = 1_000_000L;
    private final MemorySegment s = MemorySegment.ofArray(new byte[64]);

    @Test
    void repeatsWhileWaitingForTheFirstKeyframe() {
        KeyframeRequester k = new KeyframeRequester(KeyframeRequester.Method.PLI, 1, 2);
        assertThat(k.poll(0)).isTrue();
        assertThat(k.write(s, 0, 0)).isEqualTo(RtcpPli.LENGTH);
        RtcpPli pli = new RtcpPli();
        assertThat(pli.wrap(s, 0, RtcpPli.LENGTH).ok()).isTrue();
        assertThat(pli.senderSsrc()).isEqualTo(1);
        assertThat(pli.mediaSsrc()).isEqualTo(2);
        assertThat(k.poll(999 * MS)).isFalse();
        assertThat(k.poll(1000 * MS)).isTrue();
        k.write(s, 0, 1000 * MS);
        k.onKeyframe();
        assertThat(k.poll(5000 * MS)).isFalse();
        assertThat(k.sent()).isEqualTo(2);
    }

    @Test
    void coalescesWithinTheMinimumIntervalUnlessForced() {
        KeyframeRequester k = new KeyframeRequester(KeyframeRequester.Method.PLI, 1, 2);
        k.write(s, 0, 0);
        k.onKeyframe();
        assertThat(k.request(100 * MS, false)).isEqualTo(ReliabilityStatus.OK);
        assertThat(k.poll(100 * MS)).isTrue();
        k.write(s, 0, 100 * MS);
        assertThat(k.request(200 * MS, false)).isEqualTo(ReliabilityStatus.COALESCED);
        assertThat(k.poll(200 * MS)).isFalse();
        assertThat(k.request(300 * MS, true)).isEqualTo(ReliabilityStatus.OK);
        assertThat(k.poll(300 * MS)).isTrue();
        k.write(s, 0, 300 * MS);
        assertThat(k.request(1300 * MS, false)).isEqualTo(ReliabilityStatus.OK);
        assertThat(k.counters().get(ReliabilityStatus.COALESCED)).isEqualTo(1);
    }

    @Test
    void firSequenceNumbersCountCommandsNotRepetitions() {
        KeyframeRequester k = new KeyframeRequester(KeyframeRequester.Method.FIR, 1, 2, 500 * MS);
        RtcpFir fir = new RtcpFir();
        int n = k.write(s, 0, 0);
        assertThat(fir.wrap(s, 0, n).ok()).isTrue();
        assertThat(fir.entrySsrc(0)).isEqualTo(2);
        assertThat(fir.entrySequence(0)).isZero();
        assertThat(k.poll(500 * MS)).isTrue(); // repetition: same number (RFC 5104 §4.3.1.1)
        k.write(s, 0, 500 * MS);
        fir.wrap(s, 0, n);
        assertThat(fir.entrySequence(0)).isZero();
        k.onKeyframe();
        k.request(600 * MS, false);
        k.write(s, 0, 600 * MS);
        fir.wrap(s, 0, n);
        assertThat(fir.entrySequence(0)).isEqualTo(1);
        k.request(700 * MS, true);
        k.request(700 * MS, true); // not written in between: still one command
        k.write(s, 0, 700 * MS);
        fir.wrap(s, 0, n);
        assertThat(fir.entrySequence(0)).isEqualTo(2);
    }
}
