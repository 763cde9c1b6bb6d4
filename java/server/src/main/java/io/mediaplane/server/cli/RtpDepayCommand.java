package io.mediaplane.server.cli;

import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.codec.FrameSink;
import io.mediaplane.codec.H264Depacketizer;
import io.mediaplane.codec.IvfHeader;
import io.mediaplane.codec.IvfWriter;
import io.mediaplane.codec.PayloadCounters;
import io.mediaplane.codec.Vp8Depacketizer;
import io.mediaplane.reliability.ReceiverStatistics;
import io.mediaplane.reliability.ReliabilityStatus;
import io.mediaplane.reliability.ReorderBuffer;
import io.mediaplane.rtp.PacketStatus;
import io.mediaplane.rtp.PcapReader;
import io.mediaplane.rtp.PacketKind;
import io.mediaplane.rtp.RtpPacket;
import io.mediaplane.rtp.StatusCounters;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mediaplane rtp depay}: RTP video from a capture file or a UDP port to an Annex-B {@code .h264} file or an
 * IVF file (VP8), through the reorder buffer and the depacketizer; prints one summary line.
 */
@Command(name = "depay", mixinStandardHelpOptions = true,
        description = "Depacketize RTP video (H264 to Annex-B, VP8 to IVF) from a pcap/pcapng capture or a UDP port.")
final class RtpDepayCommand implements Callable<Integer> {
    private static final int MAX_DATAGRAM = 9000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--codec", required = true, description = "H264 or VP8")
    RtpCommand.Codec codec;

    @Option(names = "--in", required = true, description = "FILE.pcap, FILE.pcapng or udp://127.0.0.1:PORT")
    String in;

    @Option(names = "--out", required = true, description = "the Annex-B (.h264) or IVF file to write")
    Path out;

    @Option(names = "--pt", description = "only this payload type (default: any)")
    Integer payloadType;

    @Option(names = "--ssrc", description = "only this SSRC, decimal or 0x hex (default: the first one seen)")
    String ssrc;

    @Option(names = "--aud", defaultValue = "KEEP",
            description = "H264 access unit delimiters: KEEP what was sent, STRIP or INSERT them (default ${DEFAULT-VALUE})")
    H264Depacketizer.AudMode aud;

    @Option(names = "--reorder-delay", defaultValue = "100",
            description = "ms a packet may wait for an earlier missing one (default ${DEFAULT-VALUE})")
    long reorderDelayMillis;

    @Option(names = "--idle-timeout", defaultValue = "2000",
            description = "udp: stop after this many ms without a packet, once packets came (default ${DEFAULT-VALUE})")
    long idleMillis;

    @Option(names = "--wait", defaultValue = "30000",
            description = "udp: give up after this many ms if no packet comes (default ${DEFAULT-VALUE})")
    long waitMillis;

    private final RtpPacket packet = new RtpPacket();
    private final RtpPacket ordered = new RtpPacket();
    private final StatusCounters refused = new StatusCounters();
    private Integer lockedSsrc;
    private long packets;
    private long otherStreams;
    private long rtcp;
    private long frames;
    private long keyframes;
    private ReceiverStatistics stats;
    private ReorderBuffer reorder;
    private H264Depacketizer h264;
    private Vp8Depacketizer vp8;
    private OutputStream annexB;
    private IvfWriter ivf;
    private IOException writeFailure;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        lockedSsrc = RtpCommand.parseSsrc(ssrc);
        InetSocketAddress udp = RtpCommand.udpAddress(spec.commandLine(), in);
        FrameSink sink = this::onFrame;
        if (codec == RtpCommand.Codec.H264) {
            h264 = new H264Depacketizer(sink).audMode(aud);
            annexB = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16);
        } else {
            vp8 = new Vp8Depacketizer(sink);
        }
        try (PacketPool pool = PacketPool.heap(1024, MAX_DATAGRAM)) {
            reorder = new ReorderBuffer(this::onOrdered, 512, reorderDelayMillis * 1_000_000L);
            try {
                if (udp != null) {
                    receive(udp, pool);
                } else {
                    readCapture(Path.of(in), pool);
                }
                reorder.flushAll();
            } finally {
                reorder.close();
                if (annexB != null) {
                    annexB.close();
                }
                if (ivf != null) {
                    ivf.close();
                }
            }
        }
        if (writeFailure != null) {
            throw writeFailure;
        }
        PayloadCounters c = h264 != null ? h264.counters() : vp8.counters();
        stdout.printf("packets=%d frames=%d keyframes=%d lost=%d reordered-lost=%d duplicates=%d late=%d"
                        + " dropped-frames=%d jitter=%d ssrc=%s other=%d rtcp=%d invalid=%d%n",
                packets, frames, keyframes, stats == null ? 0 : Math.max(0, stats.cumulativeLost()),
                reorder.lostPackets(), reorder.counters().get(ReliabilityStatus.DUPLICATE),
                reorder.counters().get(ReliabilityStatus.TOO_OLD), c.droppedUnits(),
                stats == null ? 0 : stats.jitter(),
                lockedSsrc == null ? "-" : String.format("0x%08x", lockedSsrc), otherStreams, rtcp,
                refused.dropped());
        stdout.flush();
        if (frames == 0) {
            spec.commandLine().getErr().println("no " + codec + " frame was assembled");
            return 1;
        }
        return 0;
    }

    private void readCapture(Path file, PacketPool pool) throws IOException {
        MemorySegment capture = MemorySegment.ofArray(Files.readAllBytes(file));
        PcapReader reader = new PcapReader();
        PacketStatus s = reader.open(capture);
        if (!s.ok()) {
            throw new CommandLine.ParameterException(spec.commandLine(), file + " is not a pcap or pcapng file: "
                    + s.meaning());
        }
        while (reader.next()) {
            if (reader.payloadLength() > MAX_DATAGRAM) {
                refused.count(PacketStatus.BAD_LENGTH);
                continue;
            }
            PacketBuffer b = pool.acquire();
            b.length(reader.payloadLength());
            MemorySegment.copy(capture, reader.payloadOffset(), b.segment(), b.offset(), reader.payloadLength());
            accept(b, reader.timestampNanos());
        }
        if (!reader.status().ok()) {
            spec.commandLine().getErr().println("capture ends early: " + reader.status().meaning());
        }
    }

    private void receive(InetSocketAddress address, PacketPool pool) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(address)) {
            socket.setReceiveBufferSize(8 << 20);
            socket.setSoTimeout(50);
            byte[] datagram = new byte[MAX_DATAGRAM];
            DatagramPacket p = new DatagramPacket(datagram, datagram.length);
            long start = System.nanoTime();
            long last = -1;
            while (true) {
                long now = System.nanoTime();
                if (last < 0 ? now - start > waitMillis * 1_000_000L : now - last > idleMillis * 1_000_000L) {
                    return;
                }
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    reorder.poll(System.nanoTime());
                    continue;
                }
                last = System.nanoTime();
                PacketBuffer b = pool.acquire();
                b.put(java.util.Arrays.copyOf(datagram, p.getLength()));
                accept(b, last);
            }
        }
    }

    /** One datagram: validated, filtered, then into the reorder buffer (which owns it from there). */
    private void accept(PacketBuffer b, long nowNanos) {
        if (PacketKind.of(b.segment(), b.offset(), b.length()) == PacketKind.RTCP) {
            rtcp++; // RTCP on the same port (RFC 5761 §4)
            b.release();
            return;
        }
        PacketStatus s = packet.wrap(b);
        if (!s.ok()) {
            refused.count(s);
            b.release();
            return;
        }
        int pt = packet.payloadType();
        if (payloadType != null && pt != payloadType) {
            otherStreams++;
            b.release();
            return;
        }
        if (lockedSsrc == null) {
            lockedSsrc = packet.ssrc();
        } else if (lockedSsrc != packet.ssrc()) {
            otherStreams++;
            b.release();
            return;
        }
        if (stats == null) {
            stats = new ReceiverStatistics(packet.ssrc(), 90000);
        }
        packets++;
        stats.onPacket(packet.sequenceNumber(), packet.timestamp(), nowNanos);
        reorder.push(b, packet.sequenceNumber(), nowNanos);
    }

    private void onOrdered(PacketBuffer b) {
        ordered.wrap(b);
        if (h264 != null) {
            h264.push(ordered);
        } else {
            vp8.push(ordered);
        }
        b.release();
    }

    private void onFrame(MemorySegment data, long offset, int length, int timestamp, boolean keyframe, int lost) {
        if (writeFailure != null) {
            return;
        }
        try {
            if (annexB != null) {
                byte[] bytes = data.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
                annexB.write(bytes);
            } else {
                if (ivf == null) {
                    if (!keyframe || length < 10) {
                        return; // an IVF file starts with a key frame; its header carries the size
                    }
                    // VP8 key frame header (RFC 6386 §9.1): 3-byte tag, start code, then 14-bit width and height
                    int width = Short.toUnsignedInt(data.get(LE_SHORT, offset + 6)) & 0x3FFF;
                    int height = Short.toUnsignedInt(data.get(LE_SHORT, offset + 8)) & 0x3FFF;
                    ivf = IvfWriter.create(out, IvfHeader.of(IvfHeader.VP8, width, height, 90000));
                    firstTimestamp = timestamp;
                }
                ivf.write(data, offset, length, Integer.toUnsignedLong(timestamp - firstTimestamp));
            }
            frames++;
            if (keyframe) {
                keyframes++;
            }
        } catch (IOException e) {
            writeFailure = e;
        }
    }

    private int firstTimestamp;
    private static final ValueLayout.OfShort LE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
}
