package io.mediaplane.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.testing.Peers;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GStreamer 1.22 sends H264 and VP8 over RTP with one-byte header extensions (ntp-64 and transport-wide
 * sequence numbers); every packet must parse, and what we read must agree with how GStreamer framed it.
 */
class RtpGStreamerInteropTest {
    private static final int TWCC_ID = 3;
    private static final int NTP64_ID = 1;

    @ParameterizedTest
    @CsvSource({
        "H264, 'x264enc tune=zerolatency speed-preset=ultrafast key-int-max=10 ! video/x-h264,profile=constrained-baseline ! rtph264pay pt=96 mtu=1200'",
        "VP8, vp8enc deadline=1 keyframe-max-dist=10 target-bitrate=3000000 ! rtpvp8pay pt=96 mtu=1200"})
    void everyPacketParsesAndFramingAgrees(String codec, String encodeAndPay) throws Exception {
        Peers.require("gst-launch-1.0", "gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly");
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setReceiveBufferSize(4 << 20); // a noisy keyframe arrives as a burst
            socket.setSoTimeout(500);
            int port = socket.getLocalPort();
            String pipeline = "videotestsrc num-buffers=60 pattern=snow ! video/x-raw,width=640,height=480,framerate=30/1 ! "
                    + encodeAndPay
                    + " ! application/x-rtp,extmap-1=(string)urn:ietf:params:rtp-hdrext:ntp-64,"
                    + "extmap-3=(string)http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
                    + " ! udpsink host=127.0.0.1 port=" + port;
            List<String> cmd = new ArrayList<>(List.of("gst-launch-1.0", "-q"));
            cmd.addAll(List.of(pipeline.split(" ")));
            try (Peers.Running gst = Peers.start(cmd)) {
                byte[] buf = new byte[2048];
                DatagramPacket datagram = new DatagramPacket(buf, buf.length);
                MemorySegment seg = MemorySegment.ofArray(buf);
                RtpPacket rtp = new RtpPacket();
                StatusCounters statuses = new StatusCounters();
                int packets = 0;
                int accessUnits = 0;
                int withNtp = 0;
                int ssrc = 0;
                int lastSeq = -1;
                int lastTwcc = -1;
                Integer lastTs = null;
                boolean lastMarker = true;
                int gaps = 0;
                long deadline = System.nanoTime() + 30_000_000_000L;
                // read until GStreamer has exited and nothing more arrives
                while (System.nanoTime() < deadline) {
                    try {
                        socket.receive(datagram);
                    } catch (SocketTimeoutException e) {
                        if (gst.process().isAlive()) {
                            continue;
                        }
                        break;
                    }
                    int len = datagram.getLength();
                    assertThat(PacketKind.of(seg, 0, len)).isEqualTo(PacketKind.RTP);
                    if (!statuses.count(rtp.wrap(seg, 0, len)).ok()) {
                        continue;
                    }
                    packets++;
                    if (packets == 1) {
                        ssrc = rtp.ssrc();
                    }
                    assertThat(rtp.ssrc()).isEqualTo(ssrc);
                    assertThat(rtp.payloadType()).isEqualTo(96);
                    if (lastSeq >= 0 && rtp.sequenceNumber() != Sequences.seqAdd(lastSeq, 1)) {
                        gaps++;
                    }
                    lastSeq = rtp.sequenceNumber();
                    long twcc = rtp.findExtension(TWCC_ID);
                    assertThat(twcc).as("transport-cc extension").isNotEqualTo(RtpExtensions.NOT_FOUND);
                    int twccSeq = Bytes.u16(seg, RtpExtensions.offset(twcc));
                    if (lastTwcc >= 0) {
                        assertThat(Sequences.isNewer(twccSeq, lastTwcc)).isTrue();
                    }
                    lastTwcc = twccSeq;
                    if (rtp.findExtension(NTP64_ID) != RtpExtensions.NOT_FOUND) {
                        withNtp++;
                    }
                    if (lastTs == null || rtp.timestamp() != lastTs) {
                        // a new access unit starts only after the previous one was closed by a marker (loss aside)
                        if (gaps == 0) {
                            assertThat(lastMarker).as("marker before timestamp change at seq %d", lastSeq).isTrue();
                        }
                        accessUnits++;
                        if (lastTs != null) {
                            assertThat(Sequences.isTimestampNewer(rtp.timestamp(), lastTs)).isTrue();
                        }
                    }
                    lastTs = rtp.timestamp();
                    lastMarker = rtp.marker();
                }
                assertThat(gst.awaitExit(10)).as("gst-launch exit; output:\n%s", gst.output()).isZero();
                assertThat(statuses.dropped()).as("malformed packets %s", statuses.snapshot()).isZero();
                assertThat(packets).isGreaterThan(60);
                assertThat(gaps).as("sequence gaps on loopback").isZero();
                assertThat(accessUnits).isEqualTo(60);
                assertThat(withNtp).isBetween(1, packets);
                assertThat(lastMarker).isTrue();
            }
        }
    }
}
