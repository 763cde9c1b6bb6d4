package io.mediaplane.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.rtp.RtcpNack;
import io.mediaplane.rtp.RtpHeader;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RetransmissionHistory answering NACKs (plain and RFC 4588 RTX) and RtxUnwrapper restoring the originals. */
class RetransmissionTest {
    private static final long MS = 1_000_000L;
    private static final int SSRC = 0x1234_5678;
    private static final int RTX_SSRC = 0x0BAD_CAFE;
    private final PacketPool pool = PacketPool.heap(64, 1500);
    private final List<PacketBuffer> sent = new ArrayList<>();

    @AfterEach
    void noLeak() {
        sent.forEach(PacketBuffer::release);
        assertThat(pool.outstanding()).isZero();
    }

    /** An RTP packet with a CSRC, a one-byte extension, {@code payload} bytes and optional padding. */
    private static byte[] packet(int seq, int payload, int padding, Random r) {
        byte[] b = new byte[12 + 4 + 8 + payload + padding];
        MemorySegment s = MemorySegment.ofArray(b);
        RtpHeader.write(s, 0, seq % 3 == 0, 96, seq, 3000 * (seq / 3), SSRC, 0xC5C5C5C5);
        RtpHeader.setExtension(s, 0, true);
        Bytes.put16(s, 16, 0xBEDE);
        Bytes.put16(s, 18, 1);
        Bytes.put8(s, 20, 0x12); // id 1, 3 bytes
        Bytes.put24(s, 21, seq);
        for (int i = 0; i < payload; i++) {
            b[24 + i] = (byte) r.nextInt(256);
        }
        if (padding > 0) {
            RtpHeader.setPadding(s, 0, true);
            b[b.length - 1] = (byte) padding;
        }
        return b;
    }

    private static byte[] nack(int... seqs) {
        byte[] b = new byte[256];
        int n = RtcpNack.write(MemorySegment.ofArray(b), 0, 1, SSRC, seqs, seqs.length);
        return java.util.Arrays.copyOf(b, n);
    }

    private static RtcpNack view(byte[] nack) {
        RtcpNack v = new RtcpNack();
        assertThat(v.wrap(MemorySegment.ofArray(nack), 0, nack.length).ok()).isTrue();
        return v;
    }

    @Test
    void rtxCarriesTheOsnAndUnwrapsToTheOriginal() {
        Random r = new Random(1);
        List<byte[]> originals = new ArrayList<>();
        try (RetransmissionHistory history = new RetransmissionHistory(pool, 32, 2000 * MS).rtx(97, RTX_SSRC, 500)) {
            for (int seq = 65530; seq < 65546; seq++) {
                byte[] p = packet(seq & 0xFFFF, 50 + r.nextInt(900), seq % 4 == 0 ? 4 : 0, r);
                originals.add(p);
                assertThat(history.store(MemorySegment.ofArray(p), 0, p.length, seq * MS)).isEqualTo(ReliabilityStatus.OK);
            }
            int resent = history.onNack(view(nack(65531, 65535, 0, 2)), 65546 * MS, sent::add);
            assertThat(resent).isEqualTo(4);
        }
        RtxUnwrapper unwrapper = new RtxUnwrapper().payloadType(97, 96).ssrc(SSRC, RTX_SSRC);
        RtpPacket view = new RtpPacket();
        int[] expectedOsn = {65531, 65535, 0, 2};
        for (int k = 0; k < sent.size(); k++) {
            PacketBuffer b = sent.get(k);
            assertThat(view.wrap(b).ok()).isTrue();
            assertThat(view.payloadType()).isEqualTo(97);
            assertThat(view.ssrc()).isEqualTo(RTX_SSRC);
            assertThat(view.sequenceNumber()).isEqualTo(500 + k); // the RTX stream's own numbering
            assertThat(view.hasPadding()).isFalse();
            assertThat(Bytes.u16(view.segment(), view.payloadOffset())).isEqualTo(expectedOsn[k]);
            assertThat(unwrapper.isRtx(view)).isTrue();
            assertThat(unwrapper.unwrap(view, b)).isEqualTo(ReliabilityStatus.OK);
            byte[] original = originals.get((expectedOsn[k] - 65530) & 0xFFFF);
            RtpPacket orig = new RtpPacket();
            orig.wrap(MemorySegment.ofArray(original), 0, original.length);
            orig.stripPadding();
            byte[] unpadded = java.util.Arrays.copyOf(original, orig.length());
            assertThat(b.toArray()).isEqualTo(unpadded);
        }
    }

    @Test
    void plainResendIsTheStoredPacket() {
        Random r = new Random(2);
        byte[] p = packet(7, 300, 8, r);
        try (RetransmissionHistory history = new RetransmissionHistory(pool, 16, 2000 * MS)) {
            history.store(MemorySegment.ofArray(p), 0, p.length, 0);
            assertThat(history.resend(7, MS, sent::add)).isEqualTo(ReliabilityStatus.OK);
            assertThat(sent.getFirst().toArray()).isEqualTo(p);
        }
    }

    @Test
    void oncePerRoundTripAndOnlyWhileYoungEnough() {
        Random r = new Random(3);
        try (RetransmissionHistory history = new RetransmissionHistory(pool, 16, 1000 * MS).rttNanos(30 * MS)) {
            for (int seq = 0; seq < 4; seq++) {
                byte[] p = packet(seq, 100, 0, r);
                history.store(MemorySegment.ofArray(p), 0, p.length, 0);
            }
            assertThat(history.resend(1, 10 * MS, sent::add)).isEqualTo(ReliabilityStatus.OK);
            assertThat(history.resend(1, 39 * MS, sent::add)).isEqualTo(ReliabilityStatus.RESEND_TOO_SOON);
            assertThat(history.resend(1, 40 * MS, sent::add)).isEqualTo(ReliabilityStatus.OK);
            assertThat(history.resend(9, 40 * MS, sent::add)).isEqualTo(ReliabilityStatus.NOT_IN_HISTORY);
            assertThat(history.resend(2, 1000 * MS, sent::add)).isEqualTo(ReliabilityStatus.NOT_IN_HISTORY);
            byte[] p = packet(4, 100, 0, r);
            history.store(MemorySegment.ofArray(p), 0, p.length, 1500 * MS); // ages the others out
            assertThat(history.buffersHeld()).isEqualTo(1);
            assertThat(history.counters().get(ReliabilityStatus.RESEND_TOO_SOON)).isEqualTo(1);
        }
    }

    @Test
    void boundedByPacketCountWithoutPoolChurn() {
        Random r = new Random(4);
        try (RetransmissionHistory history = new RetransmissionHistory(pool, 8, 2000 * MS)) {
            for (int seq = 0; seq < 100; seq++) {
                byte[] p = packet(seq, 100, 0, r);
                history.store(MemorySegment.ofArray(p), 0, p.length, seq * MS);
                assertThat(history.buffersHeld()).isLessThanOrEqualTo(8);
            }
            assertThat(pool.outstanding()).isEqualTo(8);
            assertThat(history.resend(91, 100 * MS, sent::add)).isEqualTo(ReliabilityStatus.NOT_IN_HISTORY);
            assertThat(history.resend(92, 100 * MS, sent::add)).isEqualTo(ReliabilityStatus.OK);
        }
    }

    @Test
    void retainKeepsTheBufferItselfAndReleasesItOnEviction() {
        Random r = new Random(5);
        try (RetransmissionHistory history = new RetransmissionHistory(pool, 4, 2000 * MS)) {
            List<byte[]> copies = new ArrayList<>();
            for (int seq = 0; seq < 10; seq++) {
                byte[] p = packet(seq, 200, 0, r);
                copies.add(p);
                PacketBuffer b = pool.acquire().put(p);
                assertThat(history.retain(b, seq * MS)).isEqualTo(ReliabilityStatus.OK);
                assertThat(pool.outstanding()).isLessThanOrEqualTo(4);
            }
            assertThat(history.resend(9, 10 * MS, sent::add)).isEqualTo(ReliabilityStatus.OK);
            assertThat(sent.getFirst().toArray()).isEqualTo(copies.get(9));
            assertThat(history.resend(5, 10 * MS, sent::add)).isEqualTo(ReliabilityStatus.NOT_IN_HISTORY);
            PacketBuffer stale = pool.acquire().put(packet(2, 10, 0, r));
            assertThat(history.retain(stale, 11 * MS)).isEqualTo(ReliabilityStatus.TOO_OLD); // released here
        }
    }

    /**
     * A packet kept by reference comes back from the regenerator and goes out exactly as a kept copy does, plain
     * and over RTX (seeded sizes, padding, a sequence wrap); a reference its source no longer has is not resent.
     */
    @Test
    void referencesResendWhatACopyWouldHave() {
        Random r = new Random(6);
        java.util.Map<Long, byte[]> source = new java.util.HashMap<>();
        List<PacketBuffer> fromCopies = new ArrayList<>();
        for (boolean rtx : new boolean[] {false, true}) {
            try (RetransmissionHistory copies = new RetransmissionHistory(pool, 32, 2000 * MS);
                 RetransmissionHistory references = new RetransmissionHistory(pool, 32, 2000 * MS)
                         .regenerator((ref, seq, dst, off, cap) -> {
                             byte[] b = source.get(ref);
                             if (b == null || b.length > cap) {
                                 return -1;
                             }
                             MemorySegment.copy(MemorySegment.ofArray(b), 0, dst, off, b.length);
                             return b.length;
                         })) {
                if (rtx) {
                    copies.rtx(97, RTX_SSRC, 65535);
                    references.rtx(97, RTX_SSRC, 65535);
                }
                source.clear();
                for (int seq = 65520; seq < 65550; seq++) {
                    byte[] p = packet(seq & 0xFFFF, 40 + r.nextInt(1300), r.nextInt(3) == 0 ? 1 + r.nextInt(16) : 0, r);
                    copies.store(MemorySegment.ofArray(p), 0, p.length, seq * MS);
                    source.put(1000L + seq, p);
                    assertThat(references.storeReference(seq & 0xFFFF, 1000L + seq, seq * MS))
                            .isEqualTo(ReliabilityStatus.OK);
                }
                source.remove(1000L + 65549); // its source let it go (the last one asked for, so the RTX numbering
                                              // of the others is the same in both)
                int[] lost = {65525, 65535, 0, 4, 13};
                assertThat(copies.onNack(view(nack(lost)), 65550 * MS, fromCopies::add)).isEqualTo(5);
                assertThat(references.onNack(view(nack(lost)), 65550 * MS, sent::add)).isEqualTo(4);
                assertThat(references.counters().get(ReliabilityStatus.NOT_IN_HISTORY)).isEqualTo(1);
                List<PacketBuffer> expected = new ArrayList<>(fromCopies);
                expected.remove(4); // sequence 13 (65549): the one the source no longer had
                for (int k = 0; k < expected.size(); k++) {
                    assertThat(sent.get(k).toArray()).isEqualTo(expected.get(k).toArray());
                }
                assertThat(references.buffersHeld()).isZero(); // no copies: only retransmissions took buffers
            }
            fromCopies.forEach(PacketBuffer::release);
            fromCopies.clear();
            sent.forEach(PacketBuffer::release);
            sent.clear();
        }
    }

    @Test
    void aReferenceReplacesACopyInItsSlotAndAgesOut() {
        Random r = new Random(7);
        byte[] p = packet(3, 100, 0, r);
        try (RetransmissionHistory history = new RetransmissionHistory(pool, 4, 1000 * MS)
                .regenerator((ref, seq, dst, off, cap) -> {
                    MemorySegment.copy(MemorySegment.ofArray(p), 0, dst, off, p.length);
                    return p.length;
                })) {
            byte[] old = packet(0, 100, 0, r);
            history.store(MemorySegment.ofArray(old), 0, old.length, 0);
            assertThat(history.buffersHeld()).isEqualTo(1);
            history.storeReference(4, 42, MS); // slot 0 again (4 slots): the copy is released
            assertThat(history.buffersHeld()).isZero();
            assertThat(pool.outstanding()).isZero();
            assertThat(history.resend(4, 2 * MS, sent::add)).isEqualTo(ReliabilityStatus.OK);
            assertThat(history.resend(0, 2 * MS, sent::add)).isEqualTo(ReliabilityStatus.NOT_IN_HISTORY);
            assertThat(history.resend(4, 1001 * MS, sent::add)).isEqualTo(ReliabilityStatus.NOT_IN_HISTORY);
        }
        assertThat(new RetransmissionHistory(pool, 4, MS)).satisfies(h -> org.assertj.core.api.Assertions
                .assertThatThrownBy(() -> h.storeReference(1, 1, 0)).isInstanceOf(IllegalStateException.class));
    }

    @Test
    void unwrapperRefusesWhatIsNotRtx() {
        RtxUnwrapper unwrapper = new RtxUnwrapper().payloadType(97, 96).ssrc(SSRC, RTX_SSRC);
        PacketBuffer b = pool.acquire();
        b.length(12);
        RtpHeader.write(b.segment(), b.offset(), false, 97, 1, 0, RTX_SSRC);
        RtpPacket v = new RtpPacket();
        v.wrap(b);
        assertThat(unwrapper.unwrap(v, b)).isEqualTo(ReliabilityStatus.RTX_NO_OSN); // padding-only probe
        RtpHeader.setSsrc(b.segment(), b.offset(), 42);
        v.wrap(b);
        assertThat(unwrapper.unwrap(v, b)).isEqualTo(ReliabilityStatus.NOT_RTX);
        RtpHeader.setPayloadType(b.segment(), b.offset(), 96);
        v.wrap(b);
        assertThat(unwrapper.isRtx(v)).isFalse();
        b.release();
    }

    /** In place in the caller's segment (a receive buffer): the original starts two bytes later, the OSN read first. */
    @Test
    void unwrapsInPlaceWithoutABuffer() {
        Random r = new Random(3);
        byte[] original = packet(4242, 300, 0, r);
        RtpPacket o = new RtpPacket();
        o.wrap(MemorySegment.ofArray(original), 0, original.length);
        int header = o.headerLength();
        // the RTX packet (RFC 4588 §4): the original's header with the RTX PT, SSRC and sequence number, then the OSN
        byte[] rtx = new byte[original.length + 2];
        System.arraycopy(original, 0, rtx, 0, header);
        rtx[header] = (byte) (4242 >> 8);
        rtx[header + 1] = (byte) 4242;
        System.arraycopy(original, header, rtx, header + 2, original.length - header);
        MemorySegment s = MemorySegment.ofArray(rtx);
        RtpPacket view = new RtpPacket();
        assertThat(view.wrap(s, 0, rtx.length).ok()).isTrue();
        view.setPayloadType(97);
        view.setSsrc(RTX_SSRC);
        view.setSequenceNumber(7);
        RtxUnwrapper unwrapper = new RtxUnwrapper().payloadType(97, 96).ssrc(SSRC, RTX_SSRC);
        assertThat(unwrapper.originalSequenceNumber(view)).isEqualTo(4242);
        assertThat(unwrapper.unwrap(view)).isEqualTo(ReliabilityStatus.OK);
        assertThat(view.segment()).isSameAs(s);
        assertThat(view.offset()).isEqualTo(2);
        assertThat(s.asSlice(2, view.length()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).isEqualTo(original);
        assertThat(unwrapper.unwrapped()).isEqualTo(1);

        RtpPacket probe = new RtpPacket(); // padding-only probe on the RTX stream: no OSN
        byte[] p = new byte[RtpHeader.FIXED_LENGTH];
        RtpHeader.write(MemorySegment.ofArray(p), 0, false, 97, 8, 0, RTX_SSRC);
        assertThat(probe.wrap(MemorySegment.ofArray(p), 0, p.length).ok()).isTrue();
        assertThat(unwrapper.originalSequenceNumber(probe)).isEqualTo(-1);
        assertThat(unwrapper.unwrap(probe)).isEqualTo(ReliabilityStatus.RTX_NO_OSN);
        RtpHeader.write(MemorySegment.ofArray(p), 0, false, 97, 8, 0, 0x7777);
        probe.wrap(MemorySegment.ofArray(p), 0, p.length);
        assertThat(unwrapper.originalSequenceNumber(probe)).as("an SSRC that is no RTX stream's").isEqualTo(-1);
    }
}
