package io.mediaplane.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.testing.Peers;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A live GStreamer 1.22 rtpbin sends H264 over RTP and its RTCP to two ports of ours on 127.0.0.1 for 4 s. Every
 * RTCP compound must parse, and what it says must match the RTP we received: an SR from the stream's SSRC
 * counting no more packets than arrived, a CNAME for that SSRC, and at end of stream the BYE that rtpbin sends
 * (with {@code gst-launch-1.0 -e} it sends SR + SDES + BYE on EOS; see {@code vectors/rtcp/README.md}). Bounded:
 * reading stops 300 ms after the BYE or after gst-launch exits, at most 12 s in; the process is then stopped
 * through its own handle.
 */
class RtcpGStreamerInteropTest {
    private static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;
    private static final int FRAMES = 120;

    @Test
    void rtpbinSenderReportsSdesAndByeAgreeWithItsRtp() throws Exception {
        Peers.require("gst-launch-1.0", "gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good "
                + "gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly");
        try (DatagramChannel rtpChannel = DatagramChannel.open(StandardProtocolFamily.INET);
                DatagramChannel rtcpChannel = DatagramChannel.open(StandardProtocolFamily.INET);
                Selector selector = Selector.open()) {
            int rtpPort = bind(rtpChannel);
            int rtcpPort = bind(rtcpChannel);
            rtpChannel.register(selector, SelectionKey.OP_READ);
            rtcpChannel.register(selector, SelectionKey.OP_READ);
            String pipeline = "rtpbin name=b "
                    + "videotestsrc num-buffers=" + FRAMES + " is-live=true ! "
                    + "video/x-raw,width=320,height=240,framerate=30/1 ! x264enc tune=zerolatency key-int-max=30 ! "
                    + "rtph264pay config-interval=1 pt=96 ! b.send_rtp_sink_0 "
                    + "b.send_rtp_src_0 ! udpsink host=127.0.0.1 port=" + rtpPort + " "
                    + "b.send_rtcp_src_0 ! udpsink host=127.0.0.1 port=" + rtcpPort + " sync=false async=false";
            List<String> command = new ArrayList<>(List.of("gst-launch-1.0", "-e"));
            command.addAll(List.of(pipeline.split(" ")));

            ByteBuffer buf = ByteBuffer.allocate(65536);
            MemorySegment seg = MemorySegment.ofBuffer(buf);
            RtpPacket rtp = new RtpPacket();
            RtcpCompound compound = new RtcpCompound();
            RtcpSenderReport sr = new RtcpSenderReport();
            RtcpSdes sdes = new RtcpSdes();
            RtcpBye bye = new RtcpBye();
            StatusCounters rtcpStatuses = new StatusCounters();
            int rtpPackets = 0;
            long rtpPayloadOctets = 0;
            int rtpSsrc = 0;
            int lastRtpTimestamp = 0;
            List<String> compounds = new ArrayList<>();
            List<long[]> senderReports = new ArrayList<>();
            List<Integer> srTimestampLag = new ArrayList<>();
            String cname = null;
            List<Integer> byeSsrcs = new ArrayList<>();
            int byeCompound = -1;
            String gstOutput;

            Peers.Running gst = Peers.start(command);
            try {
                long deadline = System.nanoTime() + 12_000_000_000L;
                long quietSince = -1;
                while (System.nanoTime() < deadline) {
                    if (selector.select(50) == 0) {
                        if (byeCompound >= 0 || !gst.process().isAlive()) {
                            // drained: nothing more for 300 ms after the BYE or after GStreamer exited
                            quietSince = quietSince < 0 ? System.nanoTime() : quietSince;
                            if (System.nanoTime() - quietSince > 300_000_000L) {
                                break;
                            }
                        }
                        continue;
                    }
                    quietSince = -1;
                    for (SelectionKey key : selector.selectedKeys()) {
                        DatagramChannel ch = (DatagramChannel) key.channel();
                        while (true) {
                            buf.clear();
                            if (ch.receive(buf) == null) {
                                break;
                            }
                            int len = buf.position();
                            if (ch == rtpChannel) {
                                assertThat(rtp.wrap(seg, 0, len)).isEqualTo(PacketStatus.OK);
                                rtpSsrc = rtpPackets++ == 0 ? rtp.ssrc() : rtpSsrc;
                                assertThat(rtp.ssrc()).isEqualTo(rtpSsrc);
                                rtpPayloadOctets += rtp.payloadLength();
                                lastRtpTimestamp = rtp.timestamp();
                                continue;
                            }
                            List<String> types = new ArrayList<>();
                            if (!rtcpStatuses.count(compound.wrap(seg, 0, len)).ok()) {
                                continue;
                            }
                            while (compound.next()) {
                                types.add(compound.type().name());
                                switch (compound.type()) {
                                    case SR -> {
                                        if (rtcpStatuses.count(compound.read(sr)).ok()) {
                                            senderReports.add(new long[] {sr.senderSsrc(), sr.packetCount(),
                                                sr.octetCount(), sr.ntpTimestamp() >>> 32});
                                            srTimestampLag.add(Sequences.timestampDiff(sr.rtpTimestamp(),
                                                    lastRtpTimestamp));
                                        }
                                    }
                                    case SDES -> {
                                        if (rtcpStatuses.count(compound.read(sdes)).ok() && rtpPackets > 0) {
                                            String c = sdes.cname(rtpSsrc);
                                            cname = c != null ? c : cname;
                                        }
                                    }
                                    case BYE -> {
                                        if (rtcpStatuses.count(compound.read(bye)).ok()) {
                                            for (int i = 0; i < bye.ssrcCount(); i++) {
                                                byeSsrcs.add(bye.ssrc(i));
                                            }
                                            byeCompound = compounds.size();
                                        }
                                    }
                                    default -> {
                                        // rtpbin as a pure sender sends nothing else; anything else is counted below
                                        types.add("unexpected");
                                    }
                                }
                            }
                            compounds.add(String.join("+", types));
                        }
                    }
                    selector.selectedKeys().clear();
                }
                gstOutput = gst.output();
            } finally {
                gst.close();
            }

            assertThat(rtcpStatuses.dropped()).as("malformed RTCP %s", rtcpStatuses.snapshot()).isZero();
            assertThat(rtpPackets).as("RTP packets; gst-launch said:\n%s", gstOutput).isGreaterThan(FRAMES);
            assertThat(compounds).as("RTCP compounds").isNotEmpty().noneMatch(c -> c.contains("unexpected"));
            assertThat(senderReports).as("sender reports").isNotEmpty();
            long nowNtpSeconds = System.currentTimeMillis() / 1000 + NTP_UNIX_OFFSET_SECONDS;
            for (int i = 0; i < senderReports.size(); i++) {
                long[] report = senderReports.get(i);
                assertThat((int) report[0]).as("SR sender SSRC is the RTP stream's").isEqualTo(rtpSsrc);
                assertThat(report[1]).as("SR packet count").isPositive().isLessThanOrEqualTo(rtpPackets);
                assertThat(report[2]).as("SR octet count (payload only)").isPositive()
                        .isLessThanOrEqualTo(rtpPayloadOctets);
                // the NTP timestamp is wall-clock time since 1900 (RFC 3550 §4)
                assertThat(report[3]).as("SR NTP seconds").isBetween(nowNtpSeconds - 300, nowNtpSeconds + 300);
                // the SR's RTP timestamp is the stream's clock at the same instant: within a second of the RTP
                assertThat(srTimestampLag.get(i)).as("SR RTP timestamp vs last RTP packet")
                        .isBetween(-90_000, 90_000);
            }
            assertThat(cname).as("SDES CNAME of the RTP SSRC").isNotBlank();
            // rtpbin leaves with a BYE when the stream ends (EOS), in its last compound
            assertThat(byeSsrcs).as("BYE; gst-launch said:\n%s", gstOutput).containsExactly(rtpSsrc);
            assertThat(byeCompound).isEqualTo(compounds.size() - 1);
            assertThat(compounds.getLast()).isEqualTo("SR+SDES+BYE");
        }
    }

    private static int bind(DatagramChannel ch) throws IOException {
        ch.bind(new InetSocketAddress("127.0.0.1", 0));
        ch.configureBlocking(false);
        return ((InetSocketAddress) ch.getLocalAddress()).getPort();
    }
}
