package io.mediaplane.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.rtp.RtpHeader;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A publisher's RTX stream (RFC 4588) without a network: a retransmission of a video packet we lack becomes that
 * packet (media payload type, SSRC and sequence number, the payload after the OSN) and goes on like any other, counted
 * as repaired and recovered; bandwidth probes on the RTX stream (padding only, or copies of packets we have) go
 * nowhere and are counted as not needed.
 */
class PublisherRtxTest {
    private final List<String> fed = new ArrayList<>();
    private final PublisherSession publisher;
    private final NegotiatedMedia video;

    PublisherRtxTest() {
        AnswerResult.Answered a = (AnswerResult.Answered) SdpFixtures.answerer(true).answerPublisher(
                SdpFixtures.preferVideo(SdpFixtures.offer("chromium-156-publish.sdp"), "H264", "1"));
        video = a.video();
        publisher = new PublisherSession("publisher-rtx-0123", new Room("r"), a, "\"p\"", null, new StreamFeed() {
            @Override
            public void accept(NegotiatedMedia media, RtpPacket p) {
                fed.add(p.payloadType() + "/" + (p.ssrc() & 0xFFFF_FFFFL) + "/" + p.sequenceNumber() + "/"
                        + p.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, p.payloadOffset()));
            }

            @Override
            public void close() {}
        });
    }

    /** A video packet (one H264 non-IDR slice byte as payload, {@code mark} after it). */
    private void media(int seq, byte mark) {
        byte[] b = new byte[RtpHeader.FIXED_LENGTH + 2];
        RtpHeader.write(MemorySegment.ofArray(b), 0, false, video.payloadType(), seq, seq * 3000,
                (int) video.remoteSsrc());
        b[RtpHeader.FIXED_LENGTH] = 0x41;
        b[RtpHeader.FIXED_LENGTH + 1] = mark;
        publisher.onRtp(null, MemorySegment.ofArray(b), 0, b.length);
    }

    /** An RTX packet with its own sequence number {@code rtxSeq} carrying {@code osn}, or no OSN when negative. */
    private void rtx(int rtxSeq, int osn) {
        byte[] b = new byte[RtpHeader.FIXED_LENGTH + (osn < 0 ? 0 : 3)];
        RtpHeader.write(MemorySegment.ofArray(b), 0, false, video.rtxPayloadType(), rtxSeq, osn * 3000,
                (int) video.remoteRtxSsrc());
        if (osn >= 0) {
            b[RtpHeader.FIXED_LENGTH] = (byte) (osn >> 8);
            b[RtpHeader.FIXED_LENGTH + 1] = (byte) osn;
            b[RtpHeader.FIXED_LENGTH + 2] = 0x41;
        }
        publisher.onRtp(null, MemorySegment.ofArray(b), 0, b.length);
    }

    @Test
    void aResendOfAMissingPacketBecomesItAndProbesGoNowhere() {
        assertThat(video.rtxPayloadType()).isPositive();
        media(100, (byte) 1);
        media(101, (byte) 2);
        media(103, (byte) 4); // 102 lost
        String rtpOf102 = video.payloadType() + "/" + video.remoteSsrc() + "/102/65";
        rtx(9, 102);
        assertThat(fed).last().isEqualTo(rtpOf102);
        assertThat(publisher.rtxRepaired()).isEqualTo(1);
        assertThat(publisher.nackRecovered()).isEqualTo(1);

        int before = fed.size();
        rtx(10, 102); // a second answer to the same request
        rtx(11, 101); // a probe's copy of a packet we have
        rtx(12, -1); // a padding-only probe
        assertThat(fed).hasSize(before);
        assertThat(publisher.rtxDropped()).isEqualTo(3);
        rtx(13, 104); // a resend that overtook the packet after it: wanted
        assertThat(fed).last().isEqualTo(video.payloadType() + "/" + video.remoteSsrc() + "/104/65");
        assertThat(publisher.rtxRepaired()).isEqualTo(2);
        assertThat(publisher.videoPacketsLost()).isZero();
    }
}
