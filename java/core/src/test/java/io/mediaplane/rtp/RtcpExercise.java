package io.mediaplane.rtp;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Drives every RTCP parser and accessor over arbitrary bytes and checks the invariants that must hold for any
 * input: no exception, every offset an accepted view hands out lies inside its packet, counts agree with
 * iteration, and what the writers rebuild from a parsed NACK or transport-cc reads back the same. Shared by the
 * Jazzer target ({@link RtcpFuzzTest}) and the mutation test ({@link RtcpMutationTest}).
 */
final class RtcpExercise {
    /**
     * Rebuilding feedback for up to 65535 packets costs a millisecond; above this many the fuzzer keeps its speed
     * and only the parse side is checked (the round-trip test covers large writes).
     */
    private static final int REBUILD_LIMIT = 4096;

    private final RtcpCompound strict = new RtcpCompound(false);
    private final RtcpCompound reduced = new RtcpCompound(true);
    private final RtcpSenderReport sr = new RtcpSenderReport();
    private final RtcpReceiverReport rr = new RtcpReceiverReport();
    private final RtcpReportBlock block = new RtcpReportBlock();
    private final RtcpSdes sdes = new RtcpSdes();
    private final RtcpBye bye = new RtcpBye();
    private final RtcpApp app = new RtcpApp();
    private final RtcpFeedback feedback = new RtcpFeedback();
    private final RtcpNack nack = new RtcpNack();
    private final RtcpNack nackAgain = new RtcpNack();
    private final RtcpPli pli = new RtcpPli();
    private final RtcpFir fir = new RtcpFir();
    private final RtcpRemb remb = new RtcpRemb();
    private final RtcpTransportCc tcc = new RtcpTransportCc();
    private final RtcpTransportCc tccAgain = new RtcpTransportCc();
    private final RtcpPacketView[] views = {sr, rr, sdes, bye, app, feedback, nack, pli, fir, remb, tcc};
    private final RtcpTransportCcWriter tccWriter = new RtcpTransportCcWriter(RtcpTransportCcWriter.MAX_PACKETS);
    private final MemorySegment scratch = MemorySegment.ofArray(new byte[RtcpHeader.MAX_PACKET_LENGTH]);
    private final int[] lost = new int[RtcpHeader.MAX_PACKET_LENGTH / 4 * 17];
    private final int[] lostAgain = new int[lost.length];
    private final long[] arrivals = new long[RtcpTransportCcWriter.MAX_PACKETS];
    private final int[] statuses = new int[RtcpTransportCcWriter.MAX_PACKETS];
    private int lostCount;
    private int lostAgainCount;

    private static void check(boolean invariant, String what) {
        if (!invariant) {
            throw new AssertionError(what);
        }
    }

    /** Runs everything over {@code data}; throws only on a broken invariant. */
    void run(byte[] data) {
        MemorySegment s = MemorySegment.ofArray(data);
        for (RtcpCompound c : new RtcpCompound[] {strict, reduced}) {
            PacketStatus status = c.wrap(s, 0, data.length);
            if (!status.ok()) {
                check(!c.next() && c.packetCount() == 0, "a refused compound yields packets");
                continue;
            }
            long expectedOffset = 0;
            int packets = 0;
            while (c.next()) {
                check(c.packetOffset() == expectedOffset, "packets tile the datagram");
                check(c.packetLength() >= RtcpHeader.LENGTH && c.packetOffset() + c.packetLength() <= data.length,
                        "packet inside the datagram");
                check(c.type() != null, "type inside the RTCP range");
                expectedOffset += c.packetLength();
                packets++;
                for (RtcpPacketView v : views) {
                    if (c.read(v).ok()) {
                        check(v.offset() == c.packetOffset() && v.length() == c.packetLength(), "view on its packet");
                        exercise(v);
                    } else {
                        check(!v.isWrapped(), "a refused view holds no packet");
                    }
                }
            }
            check(expectedOffset == data.length && packets == c.packetCount(), "packets cover the datagram");
        }
        // views also wrap standalone, over whatever starts the datagram
        for (RtcpPacketView v : views) {
            if (v.wrap(s, 0, data.length).ok()) {
                check(v.length() <= data.length, "standalone view inside the datagram");
                exercise(v);
            }
        }
    }

    private void exercise(RtcpPacketView v) {
        long end = v.offset() + v.length() - v.paddingLength();
        check(v.paddingLength() >= 0 && end >= v.offset() + RtcpHeader.LENGTH, "padding inside the packet");
        switch (v) {
            case RtcpSenderReport p -> {
                p.senderSsrc();
                p.ntpTimestamp();
                p.compactNtp();
                p.rtpTimestamp();
                check(p.packetCount() >= 0 && p.octetCount() >= 0, "unsigned counts");
                for (int i = 0; i < p.reportCount(); i++) {
                    exercise(p.reportBlock(i, block), end);
                }
                check(p.extensionLength() >= 0 && p.extensionOffset() + p.extensionLength() == end, "extension");
            }
            case RtcpReceiverReport p -> {
                p.senderSsrc();
                for (int i = 0; i < p.reportCount(); i++) {
                    exercise(p.reportBlock(i, block), end);
                }
                check(p.extensionLength() >= 0 && p.extensionOffset() + p.extensionLength() == end, "extension");
            }
            case RtcpSdes p -> {
                for (int i = 0; i < p.chunkCount(); i++) {
                    p.chunkSsrc(i);
                }
                p.rewindItems();
                int items = 0;
                while (p.nextItem()) {
                    items++;
                    check(p.itemValueOffset() >= p.offset() + 8 && p.itemValueOffset() + p.itemValueLength() <= end,
                            "SDES item inside the packet");
                    p.itemType();
                    p.itemText();
                }
                check(items <= (p.length() - 4) / 2, "item count");
                if (p.chunkCount() > 0) {
                    int ssrc = p.chunkSsrc(p.chunkCount() - 1);
                    String cname = p.cname(ssrc);
                    check(cname == null || p.itemType() == RtcpSdesItemType.CNAME.code(), "cname lookup");
                }
            }
            case RtcpBye p -> {
                for (int i = 0; i < p.ssrcCount(); i++) {
                    p.ssrc(i);
                }
                if (p.hasReason()) {
                    check(p.reasonOffset() + p.reasonLength() <= end, "reason inside the packet");
                    p.reason();
                }
            }
            case RtcpApp p -> {
                p.subtype();
                p.ssrc();
                p.nameText();
                check(p.dataLength() >= 0 && p.dataOffset() + p.dataLength() == end, "APP data inside the packet");
            }
            case RtcpNack p -> exerciseNack(p);
            case RtcpFir p -> {
                check(p.entryCount() > 0, "FIR entries");
                for (int i = 0; i < p.entryCount(); i++) {
                    p.entrySsrc(i);
                    check(p.entrySequence(i) < 256, "8-bit seq nr");
                }
            }
            case RtcpRemb p -> {
                check(p.bitrate() >= 0, "bitrate fits 63 bits");
                for (int i = 0; i < p.ssrcCount(); i++) {
                    p.ssrc(i);
                }
            }
            case RtcpTransportCc p -> exerciseTransportCc(p, end);
            case RtcpFeedback p -> {
                p.senderSsrc();
                p.mediaSsrc();
                p.transportLayer();
                check(p.fciOffset() + p.fciLength() == end, "FCI inside the packet");
            }
            default -> throw new AssertionError("unexpected view " + v);
        }
    }

    private static void exercise(RtcpReportBlock b, long end) {
        check(b.offset() + RtcpReportBlock.LENGTH <= end, "report block inside the packet");
        b.ssrc();
        b.fractionLost();
        int lost = b.cumulativeLost();
        check(lost >= -0x80_0000 && lost <= 0x7F_FFFF, "signed 24-bit cumulative loss");
        b.extendedHighestSequence();
        b.jitter();
        b.lastSenderReport();
        b.delaySinceLastSenderReport();
    }

    private void exerciseNack(RtcpNack p) {
        lostCount = 0;
        int n = p.forEachLost(seq -> lost[lostCount++] = seq);
        check(n == lostCount && n == p.lostCount(), "NACK counts agree");
        // our packing of the same losses reads back as the same set
        int written = RtcpNack.write(scratch, 0, p.senderSsrc(), p.mediaSsrc(), lost, lostCount);
        check(written <= p.length() - p.paddingLength(), "repacking is never longer");
        check(nackAgain.wrap(scratch, 0, written).ok(), "repacked NACK parses");
        lostAgainCount = 0;
        nackAgain.forEachLost(seq -> lostAgain[lostAgainCount++] = seq);
        int[] a = Arrays.stream(lost, 0, lostCount).distinct().sorted().toArray();
        int[] b = Arrays.stream(lostAgain, 0, lostAgainCount).distinct().sorted().toArray();
        check(Arrays.equals(a, b), "repacked NACK reports the same losses");
    }

    private void exerciseTransportCc(RtcpTransportCc p, long end) {
        check(p.deltasOffset() <= end, "deltas start inside the packet");
        int count = 0;
        int received = 0;
        p.rewindPackets();
        while (p.nextPacket()) {
            check(p.packetSequence() == ((p.baseSequence() + count) & 0xFFFF), "consecutive sequence numbers");
            int status = p.packetStatus();
            check(status >= 0 && status <= 2, "status symbol");
            statuses[count] = status;
            arrivals[count] = p.packetReceived() ? p.packetArrivalMicros() : RtcpTransportCcWriter.NOT_RECEIVED;
            received += p.packetReceived() ? 1 : 0;
            count++;
        }
        check(count == p.packetStatusCount() && received == p.receivedCount(), "TCC counts agree");
        if (count > REBUILD_LIMIT) {
            return;
        }
        // rebuild it with our writer: every status and the time between arrivals survive
        tccWriter.reset(p.senderSsrc(), p.mediaSsrc(), p.baseSequence(), p.feedbackPacketCount());
        for (int i = 0; i < count; i++) {
            check(tccWriter.add(arrivals[i]), "every parsed delta fits the writer");
        }
        int written = tccWriter.write(scratch, 0);
        check(tccAgain.wrap(scratch, 0, written).ok(), "rebuilt transport-cc parses");
        long previousTheirs = Long.MIN_VALUE;
        long previousOurs = Long.MIN_VALUE;
        for (int i = 0; tccAgain.nextPacket(); i++) {
            check(tccAgain.packetReceived() == (statuses[i] != RtcpTransportCc.NOT_RECEIVED), "received again");
            if (tccAgain.packetReceived()) {
                long ours = tccAgain.packetArrivalMicros();
                if (previousTheirs != Long.MIN_VALUE) {
                    check(ours - previousOurs == arrivals[i] - previousTheirs, "inter-arrival time kept");
                }
                previousTheirs = arrivals[i];
                previousOurs = ours;
            }
        }
    }
}
