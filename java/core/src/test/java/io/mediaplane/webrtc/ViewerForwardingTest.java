package io.mediaplane.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.rtp.PacketStatus;
import io.mediaplane.rtp.RtcpNack;
import io.mediaplane.rtp.RtpHeader;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-viewer rewrite without a network: what a viewer is sent (its PT, SSRC, continuous numbering across
 * publishers, the keyframe gate) and how its NACKs are answered over RTX from the history. The egress (SRTP seal
 * and send, covered by the interop tests) is replaced by a recorder.
 */
class ViewerForwardingTest {
    private static final int IDR = 0x65;
    private static final int NON_IDR = 0x41;

    private NegotiatedMedia published;
    private NegotiatedMedia viewed;
    private ViewerSession viewer;
    private final List<byte[]> sent = new ArrayList<>();

    @BeforeEach
    void setUp() {
        AnswerResult.Answered pub = (AnswerResult.Answered) SdpFixtures.answerer(false).answerPublisher(
                SdpFixtures.preferVideo(SdpFixtures.offer("chromium-156-publish.sdp"), "H264", "1"));
        AnswerResult.Answered view = (AnswerResult.Answered) SdpFixtures.answerer(true)
                .answerViewer(SdpFixtures.offer("chromium-156-view.sdp"), pub.media());
        published = pub.video();
        viewed = view.video();
        viewer = new ViewerSession("viewer-session-id-0123", new Room("r"), view, "\"e\"", null,
                new SplittableRandom(3));
        viewer.egress((s, off, len, cap) -> sent.add(s.asSlice(off, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
    }

    private RtpPacket packet(int seq, int ts, int nal, int size) {
        byte[] b = new byte[RtpHeader.FIXED_LENGTH + size];
        MemorySegment s = MemorySegment.ofArray(b);
        RtpHeader.write(s, 0, true, published.payloadType(), seq, ts, 0x11223344);
        b[RtpHeader.FIXED_LENGTH] = (byte) nal;
        for (int i = 1; i < size; i++) {
            b[RtpHeader.FIXED_LENGTH + i] = (byte) (seq + i);
        }
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(s, 0, b.length)).isEqualTo(PacketStatus.OK);
        return p;
    }

    private static RtpPacket view(byte[] b) {
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(MemorySegment.ofArray(b), 0, b.length)).isEqualTo(PacketStatus.OK);
        return p;
    }

    @Test
    void viewerGetsItsOwnNumberingFromTheFirstKeyframeOnAndContinuesAcrossPublishers() {
        viewer.write(1, published, packet(100, 9000, NON_IDR, 50), 16); // before any keyframe: held back
        assertThat(sent).isEmpty();
        for (int i = 0; i < 5; i++) {
            viewer.write(1, published, packet(101 + i, 9000 + 3000 * i, i == 0 ? IDR : NON_IDR, 100), 16);
        }
        assertThat(sent).hasSize(5);
        RtpPacket first = view(sent.getFirst());
        assertThat(first.payloadType()).isEqualTo(viewed.payloadType());
        assertThat(first.ssrc() & 0xFFFF_FFFFL).isEqualTo(viewed.localSsrc());
        for (int i = 1; i < 5; i++) {
            RtpPacket p = view(sent.get(i));
            assertThat(p.sequenceNumber()).isEqualTo((first.sequenceNumber() + i) & 0xFFFF);
            assertThat(p.timestamp() - first.timestamp()).isEqualTo(3000 * i);
            assertThat(p.payloadLength()).isEqualTo(100);
        }
        int lastSeq = view(sent.getLast()).sequenceNumber();
        int lastTs = view(sent.getLast()).timestamp();

        // a new publisher (generation 2) with unrelated numbers: held until its keyframe, then seamless
        viewer.write(2, published, packet(60000, 123, NON_IDR, 80), 16);
        assertThat(sent).hasSize(5);
        viewer.write(2, published, packet(60001, 456, IDR, 80), 16);
        viewer.write(2, published, packet(60002, 3456, NON_IDR, 80), 16);
        assertThat(view(sent.get(5)).sequenceNumber()).isEqualTo((lastSeq + 1) & 0xFFFF);
        assertThat(view(sent.get(5)).timestamp() - lastTs).isEqualTo(3000);
        assertThat(view(sent.get(6)).sequenceNumber()).isEqualTo((lastSeq + 2) & 0xFFFF);
        assertThat(view(sent.get(6)).timestamp() - lastTs).isEqualTo(6000);
    }

    @Test
    void nackIsAnsweredOverRtxFromTheHistory() {
        for (int i = 0; i < 6; i++) {
            viewer.write(1, published, packet(7 + i, 3000 * i, i == 0 ? IDR : NON_IDR, 300), 16);
        }
        byte[] lost = sent.get(3);
        int lostSeq = view(lost).sequenceNumber();
        sent.clear();
        byte[] rtcp = new byte[64];
        MemorySegment s = MemorySegment.ofArray(rtcp);
        int len = RtcpNack.write(s, 0, 0x5EED, (int) viewed.localSsrc(), new int[] {lostSeq}, 1);
        viewer.onRtcp(null, s, 0, len);

        assertThat(viewer.nacksReceived.sum()).isEqualTo(1);
        assertThat(viewer.retransmitted()).isEqualTo(1);
        assertThat(sent).hasSize(1);
        RtpPacket rtx = view(sent.getFirst());
        assertThat(viewed.rtxPayloadType()).isPositive();
        assertThat(rtx.payloadType()).isEqualTo(viewed.rtxPayloadType());
        assertThat(rtx.ssrc() & 0xFFFF_FFFFL).isEqualTo(viewed.localRtxSsrc());
        assertThat(rtx.timestamp()).isEqualTo(view(lost).timestamp());
        byte[] payload = Arrays.copyOfRange(sent.getFirst(), rtx.headerLength(), sent.getFirst().length);
        // RFC 4588 §4: the original sequence number, then the original payload
        assertThat(((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF)).isEqualTo(lostSeq);
        assertThat(Arrays.copyOfRange(payload, 2, payload.length))
                .isEqualTo(Arrays.copyOfRange(lost, RtpHeader.FIXED_LENGTH, lost.length));
    }

    @Test
    void keyframeRequestsOfViewersAreCountedAndTheGateAsksForOne() {
        byte[] rtcp = new byte[64];
        MemorySegment s = MemorySegment.ofArray(rtcp);
        int len = io.mediaplane.rtp.RtcpPli.write(s, 0, 0x5EED, (int) viewed.localSsrc());
        viewer.onRtcp(null, s, 0, len);
        viewer.onRtcp(null, s, 0, len);
        assertThat(viewer.keyframeRequestsReceived.sum()).isEqualTo(2);
        // no publisher in the room: nothing to send upstream, nothing coalesced either
        assertThat(viewer.room().keyframeRequestsSent()).isZero();
    }
}
