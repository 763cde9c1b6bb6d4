package io.mediaplane.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.net.DtlsCertificate;
import io.mediaplane.net.DtlsRole;
import io.mediaplane.net.IceCredentials;
import io.mediaplane.net.MediaPort;
import io.mediaplane.net.MediaPortOptions;
import io.mediaplane.net.PeerAddress;
import io.mediaplane.net.PeerTransport;
import io.mediaplane.net.PortEvent;
import io.mediaplane.net.SendStatus;
import io.mediaplane.net.Stun;
import io.mediaplane.net.StunWriter;
import io.mediaplane.net.TransportConfig;
import io.mediaplane.net.TransportListener;
import io.mediaplane.net.TransportState;
import io.mediaplane.buffer.Bytes;
import io.mediaplane.rtp.PacketStatus;
import io.mediaplane.rtp.RtcpNack;
import io.mediaplane.rtp.RtpHeader;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A publisher packet to a room of viewers over real DTLS-SRTP on loopback, through {@link FanOut} with and without
 * helper threads: every viewer gets every packet, rewritten to its own numbering, opened with its own context, in
 * order; a viewer whose transport ended costs the others nothing.
 */
class FanOutTest {
    private static final int VIEWERS = 7;
    private final DtlsCertificate serverCert = DtlsCertificate.generate("server");
    private final DtlsCertificate viewerCert = DtlsCertificate.generate("viewer");
    private MediaPort server;
    private final List<MediaPort> viewerPorts = new ArrayList<>();
    private final List<LinkedBlockingQueue<byte[]>> received = new ArrayList<>();
    private final List<ViewerSession> viewers = new ArrayList<>();
    private Room room;
    private PublisherSession publisher;
    private NegotiatedMedia published;

    private record Recorder(LinkedBlockingQueue<byte[]> rtp) implements TransportListener {
        @Override
        public void onRtp(PeerTransport t, MemorySegment p, long o, int l) {
            rtp.add(p.asSlice(o, l).toArray(ValueLayout.JAVA_BYTE));
        }

        @Override
        public void onRtcp(PeerTransport t, MemorySegment p, long o, int l) {}
    }

    @BeforeEach
    void connect() throws Exception {
        AnswerResult.Answered pub = (AnswerResult.Answered) SdpFixtures.answerer(false).answerPublisher(
                SdpFixtures.preferVideo(SdpFixtures.offer("chromium-156-publish.sdp"), "H264", "1"));
        AnswerResult.Answered view = (AnswerResult.Answered) SdpFixtures.answerer(true)
                .answerViewer(SdpFixtures.offer("chromium-156-view.sdp"), pub.media());
        published = pub.video();
        room = new Room("r");
        publisher = new PublisherSession("publisher-session-0123", room, pub, "\"p\"", null, null);
        InetSocketAddress lo = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = MediaPort.open(lo, MediaPortOptions.defaults().withCertificate(serverCert));
        List<PeerTransport> toViewers = new ArrayList<>();
        for (int i = 0; i < VIEWERS; i++) {
            MediaPort port = MediaPort.open(lo, MediaPortOptions.defaults().withCertificate(viewerCert));
            viewerPorts.add(port);
            IceCredentials s = IceCredentials.random();
            IceCredentials c = IceCredentials.random();
            LinkedBlockingQueue<byte[]> q = new LinkedBlockingQueue<>();
            received.add(q);
            ViewerSession v = new ViewerSession("viewer-session-" + i + "-0123", room, view, "\"e\"", null,
                    new SplittableRandom(i));
            PeerTransport toViewer = server.register(new TransportConfig(s, c, DtlsRole.SERVER,
                    viewerCert.fingerprint(), TransportConfig.DEFAULT_SRTP_PROFILES), new Recorder(new LinkedBlockingQueue<>()));
            PeerTransport viewer = port.register(new TransportConfig(c, s, DtlsRole.CLIENT, serverCert.fingerprint(),
                    TransportConfig.DEFAULT_SRTP_PROFILES), new Recorder(q));
            check(port, s, c, server);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (toViewer.remoteAddress() == null && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            viewer.useRemoteCandidate(PeerAddress.of(server.localAddress())); // the server is lite: no check back
            v.transport = toViewer;
            toViewers.add(toViewer);
            viewers.add(v);
            room.addViewer(v);
        }
        for (PeerTransport t : toViewers) {
            assertThat(t.whenConnected().get(20, TimeUnit.SECONDS)).isEqualTo(TransportState.CONNECTED);
        }
    }

    /**
     * The viewer's connectivity check (USE-CANDIDATE, signed with the server's password, RFC 8445 §7.2.2): the lite
     * server validates the viewer's address from it.
     */
    private static void check(MediaPort viewerPort, IceCredentials server, IceCredentials viewer, MediaPort to) {
        byte[] tx = new byte[12];
        new SplittableRandom(viewerPort.localAddress().getPort()).nextBytes(tx);
        byte[] out = new byte[256];
        StunWriter w = new StunWriter().start(out, 0, Stun.BINDING_REQUEST, tx, 0)
                .username(server.ufrag() + ":" + viewer.ufrag()).iceControlling(42).useCandidate()
                .priority(0x6E7F1EFFL).messageIntegrity(server.pwd().getBytes(StandardCharsets.UTF_8)).fingerprint();
        viewerPort.send(PeerAddress.of(to.localAddress()), MemorySegment.ofArray(out), 0, w.length());
    }

    @AfterEach
    void close() {
        server.close();
        viewerPorts.forEach(MediaPort::close);
    }

    private RtpPacket packet(int seq, boolean keyframe) {
        byte[] b = new byte[RtpHeader.FIXED_LENGTH + 600];
        MemorySegment s = MemorySegment.ofArray(b);
        RtpHeader.write(s, 0, false, published.payloadType(), seq, seq * 3000, 0x11223344);
        b[RtpHeader.FIXED_LENGTH] = (byte) (keyframe ? 0x65 : 0x41); // H264 IDR / non-IDR slice
        for (int i = RtpHeader.FIXED_LENGTH + 1; i < b.length; i++) {
            b[i] = (byte) (seq * 7 + i);
        }
        RtpPacket p = new RtpPacket();
        assertThat(p.wrap(s, 0, b.length)).isEqualTo(PacketStatus.OK);
        return p;
    }

    /**
     * Through the publisher's receive path: each video packet is kept once (its {@code PacketRing}), the viewers'
     * histories keep only tickets, and a viewer's NACK is answered over RTX (RFC 4588 §4) with the packet rewritten
     * again for that viewer — byte for byte what it got the first time; one asked for after the ring moved on is not
     * resent.
     */
    @Test
    void nacksAreAnsweredFromThePublishersOneCopyRewrittenForTheViewer() throws Exception {
        PeerTransport any = viewers.getFirst().transport;
        int packets = 40;
        for (int seq = 0; seq < packets; seq++) {
            RtpPacket p = packet(2000 + seq, seq == 0);
            publisher.onRtp(any, p.segment(), 0, p.length());
        }
        ViewerSession viewer = viewers.get(2);
        NegotiatedMedia mine = viewer.negotiated().video();
        assertThat(mine.rtxPayloadType()).isNotNegative();
        List<byte[]> got = new ArrayList<>();
        for (int seq = 0; seq < packets; seq++) {
            byte[] b = received.get(2).poll(10, TimeUnit.SECONDS);
            assertThat(b).as("packet %d", seq).isNotNull();
            got.add(b);
        }
        assertThat(viewer.historyCopies()).isZero(); // tickets only: the one copy is the publisher's
        int first = RtpHeader.sequenceNumber(MemorySegment.ofArray(got.getFirst()), 0);
        int[] lost = {(first + 5) & 0xFFFF, (first + 31) & 0xFFFF};
        byte[] nack = new byte[64];
        int n = RtcpNack.write(MemorySegment.ofArray(nack), 0, 7, (int) mine.localSsrc(), lost, lost.length);
        viewer.onRtcp(viewer.transport, MemorySegment.ofArray(nack), 0, n);
        for (int k = 0; k < lost.length; k++) {
            byte[] rtx = received.get(2).poll(10, TimeUnit.SECONDS);
            assertThat(rtx).as("retransmission %d", k).isNotNull();
            byte[] original = got.get(k == 0 ? 5 : 31);
            MemorySegment r = MemorySegment.ofArray(rtx);
            assertThat(RtpHeader.payloadType(r, 0)).isEqualTo(mine.rtxPayloadType());
            assertThat(RtpHeader.ssrc(r, 0) & 0xFFFF_FFFFL).isEqualTo(mine.localRtxSsrc());
            assertThat(Bytes.u16(r, RtpHeader.FIXED_LENGTH)).isEqualTo(lost[k]); // the original sequence number
            assertThat(RtpHeader.timestamp(r, 0)).isEqualTo(RtpHeader.timestamp(MemorySegment.ofArray(original), 0));
            assertThat(Arrays.copyOfRange(rtx, RtpHeader.FIXED_LENGTH + 2, rtx.length))
                    .isEqualTo(Arrays.copyOfRange(original, RtpHeader.FIXED_LENGTH, original.length));
        }
        assertThat(viewer.retransmitted()).isEqualTo(2);

        // the publisher's ring (twice a viewer's history) has moved on past packet 5: that one is gone
        for (int seq = packets; seq < packets + 2 * ViewerSession.HISTORY_PACKETS; seq++) {
            RtpPacket p = packet(2000 + seq, false);
            publisher.onRtp(any, p.segment(), 0, p.length());
            if (seq % 50 == 0) {
                Thread.sleep(2);
            }
        }
        int last = (first + packets + 2 * ViewerSession.HISTORY_PACKETS - 1) & 0xFFFF;
        int[] again = {(first + 5) & 0xFFFF, last};
        n = RtcpNack.write(MemorySegment.ofArray(nack), 0, 7, (int) mine.localSsrc(), again, again.length);
        viewer.onRtcp(viewer.transport, MemorySegment.ofArray(nack), 0, n);
        assertThat(viewer.retransmitted()).isEqualTo(3); // only the newest
    }

    /**
     * Packets received in one batch go out viewer by viewer. The first batch starts with the keyframe: every viewer
     * starts from the publisher's GOP replay, which already holds the whole batch, and must not get the batch's
     * later packets a second time.
     */
    @Test
    void aReceiveBatchGoesOutViewerByViewerAndAReplayIsNotFollowedByItsOwnPackets() throws Exception {
        PeerTransport any = viewers.getFirst().transport;
        FanOut fanOut = publisher.fanOut(any);
        int[] batches = {4, 1, 7, 3};
        int packets = 0;
        for (int size : batches) {
            int first = packets;
            fanOut.asOneBatch(() -> {
                for (int i = first; i < first + size; i++) {
                    RtpPacket p = packet(3000 + i, i == 0);
                    publisher.onRtp(any, p.segment(), 0, p.length());
                }
            });
            packets += size;
        }
        assertThat(fanOut.groupedPackets()).isEqualTo(4 + 7 + 3);
        for (int v = 0; v < VIEWERS; v++) {
            expectInOrder(v, packets, 3000);
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 3})
    void everyViewerGetsEveryPacketInOrderOpenedWithItsOwnContext(int threads) throws Exception {
        // a viewer whose transport ended: skipped, nobody else notices
        ViewerSession gone = viewers.get(4);
        gone.transport.close();
        int packets = 60;
        try (FanOut fanOut = new FanOut(server, threads, 2)) {
            ViewerSession[] all = room.viewerArray();
            for (int seq = 0; seq < packets; seq++) {
                fanOut.forward(publisher, published, packet(1000 + seq, seq == 0), all, System.nanoTime(),
                        publisher.generation(), ViewerSession.NO_REFERENCE);
                if (seq % 10 == 0) {
                    Thread.sleep(2); // the viewers' ports drain; this is about order and keys, not buffers
                }
            }
            assertThat(fanOut.splitPackets()).isEqualTo(threads == 1 ? 0 : packets);
        }
        for (int v = 0; v < VIEWERS; v++) {
            if (v == 4) {
                assertThat(gone.rtpSent()).isZero();
                continue;
            }
            expectInOrder(v, packets, 1000);
            assertThat(viewerPorts.get(v).counters().get(PortEvent.SRTP_REFUSED)).isZero();
            assertThat(viewers.get(v).transport().sendCount(SendStatus.SENT)).isGreaterThanOrEqualTo(packets);
        }
    }

    /**
     * Viewer {@code v} got exactly the {@code packets} packets numbered from {@code firstSent} (the first a keyframe),
     * in order: its own SSRC, payload type and continuous numbering, the payload unchanged; nothing more.
     */
    private void expectInOrder(int v, int packets, int firstSent) throws InterruptedException {
        NegotiatedMedia mine = viewers.get(v).negotiated().video();
        int firstSeq = -1;
        for (int i = 0; i < packets; i++) {
            byte[] got = received.get(v).poll(10, TimeUnit.SECONDS);
            assertThat(got).as("viewer %d packet %d", v, i).isNotNull();
            RtpPacket p = new RtpPacket();
            assertThat(p.wrap(MemorySegment.ofArray(got), 0, got.length)).isEqualTo(PacketStatus.OK);
            assertThat(p.ssrc() & 0xFFFF_FFFFL).isEqualTo(mine.localSsrc());
            assertThat(p.payloadType()).isEqualTo(mine.payloadType());
            if (firstSeq < 0) {
                firstSeq = p.sequenceNumber();
            }
            assertThat(p.sequenceNumber()).isEqualTo((firstSeq + i) & 0xFFFF);
            RtpPacket sent = packet(firstSent + i, i == 0);
            assertThat(Arrays.copyOfRange(got, (int) p.payloadOffset(), (int) p.payloadOffset() + p.payloadLength()))
                    .as("viewer %d packet %d", v, i)
                    .isEqualTo(sent.segment().asSlice(sent.payloadOffset(), sent.payloadLength())
                            .toArray(ValueLayout.JAVA_BYTE));
        }
        assertThat(received.get(v).poll(50, TimeUnit.MILLISECONDS)).as("viewer %d: nothing more", v).isNull();
        assertThat(viewers.get(v).rtpSent()).isEqualTo(packets);
    }
}
