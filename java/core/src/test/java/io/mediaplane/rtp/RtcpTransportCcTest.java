package io.mediaplane.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * transport-cc (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1): which chunks the writer picks, the
 * limits of deltas and sequence gaps, and the parser's refusals.
 */
class RtcpTransportCcTest {
    private static final long NR = RtcpTransportCcWriter.NOT_RECEIVED;

    private final MemorySegment out = MemorySegment.ofArray(new byte[1 << 16]);
    private final RtcpTransportCc view = new RtcpTransportCc();

    /** Writes {@code arrivals} from sequence 100 and returns the chunks as written. */
    private List<Integer> chunks(long... arrivals) {
        RtcpTransportCcWriter w = new RtcpTransportCcWriter(arrivals.length).reset(1, 2, 100, 0);
        for (long a : arrivals) {
            assertThat(w.add(a)).isTrue();
        }
        int n = w.write(out, 0);
        assertThat(view.wrap(out, 0, n)).isEqualTo(PacketStatus.OK);
        List<Integer> chunks = new ArrayList<>();
        for (long at = RtcpTransportCc.FIXED_LENGTH; at < view.deltasOffset(); at += 2) {
            chunks.add(Bytes.u16(out, at));
        }
        return chunks;
    }

    private static long[] every(int count, long stepMicros) {
        long[] a = new long[count];
        for (int i = 0; i < count; i++) {
            a[i] = 1_000_000 + i * stepMicros;
        }
        return a;
    }

    @Test
    void aRunOfOneSymbolIsOneRunLengthChunk() {
        // §3.1.3: 0 | symbol 01 | run 20
        assertThat(chunks(every(20, 1000))).containsExactly(0x2014);
    }

    @Test
    void thePaddingIsZeroedWhateverTheBufferHeld() {
        // 20 + one run chunk (2) + three one-byte deltas = 25 bytes, padded to 28 (§3.1: 32-bit alignment)
        RtcpTransportCcWriter w = new RtcpTransportCcWriter(3).reset(1, 2, 100, 0);
        for (long a : every(3, 1000)) {
            assertThat(w.add(a)).isTrue();
        }
        MemorySegment dirty = MemorySegment.ofArray(new byte[64]).fill((byte) 0x55);
        assertThat(w.write(dirty, 4)).isEqualTo(28);
        for (long at = 4 + 25; at < 4 + 28; at++) {
            assertThat(Bytes.u8(dirty, at)).as("padding at %d", at).isZero();
        }
        assertThat(Bytes.u8(dirty, 4 + 28)).isEqualTo(0x55);
        assertThat(view.wrap(dirty, 4, 28)).isEqualTo(PacketStatus.OK);
    }

    @Test
    void runsLongerThan8191AreSplit() {
        long[] a = every(9000, 1000);
        assertThat(chunks(a)).containsExactly(0x2000 | 8191, 0x2000 | (9000 - 8191));
    }

    @Test
    void mixedSmallAndLostIsAOneBitVector() {
        // §3.1.4, S=0: 14 symbols R N R N ...
        long[] a = every(14, 1000);
        for (int i = 1; i < 14; i += 2) {
            a[i] = NR;
        }
        assertThat(chunks(a)).containsExactly(0b1_0_10101010101010);
    }

    @Test
    void aLargeDeltaNeedsTwoBitVectors() {
        // the third packet arrives 100 ms after the second: a large delta, so 2-bit symbols (§3.1.4, S=1)
        long[] a = {1_000_000, 1_001_000, 1_101_000, NR, 1_102_000};
        assertThat(chunks(a)).containsExactly(0b1_1_01_01_10_00_01_00_00);
        assertThat(view.receivedCount()).isEqualTo(4);
    }

    @Test
    void aFullOneBitVectorThenTheRestAsARun() {
        // 3 received, 20 lost: the first 14 fill a 1-bit vector, the 9 lost left become a run (libwebrtc's choice)
        long[] a = new long[23];
        Arrays.fill(a, NR);
        a[0] = 1_000_000;
        a[1] = 1_001_000;
        a[2] = 1_002_000;
        assertThat(chunks(a)).containsExactly(0b1_0_11100000000000, 9);
    }

    @Test
    void sevenOrFewerMixedSymbolsAtTheEndAreOneTwoBitVector() {
        assertThat(chunks(1_000_000, NR, 1_000_500)).containsExactly(0b1_1_01_00_01_00_00_00_00);
    }

    @Test
    void referenceTimeIsTheFirstArrivalIn64msUnitsAndMayBeNegative() {
        RtcpTransportCcWriter w = new RtcpTransportCcWriter(4).reset(1, 2, 7, 9);
        w.add(NR);
        w.add(-1);
        int n = w.write(out, 0);
        assertThat(view.wrap(out, 0, n)).isEqualTo(PacketStatus.OK);
        assertThat(Bytes.u24(out, 16)).isEqualTo(0xFFFFFF);
        assertThat(view.referenceTime()).isEqualTo(-1);
        assertThat(view.feedbackPacketCount()).isEqualTo(9);
        view.nextPacket();
        assertThat(view.packetReceived()).isFalse();
        view.nextPacket();
        // -1 µs rounds down to the 250 µs grid: -250 µs, i.e. 255 ticks after -64 ms
        assertThat(view.packetDeltaTicks()).isEqualTo(255);
        assertThat(view.packetArrivalMicros()).isEqualTo(-250);
    }

    @Test
    void deltasBeyond16SignedBitsAreRefusedSoTheCallerStartsANewFeedback() {
        RtcpTransportCcWriter w = new RtcpTransportCcWriter(10).reset(1, 2, 0, 0);
        assertThat(w.add(0)).isTrue();
        assertThat(w.add(32_767 * 250)).isTrue();
        assertThat(w.add(32_767 * 250 + 32_768 * 250)).as("one tick too far").isFalse();
        assertThat(w.add(32_767 * 250 - 32_768 * 250)).as("the most negative delta").isTrue();
        assertThat(w.packetCount()).isEqualTo(3);
        int n = w.write(out, 0);
        assertThat(view.wrap(out, 0, n)).isEqualTo(PacketStatus.OK);
        List<Integer> deltas = new ArrayList<>();
        view.forEachPacket((seq, status, ticks) -> deltas.add(ticks));
        assertThat(deltas).containsExactly(0, 32_767, -32_768);
    }

    @Test
    void addReceivedFillsGapsAcrossTheWrapAndRefusesOldOrTooFarSequences() {
        RtcpTransportCcWriter w = new RtcpTransportCcWriter(6).reset(1, 2, 65534, 0);
        assertThat(w.addReceived(65534, 1000)).isTrue();
        assertThat(w.addReceived(2, 2000)).isTrue();
        assertThat(w.addReceived(1, 3000)).as("already passed").isFalse();
        assertThat(w.addReceived(4, 3000)).as("needs 2 more slots, 1 left").isFalse();
        assertThat(w.addReceived(3, 3000)).isTrue();
        assertThat(w.add(4000)).as("full").isFalse();
        assertThat(w.packetCount()).isEqualTo(6);
        assertThat(w.receivedCount()).isEqualTo(3);
        int n = w.write(out, 0);
        assertThat(view.wrap(out, 0, n)).isEqualTo(PacketStatus.OK);
        List<String> seen = new ArrayList<>();
        view.forEachPacket((seq, status, ticks) -> seen.add(seq + ":" + status));
        assertThat(seen).containsExactly("65534:1", "65535:0", "0:0", "1:0", "2:1", "3:1");
    }

    @Test
    void writerMisuseIsAnException() {
        RtcpTransportCcWriter w = new RtcpTransportCcWriter(1).reset(1, 2, 0, 0);
        assertThatThrownBy(() -> w.write(out, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new RtcpTransportCcWriter(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RtcpTransportCcWriter(65536)).isInstanceOf(IllegalArgumentException.class);
        w.add(0);
        assertThatThrownBy(() -> w.write(MemorySegment.ofArray(new byte[20]), 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void gstreamerFeedbackReencodedByUsKeepsEveryStatusAndArrival() {
        RtcpCompound c = new RtcpCompound(true);
        RtcpTransportCc ours = new RtcpTransportCc();
        int checked = 0;
        for (RtcpVectors.CaptureRow row : RtcpVectors.capture("gstreamer-1.22-avpf-capture.tsv")) {
            MemorySegment s = MemorySegment.ofArray(row.payload());
            c.wrap(s, 0, row.payload().length);
            while (c.next()) {
                if (!c.read(view).ok()) {
                    continue;
                }
                RtcpTransportCcWriter w = new RtcpTransportCcWriter(view.packetStatusCount())
                        .reset(view.senderSsrc(), view.mediaSsrc(), view.baseSequence(), view.feedbackPacketCount());
                List<String> theirs = new ArrayList<>();
                view.rewindPackets();
                while (view.nextPacket()) {
                    assertThat(w.add(view.packetReceived() ? view.packetArrivalMicros() : NR)).isTrue();
                    theirs.add(view.packetSequence() + ":" + view.packetStatus() + ":" + view.packetArrivalMicros());
                }
                int n = w.write(out, 0);
                assertThat(ours.wrap(out, 0, n)).isEqualTo(PacketStatus.OK);
                List<String> mine = new ArrayList<>();
                while (ours.nextPacket()) {
                    mine.add(ours.packetSequence() + ":" + ours.packetStatus() + ":" + ours.packetArrivalMicros());
                }
                assertThat(mine).as("frame %d", row.frame()).containsExactlyElementsOf(theirs);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(200);
    }

    @Test
    void parserRefusals() {
        String head = "8fcd%04x 00000001 00000002 0000";
        // status count 0: libwebrtc refuses empty feedback too
        assertThat(wrapHex(String.format(head, 5) + "0000 00000000 2000 0000")).isEqualTo(PacketStatus.BAD_COUNT);
        // 30 packets but the only chunk covers 20 and no more chunks fit
        assertThat(wrapHex(String.format(head, 5) + "001e 00000000 0014 0000")).isEqualTo(PacketStatus.BAD_COUNT);
        // 3 small deltas announced, 2 bytes of room
        assertThat(wrapHex(String.format(head, 5) + "0003 00000000 2003 0000")).isEqualTo(PacketStatus.BAD_COUNT);
        // a run of the reserved symbol 11
        assertThat(wrapHex(String.format(head, 5) + "0001 00000000 6001 0000")).isEqualTo(PacketStatus.BAD_FORMAT);
        // 11 in the unused tail of a 2-bit vector is ignored: only status count symbols are read
        assertThat(wrapHex(String.format(head, 5) + "0001 00000000 c03f 0000")).isEqualTo(PacketStatus.OK);
        assertThat(view.receivedCount()).isZero();
        // shorter than the fixed part
        assertThat(wrapHex("8fcd0003 00000001 00000002 00000001")).isEqualTo(PacketStatus.TOO_SHORT);
        // a NACK is not transport-cc
        assertThat(wrapHex("81cd0003 00000001 00000002 00010000")).isEqualTo(PacketStatus.WRONG_TYPE);
    }

    private PacketStatus wrapHex(String hex) {
        byte[] b = Bytes.fromHex(hex);
        return view.wrap(MemorySegment.ofArray(b), 0, b.length);
    }
}
