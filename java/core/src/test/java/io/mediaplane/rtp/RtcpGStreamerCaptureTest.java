package io.mediaplane.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every RTCP datagram of a real GStreamer 1.22 AVPF session (SR, RR, SDES, BYE, NACK, PLI, transport-cc; see
 * {@code vectors/rtcp/README.md}) parsed by us and compared field by field, in packet order, with what tshark
 * 4.0.17 decoded from the same capture.
 */
class RtcpGStreamerCaptureTest {
    private static final String CAPTURE = "gstreamer-1.22-avpf-capture.tsv";

    private final RtcpCompound compound = new RtcpCompound(true);
    private final RtcpSenderReport sr = new RtcpSenderReport();
    private final RtcpReceiverReport rr = new RtcpReceiverReport();
    private final RtcpReportBlock block = new RtcpReportBlock();
    private final RtcpSdes sdes = new RtcpSdes();
    private final RtcpBye bye = new RtcpBye();
    private final RtcpFeedback feedback = new RtcpFeedback();
    private final RtcpNack nack = new RtcpNack();
    private final RtcpPli pli = new RtcpPli();
    private final RtcpTransportCc tcc = new RtcpTransportCc();

    /** What we decode, under tshark's field names, as tshark prints the values. */
    private final Map<String, List<String>> ours = new HashMap<>();

    private void add(String field, Object value) {
        ours.computeIfAbsent(field, k -> new ArrayList<>()).add(String.valueOf(value));
    }

    private static String hex32(int v) {
        return String.format("0x%08x", v);
    }

    @Test
    void everyDatagramAgreesWithTshark() {
        List<RtcpVectors.CaptureRow> rows = RtcpVectors.capture(CAPTURE);
        assertThat(rows).hasSize(567);
        StatusCounters statuses = new StatusCounters();
        Map<RtcpPacketType, Integer> seen = new EnumMap<>(RtcpPacketType.class);
        int nacks = 0;
        int plis = 0;
        int tccs = 0;
        int twoBitChunks = 0;
        int largeDeltas = 0;
        for (RtcpVectors.CaptureRow row : rows) {
            ours.clear();
            MemorySegment s = MemorySegment.ofArray(row.payload());
            assertThat(statuses.count(compound.wrap(s, 0, row.payload().length))).as("frame %d", row.frame())
                    .isEqualTo(PacketStatus.OK);
            int firstPt = Bytes.u8(s, 1);
            assertThat(new RtcpCompound().wrap(s, 0, row.payload().length))
                    .as("frame %d in a strict compound", row.frame())
                    .isEqualTo(firstPt == 200 || firstPt == 201 ? PacketStatus.OK : PacketStatus.BAD_FIRST_PACKET);
            while (compound.next()) {
                RtcpPacketType type = compound.type();
                seen.merge(type, 1, Integer::sum);
                add("rtcp.pt", compound.packetType());
                switch (type) {
                    case SR -> {
                        assertThat(statuses.count(compound.read(sr))).isEqualTo(PacketStatus.OK);
                        add("rtcp.rc", sr.reportCount());
                        add("rtcp.senderssrc", hex32(sr.senderSsrc()));
                        add("rtcp.timestamp.ntp.msw", sr.ntpTimestamp() >>> 32);
                        add("rtcp.timestamp.ntp.lsw", sr.ntpTimestamp() & 0xFFFF_FFFFL);
                        add("rtcp.timestamp.rtp", Integer.toUnsignedLong(sr.rtpTimestamp()));
                        add("rtcp.sender.packetcount", sr.packetCount());
                        add("rtcp.sender.octetcount", sr.octetCount());
                        for (int i = 0; i < sr.reportCount(); i++) {
                            addBlock(sr.reportBlock(i, block));
                        }
                    }
                    case RR -> {
                        assertThat(statuses.count(compound.read(rr))).isEqualTo(PacketStatus.OK);
                        add("rtcp.rc", rr.reportCount());
                        add("rtcp.senderssrc", hex32(rr.senderSsrc()));
                        for (int i = 0; i < rr.reportCount(); i++) {
                            addBlock(rr.reportBlock(i, block));
                        }
                    }
                    case SDES -> {
                        assertThat(statuses.count(compound.read(sdes))).isEqualTo(PacketStatus.OK);
                        add("rtcp.sc", sdes.chunkCount());
                        for (int c = 0; c < sdes.chunkCount(); c++) {
                            add("rtcp.ssrc.identifier", hex32(sdes.chunkSsrc(c)));
                        }
                        sdes.rewindItems();
                        while (sdes.nextItem()) {
                            add("rtcp.sdes.type", sdes.itemType());
                            add("rtcp.sdes.text", sdes.itemText());
                        }
                        for (int c = 0; c < sdes.chunkCount(); c++) {
                            add("rtcp.sdes.type", 0);
                        }
                    }
                    case BYE -> {
                        assertThat(statuses.count(compound.read(bye))).isEqualTo(PacketStatus.OK);
                        add("rtcp.sc", bye.ssrcCount());
                        for (int i = 0; i < bye.ssrcCount(); i++) {
                            add("rtcp.ssrc.identifier", hex32(bye.ssrc(i)));
                        }
                    }
                    case RTPFB, PSFB -> {
                        assertThat(statuses.count(compound.read(feedback))).isEqualTo(PacketStatus.OK);
                        add(type == RtcpPacketType.RTPFB ? "rtcp.rtpfb.fmt" : "rtcp.psfb.fmt", feedback.fmt());
                        add("rtcp.senderssrc", hex32(feedback.senderSsrc()));
                        add("rtcp.mediassrc", hex32(feedback.mediaSsrc()));
                        if (type == RtcpPacketType.PSFB && feedback.fmt() == RtcpFeedback.FMT_PLI) {
                            assertThat(statuses.count(compound.read(pli))).isEqualTo(PacketStatus.OK);
                            plis++;
                        } else if (type == RtcpPacketType.RTPFB && feedback.fmt() == RtcpFeedback.FMT_NACK) {
                            assertThat(statuses.count(compound.read(nack))).isEqualTo(PacketStatus.OK);
                            nacks++;
                            // tshark lists each PID and then, under the same field name, every BLP-flagged loss
                            nack.forEachLost(seq -> add("rtcp.rtpfb.nack_pid", seq));
                            for (int i = 0; i < nack.pairCount(); i++) {
                                add("rtcp.rtpfb.nack_blp", String.format("0x%04x", nack.blp(i)));
                            }
                        } else if (type == RtcpPacketType.RTPFB && feedback.fmt() == RtcpFeedback.FMT_TRANSPORT_CC) {
                            assertThat(statuses.count(compound.read(tcc))).isEqualTo(PacketStatus.OK);
                            tccs++;
                            add("rtcp.rtpfb.transportcc.baseseq", tcc.baseSequence());
                            add("rtcp.rtpfb.transportcc.statuscount", tcc.packetStatusCount());
                            add("rtcp.rtpfb.transportcc.reftime", tcc.referenceTime());
                            add("rtcp.rtpfb.transportcc.pktcount", tcc.feedbackPacketCount());
                            for (long at = tcc.offset() + RtcpTransportCc.FIXED_LENGTH; at < tcc.deltasOffset();
                                    at += 2) {
                                int chunk = Bytes.u16(s, at);
                                add("rtcp.rtpfb.transportcc.pktchunk", chunk);
                                twoBitChunks += (chunk & 0xC000) == 0xC000 ? 1 : 0;
                            }
                            tcc.rewindPackets();
                            while (tcc.nextPacket()) {
                                if (tcc.packetStatus() == RtcpTransportCc.RECEIVED_SMALL_DELTA) {
                                    add("rtcp.rtpfb.transportcc.recv_delta",
                                            String.format("0x%02x", tcc.packetDeltaTicks()));
                                } else if (tcc.packetStatus() == RtcpTransportCc.RECEIVED_LARGE_DELTA) {
                                    largeDeltas++;
                                    add("rtcp.rtpfb.transportcc.recv_delta",
                                            String.format("0x%04x", tcc.packetDeltaTicks() & 0xFFFF));
                                }
                            }
                        } else {
                            throw new AssertionError("unexpected feedback FMT " + feedback.fmt());
                        }
                    }
                    default -> throw new AssertionError("unexpected " + type + " in frame " + row.frame());
                }
            }
            assertThat(row.one("rtcp.length_check")).isEqualTo("1");
            for (Map.Entry<String, List<String>> e : ours.entrySet()) {
                assertThat(e.getValue()).as("frame %d %s", row.frame(), e.getKey())
                        .containsExactlyElementsOf(row.all(e.getKey()));
            }
            for (String field : row.fields().keySet()) {
                if (field.startsWith("rtcp.") && !field.equals("rtcp.length_check")) {
                    assertThat(ours).as("frame %d: tshark decoded %s, we did not", row.frame(), field)
                            .containsKey(field);
                }
            }
        }
        assertThat(statuses.dropped()).as("refused %s", statuses.snapshot()).isZero();
        // the capture really exercises every kind it claims to
        assertThat(seen).containsKeys(RtcpPacketType.SR, RtcpPacketType.RR, RtcpPacketType.SDES,
                RtcpPacketType.BYE, RtcpPacketType.RTPFB, RtcpPacketType.PSFB);
        assertThat(nacks).isGreaterThan(50);
        assertThat(plis).isGreaterThan(10);
        assertThat(tccs).isGreaterThan(200);
        assertThat(twoBitChunks).isPositive();
        assertThat(largeDeltas).isPositive();
    }

    private void addBlock(RtcpReportBlock b) {
        add("rtcp.ssrc.identifier", hex32(b.ssrc()));
        add("rtcp.ssrc.fraction", b.fractionLost());
        add("rtcp.ssrc.cum_nr", b.cumulativeLost());
        add("rtcp.ssrc.ext_high", b.extendedHighestSequence());
        add("rtcp.ssrc.jitter", b.jitter());
        add("rtcp.ssrc.lsr", b.lastSenderReport());
        add("rtcp.ssrc.dlsr", b.delaySinceLastSenderReport());
    }
}
