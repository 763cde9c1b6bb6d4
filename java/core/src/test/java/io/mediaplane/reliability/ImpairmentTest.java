package io.mediaplane.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.codec.AnnexB;
import io.mediaplane.codec.H264Depacketizer;
import io.mediaplane.codec.H264Packetizer;
import io.mediaplane.rtp.RtcpNack;
import io.mediaplane.rtp.RtcpPli;
import io.mediaplane.rtp.RtcpReceiverReport;
import io.mediaplane.rtp.RtcpReportBlock;
import io.mediaplane.rtp.RtcpSenderReport;
import io.mediaplane.rtp.RtpPacket;
import io.mediaplane.testing.Peers;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real H264 clip (libx264 through FFmpeg, made at test time) packetized, sent through a seeded impairment
 * injector (5% loss, 2% reorder, 1% duplicates, 10 ms each way) to a receiver made of this package's parts, all on
 * one simulated clock. With the NACK/RTX loop at least 99% of the lost packets come back; without retransmission
 * the receiver never emits a corrupt access unit (FFmpeg decodes what it emitted without one error, each frame
 * equal to decoding the source), asks for a keyframe with a PLI, and resumes at the next IDR.
 */
class ImpairmentTest {
    private static final int FRAMES = 300;
    private static final int GOP = 30;
    private static final long MS = 1_000_000L;
    private static final long ONE_WAY = 10 * MS;
    private static final int SSRC = 0x5EED_0001;
    private static final int RTX_SSRC = 0x5EED_0002;
    private static final int RECEIVER_SSRC = 0x5EED_0003;

    @TempDir
    static Path dir;
    private static List<byte[]> accessUnits;
    private static boolean[] idr;
    private static List<String> reference;

    @BeforeAll
    static void encodeClip() throws Exception {
        Peers.require("ffmpeg", "ffmpeg");
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-frames:v", Integer.toString(FRAMES),
                "-c:v", "libx264", "-preset", "veryfast", "-g", Integer.toString(GOP), "-bf", "0", "-b:v", "1500k",
                "-x264-params", "aud=1", "-f", "h264", dir + "/source.h264");
        byte[] source = Files.readAllBytes(dir.resolve("source.h264"));
        accessUnits = splitAtDelimiters(source);
        assertThat(accessUnits).hasSize(FRAMES);
        idr = new boolean[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            idr[i] = hasNal(accessUnits.get(i), 5);
        }
        reference = decode(dir.resolve("source.h264"), "reference");
        assertThat(reference).hasSize(FRAMES);
    }

    @Test
    void nackAndRtxRecoverAlmostEveryLostPacket() throws Exception {
        Run run = new Run(true);
        run.simulate();
        Set<Integer> lost = run.droppedOriginals;
        assertThat(lost).as("the injector lost packets").hasSizeGreaterThan(30);
        long recovered = lost.stream().filter(run.deliveredSeqs::contains).count();
        assertThat((double) recovered / lost.size()).as("recovered %d of %d", recovered, lost.size())
                .isGreaterThanOrEqualTo(0.99);
        assertThat(run.history.resent()).isGreaterThanOrEqualTo(lost.size());
        assertThat(run.unwrapper.unwrapped()).isPositive();
        assertThat(run.reorder.counters().get(ReliabilityStatus.DUPLICATE)).isPositive();
        assertThat(run.measuredRtt).isBetween(19 * MS, 21 * MS); // SR → RR with LSR/DLSR over the simulated path
        assertDecodesLikeTheSource(run, "recovered");
        assertThat(run.emitted.size()).isGreaterThanOrEqualTo(FRAMES - GOP);
        run.close();
    }

    @Test
    void withoutRetransmissionNoCorruptFrameAndDecodingResumesAtTheNextIdr() throws Exception {
        Run run = new Run(false);
        run.simulate();
        assertThat(run.droppedOriginals).hasSizeGreaterThan(30);
        assertThat(run.history.resent()).isZero();
        assertThat(run.plis).as("PLIs written").isPositive();
        assertThat(run.plisReceived).isPositive();
        // exactly the frames whose whole chain since the last IDR arrived are emitted; an IDR that lost only
        // parameter sets or its delimiter is still whole (the depacketizer restores SPS and PPS from its cache)
        TreeMap<Integer, Boolean> expected = new TreeMap<>();
        boolean chainIntact = false;
        for (int i = 0; i < FRAMES; i++) {
            boolean intact = run.framePackets.get(i).stream().noneMatch(run.droppedOriginals::contains);
            boolean slicesIntact = run.framePackets.get(i).stream()
                    .noneMatch(seq -> run.sliceSeqs.contains(seq) && run.droppedOriginals.contains(seq));
            chainIntact = idr[i] ? slicesIntact && i > 0 || intact : chainIntact && intact;
            if (chainIntact) {
                expected.put(i, true);
            }
        }
        assertThat(run.emitted.keySet()).containsExactlyElementsOf(expected.keySet());
        assertThat(run.emitted.size()).isLessThan(FRAMES - GOP); // losses did cost frames
        // after every gap the next frame emitted is an IDR
        int previous = -1;
        for (int i : run.emitted.keySet()) {
            if (i != previous + 1) {
                assertThat(idr[i]).as("frame %d after a gap", i).isTrue();
            }
            previous = i;
        }
        assertDecodesLikeTheSource(run, "impaired");
        run.close();
    }

    /** FFmpeg decodes the emitted stream without an error, and every frame equals the source's decoded frame. */
    private static void assertDecodesLikeTheSource(Run run, String name) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        run.emitted.values().forEach(all::writeBytes);
        Path file = dir.resolve(name + ".h264");
        Files.write(file, all.toByteArray());
        List<String> decoded = decode(file, name);
        List<String> expected = run.emitted.keySet().stream().map(reference::get).toList();
        assertThat(decoded).isEqualTo(expected);
    }

    /** One sender and one receiver joined by the impaired link, on a simulated clock. */
    private final class Run {
        final boolean retransmit;
        final ManualClock clock = new ManualClock();
        final PriorityQueue<Event> events = new PriorityQueue<>();
        long order;
        final ImpairmentInjector injector = new ImpairmentInjector(20261121, 0.05, 0.02, 0.01, ONE_WAY, 5 * MS);
        final Set<Integer> droppedOriginals = new HashSet<>();
        final Set<Integer> deliveredSeqs = new HashSet<>();
        final Set<Integer> sliceSeqs = new HashSet<>();
        final List<List<Integer>> framePackets = new ArrayList<>();
        final TreeMap<Integer, byte[]> emitted = new TreeMap<>();
        long plis;
        long plisReceived;
        long measuredRtt = -1;

        // sender
        final PacketPool senderPool = PacketPool.heap(2600, 1500);
        final RetransmissionHistory history = new RetransmissionHistory(senderPool, 2048, 2000 * MS);
        final SenderReporter senderReporter = new SenderReporter(SSRC, 90000, clock);
        final H264Packetizer packetizer;
        int currentFrame;

        // receiver
        final PacketPool receiverPool = PacketPool.heap(1024, 1500);
        final RtpPacket view = new RtpPacket();
        final RtpPacket orderedView = new RtpPacket();
        final RtxUnwrapper unwrapper = new RtxUnwrapper().payloadType(97, 96).ssrc(SSRC, RTX_SSRC);
        final NackGenerator nack = new NackGenerator().rttNanos(2 * ONE_WAY).maxAgeNanos(400 * MS);
        final ReorderBuffer reorder;
        final H264Depacketizer depacketizer;
        final ReceiverStatistics stats = new ReceiverStatistics(SSRC, 90000);
        final KeyframeRequester keyframes = new KeyframeRequester(KeyframeRequester.Method.PLI, RECEIVER_SSRC, SSRC);
        boolean waitingForKeyframe = true;
        final MemorySegment rtcp = MemorySegment.ofArray(new byte[1500]);

        Run(boolean retransmit) {
            this.retransmit = retransmit;
            if (retransmit) {
                history.rtx(97, RTX_SSRC, 30000);
            }
            packetizer = new H264Packetizer(senderPool, this::sendOriginal, 96, SSRC, 65000, 1200);
            depacketizer = new H264Depacketizer(this::onAccessUnit);
            reorder = new ReorderBuffer(this::onOrdered, 512, retransmit ? 450 * MS : 30 * MS);
        }

        void at(long time, Runnable action) {
            events.add(new Event(time, order++, action));
        }

        void simulate() {
            long frameInterval = 1_000_000_000L / 30;
            for (int i = 0; i < FRAMES; i++) {
                int frame = i;
                at(i * frameInterval, () -> sendFrame(frame));
            }
            long end = FRAMES * frameInterval + 2000 * MS;
            for (long t = 0; t < end; t += 5 * MS) {
                at(t, this::receiverTimer);
            }
            for (long t = 500 * MS; t < end; t += 1000 * MS) {
                at(t, this::senderReport);
            }
            while (!events.isEmpty()) {
                Event e = events.poll();
                clock.set(e.time);
                e.action.run();
            }
            reorder.flushAll();
        }

        // ---- sender ----

        void sendFrame(int frame) {
            currentFrame = frame;
            framePackets.add(new ArrayList<>());
            byte[] au = accessUnits.get(frame);
            packetizer.packetizeAnnexB(MemorySegment.ofArray(au), 0, au.length, 3000 * frame);
        }

        void sendOriginal(PacketBuffer b) {
            long now = clock.nanos();
            assertThat(history.store(b, now)).isEqualTo(ReliabilityStatus.OK);
            byte[] wire = b.toArray();
            int seq = ((wire[2] & 0xFF) << 8) | (wire[3] & 0xFF);
            senderReporter.onPacketSent(3000 * currentFrame, wire.length - 12, now);
            framePackets.get(currentFrame).add(seq);
            if (carriesSlice(wire)) {
                sliceSeqs.add(seq);
            }
            b.release();
            if (!injector.send(wire, now, this::arrive)) {
                droppedOriginals.add(seq);
            }
        }

        void sendRetransmission(PacketBuffer b) {
            byte[] wire = b.toArray();
            b.release();
            injector.send(wire, clock.nanos(), this::arrive);
        }

        void senderReport() {
            int n = senderReporter.write(rtcp, 0, clock.nanos());
            RtcpSenderReport sr = new RtcpSenderReport();
            assertThat(sr.wrap(rtcp, 0, n).ok()).isTrue();
            long compact = sr.compactNtp();
            at(clock.nanos() + ONE_WAY, () -> {
                stats.onSenderReport(compact, clock.nanos());
                // the receiver answers 3 ms later with a receiver report
                at(clock.nanos() + 3 * MS, this::receiverReport);
            });
        }

        void onFeedback(byte[] packet) {
            MemorySegment s = MemorySegment.ofArray(packet);
            RtcpNack nackView = new RtcpNack();
            if (nackView.wrap(s, 0, packet.length).ok()) {
                history.onNack(nackView, clock.nanos(), this::sendRetransmission);
                return;
            }
            RtcpPli pli = new RtcpPli();
            assertThat(pli.wrap(s, 0, packet.length).ok()).isTrue();
            assertThat(pli.mediaSsrc()).isEqualTo(SSRC);
            plisReceived++; // the clip is encoded already: its next IDR answers
        }

        void onReceiverReport(byte[] packet) {
            RtcpReceiverReport rr = new RtcpReceiverReport();
            assertThat(rr.wrap(MemorySegment.ofArray(packet), 0, packet.length).ok()).isTrue();
            RtcpReportBlock block = rr.reportBlock(0, new RtcpReportBlock());
            long rtt = senderReporter.onReportBlock(block, clock.nanos());
            if (rtt > 0) {
                measuredRtt = rtt;
                history.rttNanos(rtt);
            }
        }

        // ---- receiver ----

        void arrive(byte[] datagram, long arrival) {
            at(arrival, () -> {
                long now = clock.nanos();
                PacketBuffer b = receiverPool.acquire();
                b.put(datagram);
                assertThat(view.wrap(b).ok()).isTrue();
                boolean retransmission = false;
                if (unwrapper.isRtx(view)) {
                    if (!unwrapper.unwrap(view, b).ok()) {
                        b.release();
                        return;
                    }
                    retransmission = true;
                }
                int seq = view.sequenceNumber();
                if (retransmit) {
                    nack.onPacket(seq, now);
                }
                stats.onPacket(seq, view.timestamp(), now, retransmission);
                reorder.push(b, seq, now);
            });
        }

        void onOrdered(PacketBuffer b) {
            assertThat(orderedView.wrap(b).ok()).isTrue();
            deliveredSeqs.add(orderedView.sequenceNumber());
            depacketizer.push(orderedView);
            b.release();
        }

        void onAccessUnit(MemorySegment data, long offset, int length, int timestamp, boolean keyframe, int lost) {
            if (lost > 0) {
                waitingForKeyframe = true;
                keyframes.request(clock.nanos(), false);
            }
            if (waitingForKeyframe && !keyframe) {
                return; // it refers to what was lost: a decoder would show garbage until the next IDR
            }
            if (keyframe) {
                waitingForKeyframe = false;
                keyframes.onKeyframe();
            }
            byte[] copy = new byte[length];
            MemorySegment.copy(data, java.lang.foreign.ValueLayout.JAVA_BYTE, offset, copy, 0, length);
            emitted.put(timestamp / 3000, copy);
        }

        void receiverTimer() {
            long now = clock.nanos();
            reorder.poll(now);
            if (retransmit) {
                int n = nack.writeNack(now, rtcp, 0, RECEIVER_SSRC, SSRC);
                if (n > 0) {
                    byte[] packet = rtcp.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                    at(now + ONE_WAY, () -> onFeedback(packet));
                }
                if (nack.takeKeyframeNeeded()) {
                    keyframes.request(now, false);
                }
            }
            if (keyframes.awaitingKeyframe() && keyframes.poll(now) && stats.received() > 0) {
                int n = keyframes.write(rtcp, 0, now);
                plis++;
                byte[] packet = rtcp.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                at(now + ONE_WAY, () -> onFeedback(packet));
            }
        }

        void receiverReport() {
            long now = clock.nanos();
            int n = RtcpReceiverReport.write(rtcp, 0, RECEIVER_SSRC);
            n += stats.appendReportBlock(rtcp, 0, now);
            byte[] packet = rtcp.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            at(now + ONE_WAY, () -> onReceiverReport(packet));
        }

        void close() {
            reorder.close();
            history.close();
            assertThat(receiverPool.outstanding()).isZero();
            assertThat(senderPool.outstanding()).isZero();
        }
    }

    private record Event(long time, long order, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    // ---- the clip and the decoder ----

    private static List<byte[]> splitAtDelimiters(byte[] stream) {
        MemorySegment s = MemorySegment.ofArray(stream);
        long[] offsets = new long[1 << 16];
        int[] lengths = new int[1 << 16];
        int n = AnnexB.split(s, 0, stream.length, offsets, lengths);
        List<byte[]> units = new ArrayList<>();
        ByteArrayOutputStream current = null;
        for (int i = 0; i < n; i++) {
            int type = stream[(int) offsets[i]] & 0x1F;
            if (type == 9 || current == null) { // an access unit delimiter starts each access unit
                if (current != null) {
                    units.add(current.toByteArray());
                }
                current = new ByteArrayOutputStream();
            }
            current.writeBytes(new byte[] {0, 0, 0, 1});
            current.write(stream, (int) offsets[i], lengths[i]);
        }
        if (current != null) {
            units.add(current.toByteArray());
        }
        return units;
    }

    /** Whether an RTP packet (12-byte header) of ours carries (part of) a coded slice, RFC 6184 §5.6-5.8. */
    private static boolean carriesSlice(byte[] packet) {
        int type = packet[12] & 0x1F;
        if (type == 28) {
            type = packet[13] & 0x1F; // FU-A: the fragmented unit's type
        }
        if (type == 24) { // STAP-A: each aggregated unit
            for (int p = 13; p + 2 < packet.length; ) {
                int size = ((packet[p] & 0xFF) << 8) | (packet[p + 1] & 0xFF);
                int t = packet[p + 2] & 0x1F;
                if (t == 1 || t == 5) {
                    return true;
                }
                p += 2 + size;
            }
            return false;
        }
        return type == 1 || type == 5;
    }

    private static boolean hasNal(byte[] au, int type) {
        long[] offsets = new long[256];
        int[] lengths = new int[256];
        int n = AnnexB.split(MemorySegment.ofArray(au), 0, au.length, offsets, lengths);
        for (int i = 0; i < n; i++) {
            if ((au[(int) offsets[i]] & 0x1F) == type) {
                return true;
            }
        }
        return false;
    }

    /** Per-frame MD5s of FFmpeg's decoding of {@code file}, failing on any decoder error message. */
    private static List<String> decode(Path file, String name) throws Exception {
        Path md5 = dir.resolve(name + ".md5");
        String log = ffmpeg("-v", "error", "-threads", "1", "-i", file.toString(), "-f", "framemd5", md5.toString());
        assertThat(log).as("decoder errors for %s", name).isBlank();
        return Files.readAllLines(md5).stream().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.substring(l.lastIndexOf(',') + 1).trim()).toList();
    }

    private static String ffmpeg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y"));
        cmd.addAll(List.of(args));
        try (Peers.Running p = Peers.start(cmd)) {
            assertThat(p.awaitExit(120)).as("ffmpeg %s:\n%s", cmd, p.output()).isZero();
            return p.output();
        }
    }
}
