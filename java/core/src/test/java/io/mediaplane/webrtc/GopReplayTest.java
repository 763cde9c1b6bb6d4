package io.mediaplane.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.rtp.PacketStatus;
import io.mediaplane.rtp.RtpHeader;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The publisher's cached group of pictures ({@link RtpGopCache}) and a joining viewer's start from it: what is kept
 * (from the keyframe whose SPS/PPS/IDR share a timestamp, bounded in bytes), and what the viewer is sent (the
 * whole group through its rewrite, numbered continuously, timestamps with the publisher's spacing, then live).
 */
class GopReplayTest {
    private static final int SPS = 0x67;
    private static final int PPS = 0x68;
    private static final int IDR = 0x65;
    private static final int NON_IDR = 0x41;

    private NegotiatedMedia published;
    private NegotiatedMedia viewed;
    private ViewerSession viewer;
    private final List<byte[]> sent = new ArrayList<>();
    private final Keyframes keyframes = new Keyframes();

    @BeforeEach
    void setUp() {
        AnswerResult.Answered pub = (AnswerResult.Answered) SdpFixtures.answerer(false).answerPublisher(
                SdpFixtures.preferVideo(SdpFixtures.offer("chromium-156-publish.sdp"), "H264", "1"));
        AnswerResult.Answered view = (AnswerResult.Answered) SdpFixtures.answerer(true)
                .answerViewer(SdpFixtures.offer("chromium-156-view.sdp"), pub.media());
        published = pub.video();
        viewed = view.video();
        viewer = new ViewerSession("viewer-session-id-4567", new Room("r"), view, "\"e\"", null,
                new SplittableRandom(5));
        viewer.egress((s, off, len, cap) -> sent.add(s.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE)));
    }

    private RtpPacket packet(int seq, int ts, int nal, int size) {
        byte[] b = new byte[RtpHeader.FIXED_LENGTH + size];
        MemorySegment s = MemorySegment.ofArray(b);
        RtpHeader.write(s, 0, true, published.payloadType(), seq, ts, 0x11223344);
        b[RtpHeader.FIXED_LENGTH] = (byte) nal;
        for (int i = 1; i < size; i++) {
            b[RtpHeader.FIXED_LENGTH + i] = (byte) (seq * 7 + i);
        }
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(s, 0, b.length)).isEqualTo(PacketStatus.OK);
        return p;
    }

    /** What the publisher's receive path does with one video packet: cache it, then forward it. */
    private void receive(RtpGopCache gop, RtpPacket p) {
        receive(gop, p, true);
    }

    private void receive(RtpGopCache gop, RtpPacket p, boolean compress) {
        gop.onPacket(p, keyframes.startsKeyframe(published.codec(), p.segment(), p.payloadOffset(),
                p.payloadLength()));
        if (!viewer.startFromReplay(1, published, gop.holdsKeyframe() ? gop : null, 16, compress,
                System.nanoTime())) {
            viewer.write(1, published, p, 16);
        }
    }

    private static RtpPacket view(byte[] b) {
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(MemorySegment.ofArray(b), 0, b.length)).isEqualTo(PacketStatus.OK);
        return p;
    }

    @Test
    void cacheStartsAtTheKeyframeWithItsParameterSetsAndIsDroppedWhenOverTheBound() {
        RtpGopCache gop = new RtpGopCache(4000);
        RtpPacket before = packet(9, 0, NON_IDR, 100);
        gop.onPacket(before, false);
        assertThat(gop.holdsKeyframe()).isFalse();
        // SPS, PPS, IDR of one picture (one timestamp): the IDR start does not restart the group
        gop.onPacket(packet(10, 3000, SPS, 20), true);
        gop.onPacket(packet(11, 3000, PPS, 8), false);
        gop.onPacket(packet(12, 3000, IDR, 500), true);
        gop.onPacket(packet(13, 6000, NON_IDR, 300), false);
        assertThat(gop.packets()).isEqualTo(4);
        assertThat(gop.bytes()).isEqualTo(4 * RtpHeader.FIXED_LENGTH + 20 + 8 + 500 + 300);
        List<Integer> seqs = new ArrayList<>();
        List<Long> references = new ArrayList<>();
        assertThat(gop.replay(false, (p, ts, ref) -> {
            seqs.add(p.sequenceNumber());
            references.add(ref);
        })).isTrue();
        assertThat(seqs).containsExactly(10, 11, 12, 13);
        // each reference finds its packet again while the group is cached (a viewer's NACK for a replayed one)
        RtpPacket found = new RtpPacket();
        for (int i = 0; i < references.size(); i++) {
            assertThat(references.get(i)).isNegative();
            assertThat(gop.view(references.get(i), found)).isTrue();
            assertThat(found.sequenceNumber()).isEqualTo(10 + i);
        }

        // the group grows past 4000 bytes: dropped whole, nothing to replay until the next keyframe
        for (int i = 0; i < 4; i++) {
            gop.onPacket(packet(14 + i, 9000 + 3000 * i, NON_IDR, 1000), false);
        }
        assertThat(gop.holdsKeyframe()).isFalse();
        assertThat(gop.overflows.sum()).isEqualTo(1);
        assertThat(gop.replay(false, (p, ts, ref) -> seqs.add(-1))).isFalse();
        assertThat(gop.view(references.get(0), found)).isFalse();
        gop.onPacket(packet(20, 30000, IDR, 200), true);
        assertThat(gop.packets()).isEqualTo(1);
        // index 0 of the new group is not the old group's index 0
        assertThat(gop.view(references.get(0), found)).isFalse();
        assertThat(gop.view(1, found)).isFalse(); // not a reference of this cache at all
    }

    @ParameterizedTest(name = "compress {0}")
    @ValueSource(booleans = {false, true})
    void joiningViewerGetsTheWholeGroupNumberedContinuouslyThenLive(boolean compress) {
        RtpGopCache gop = new RtpGopCache(PublisherSession.GOP_CACHE_BYTES);
        List<RtpPacket> group = new ArrayList<>();
        int seq = 40000;
        int ts = 123456;
        group.add(packet(seq++, ts, SPS, 20));
        group.add(packet(seq++, ts, PPS, 8));
        group.add(packet(seq++, ts, IDR, 1100));
        for (int f = 1; f < 40; f++) {
            group.add(packet(seq++, ts + 3000 * f, NON_IDR, 400 + f));
        }
        // the group goes by before the viewer exists: only the cache sees it
        for (RtpPacket p : group) {
            gop.onPacket(p, keyframes.startsKeyframe(published.codec(), p.segment(), p.payloadOffset(),
                    p.payloadLength()));
        }
        List<byte[]> groupBytes = new ArrayList<>();
        for (RtpPacket p : group) {
            groupBytes.add(p.segment().asSlice(p.offset(), p.length()).toArray(ValueLayout.JAVA_BYTE));
        }

        // the viewer connects; the next live packet starts it from the cache
        RtpPacket live = packet(seq++, ts + 3000 * 40, NON_IDR, 333);
        receive(gop, live, compress);
        assertThat(sent).hasSize(group.size() + 1);
        assertThat(viewer.replayedPackets()).isEqualTo(group.size() + 1);
        RtpPacket first = view(sent.getFirst());
        for (int i = 0; i < sent.size(); i++) {
            RtpPacket out = view(sent.get(i));
            byte[] original = i < group.size() ? groupBytes.get(i)
                    : live.segment().asSlice(live.offset(), live.length()).toArray(ValueLayout.JAVA_BYTE);
            RtpPacket in = view(original);
            assertThat(out.payloadType()).isEqualTo(viewed.payloadType());
            assertThat(out.ssrc() & 0xFFFF_FFFFL).isEqualTo(viewed.localSsrc());
            assertThat(out.sequenceNumber()).isEqualTo((first.sequenceNumber() + i) & 0xFFFF);
            // 40 pictures before the live one: spaced as sent, or compressed to one tick apart ending just before it
            int picture = (in.timestamp() - ts) / 3000;
            assertThat(out.timestamp() - first.timestamp())
                    .isEqualTo(compress ? picture : in.timestamp() - ts);
            assertThat(Arrays.copyOfRange(sent.get(i), out.headerLength(), sent.get(i).length))
                    .isEqualTo(Arrays.copyOfRange(original, in.headerLength(), original.length));
        }
        // then live, one packet each, no second replay
        receive(gop, packet(seq, ts + 3000 * 41, NON_IDR, 222), compress);
        assertThat(sent).hasSize(group.size() + 2);
        // live continues from the live picture's timestamp with the publisher's spacing (RFC 3550 §5.1)
        int live0 = view(sent.get(group.size())).timestamp();
        assertThat(view(sent.getLast()).timestamp() - live0).isEqualTo(3000);
        assertThat(live0 - view(sent.get(group.size() - 1)).timestamp()).isEqualTo(compress ? 1 : 3000);
        assertThat(view(sent.getLast()).sequenceNumber())
                .isEqualTo((first.sequenceNumber() + group.size() + 1) & 0xFFFF);
        assertThat(gop.replays.sum()).isEqualTo(1);
        assertThat(viewer.replayedPackets()).isEqualTo(group.size() + 1);
    }

    /**
     * A keyframe whose start packet was lost and came back as a retransmission after the rest of the picture: the
     * new group takes the picture's packets that came before its start, so a joiner replays the whole keyframe.
     */
    @Test
    void aKeyframeStartRepairedLateKeepsTheRestOfItsPicture() {
        RtpGopCache gop = new RtpGopCache(PublisherSession.GOP_CACHE_BYTES);
        gop.onPacket(packet(10, 3000, IDR, 300), true);
        gop.onPacket(packet(11, 6000, NON_IDR, 200), false);
        // the next keyframe (timestamp 9000): its first packet, SPS (12), is lost; 13 and 14 (FU-A middle and end of
        // the IDR: not starts) arrive, then the P frame's 15, then 12 repaired
        gop.onPacket(fuA(13, 9000, false), false);
        gop.onPacket(fuA(14, 9000, false), false);
        gop.onPacket(packet(12, 9000, SPS, 20), true);
        gop.onPacket(packet(15, 12000, NON_IDR, 200), false);
        List<Integer> seqs = new ArrayList<>();
        List<Integer> timestamps = new ArrayList<>();
        assertThat(gop.replay(false, (p, ts, ref) -> {
            seqs.add(p.sequenceNumber());
            timestamps.add(ts);
        })).isTrue();
        assertThat(seqs).containsExactly(13, 14, 12, 15);
        assertThat(timestamps).containsExactly(9000, 9000, 9000, 12000);
        assertThat(gop.frames()).isEqualTo(2);
        List<Integer> compressed = new ArrayList<>();
        gop.replay(true, (p, ts, ref) -> compressed.add(ts));
        assertThat(compressed).containsExactly(11999, 11999, 11999, 12000);
    }

    @Test
    void aFirstKeyframeWhoseStartArrivesLateIsCachedWhole() {
        RtpGopCache gop = new RtpGopCache(PublisherSession.GOP_CACHE_BYTES);
        gop.onPacket(packet(1, 3000, NON_IDR, 200), false); // joined mid-group: nothing to replay
        gop.onPacket(fuA(3, 6000, false), false);
        gop.onPacket(fuA(4, 6000, false), false);
        assertThat(gop.holdsKeyframe()).isFalse();
        gop.onPacket(packet(2, 6000, SPS, 20), true); // the publisher's first keyframe start, repaired
        gop.onPacket(packet(5, 9000, NON_IDR, 200), false);
        assertThat(replayedSequences(gop)).containsExactly(3, 4, 2, 5);
        assertThat(gop.frames()).isEqualTo(2);
    }

    @Test
    void afterAnOverflowTheNextKeyframeRepairedLateIsCachedWhole() {
        RtpGopCache gop = new RtpGopCache(4000);
        gop.onPacket(packet(10, 3000, IDR, 1500), true);
        gop.onPacket(packet(11, 6000, NON_IDR, 1500), false);
        gop.onPacket(packet(12, 9000, NON_IDR, 1500), false); // over 4000 bytes: the group is dropped
        assertThat(gop.holdsKeyframe()).isFalse();
        assertThat(gop.overflows.sum()).isEqualTo(1);
        gop.onPacket(packet(13, 12000, NON_IDR, 300), false);
        gop.onPacket(fuA(15, 15000, false), false);
        gop.onPacket(packet(13, 12000, NON_IDR, 300), false); // an older picture's straggler: not held
        gop.onPacket(fuA(16, 15000, false), false);
        gop.onPacket(packet(14, 15000, SPS, 20), true);
        assertThat(replayedSequences(gop)).containsExactly(15, 16, 14);
        assertThat(gop.overflows.sum()).isEqualTo(1);
    }

    private static List<Integer> replayedSequences(RtpGopCache gop) {
        List<Integer> seqs = new ArrayList<>();
        assertThat(gop.replay(false, (p, ts, ref) -> seqs.add(p.sequenceNumber()))).isTrue();
        return seqs;
    }

    /** An FU-A (RFC 6184 §5.8) fragment of an IDR slice, neither its start nor its end unless asked. */
    private RtpPacket fuA(int seq, int ts, boolean start) {
        RtpPacket p = packet(seq, ts, 0x7C, 100); // FU indicator: NRI 3, type 28
        p.segment().set(ValueLayout.JAVA_BYTE, p.payloadOffset() + 1, (byte) ((start ? 0x80 : 0) | 5));
        return p;
    }

    @Test
    void withoutACachedGroupTheViewerWaitsForAKeyframe() {
        RtpGopCache gop = new RtpGopCache(PublisherSession.GOP_CACHE_BYTES);
        receive(gop, packet(1, 3000, NON_IDR, 100));
        receive(gop, packet(2, 6000, NON_IDR, 100));
        assertThat(sent).isEmpty();
        receive(gop, packet(3, 9000, IDR, 100)); // the keyframe starts the cache and the viewer: one packet
        assertThat(sent).hasSize(1);
        receive(gop, packet(4, 12000, NON_IDR, 100));
        assertThat(sent).hasSize(2);
        assertThat(gop.replays.sum()).isEqualTo(1);
    }
}
