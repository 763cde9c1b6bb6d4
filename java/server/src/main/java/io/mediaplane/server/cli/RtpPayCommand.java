package io.mediaplane.server.cli;

import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import io.mediaplane.codec.AnnexB;
import io.mediaplane.codec.H264Packetizer;
import io.mediaplane.codec.H264Sps;
import io.mediaplane.codec.H264SpsParser;
import io.mediaplane.codec.IvfReader;
import io.mediaplane.codec.IvfStatus;
import io.mediaplane.codec.PacketSink;
import io.mediaplane.codec.PayloadStatus;
import io.mediaplane.codec.Vp8Packetizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mediaplane rtp pay}: an H264 Annex-B file or a VP8 IVF file sent as RTP to a UDP address, paced at the
 * stream's frame rate, with an SDP file a receiver (FFmpeg, GStreamer) can open.
 */
@Command(name = "pay", mixinStandardHelpOptions = true,
        description = "Packetize an H264 Annex-B or VP8 IVF file and send it as RTP, paced at its frame rate.")
final class RtpPayCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--codec", required = true, description = "H264 (Annex-B input) or VP8 (IVF input)")
    RtpCommand.Codec codec;

    @Option(names = "--in", required = true, description = "the file to send")
    Path in;

    @Option(names = "--to", required = true, description = "udp://HOST:PORT")
    String to;

    @Option(names = "--mtu", defaultValue = "1200", description = "largest RTP packet (default ${DEFAULT-VALUE})")
    int mtu;

    @Option(names = "--pt", defaultValue = "96", description = "payload type (default ${DEFAULT-VALUE})")
    int payloadType;

    @Option(names = "--ssrc", description = "SSRC, decimal or 0x hex (default: random)")
    String ssrc;

    @Option(names = "--fps", description = "frame rate (default: the SPS timing info or the IVF time base, else 30)")
    Double fps;

    @Option(names = "--sdp", description = "write an SDP describing the stream to this file")
    Path sdp;

    @Option(names = "--sdp-only", description = "write the SDP and exit without sending (start the receiver, then send)")
    boolean sdpOnly;

    private DatagramSocket socket;
    private InetSocketAddress target;
    private final byte[] datagram = new byte[65536];
    private long packets;
    private long bytes;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        target = RtpCommand.udpAddress(spec.commandLine(), to);
        if (target == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--to must be udp://HOST:PORT");
        }
        if (sdpOnly && sdp == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--sdp-only needs --sdp FILE");
        }
        MemorySegment file = MemorySegment.ofArray(Files.readAllBytes(in));
        List<long[]> frames = new ArrayList<>(); // {offset, length, timestamp in 90 kHz}
        String fmtp;
        double rate;
        if (codec == RtpCommand.Codec.H264) {
            H264Stream stream = H264Stream.split(file);
            if (stream.accessUnits.isEmpty()) {
                spec.commandLine().getErr().println(in + " holds no H264 access unit");
                return 1;
            }
            rate = fps != null ? fps : stream.frameRate > 0 ? stream.frameRate : 30;
            for (int i = 0; i < stream.accessUnits.size(); i++) {
                long[] au = stream.accessUnits.get(i);
                frames.add(new long[] {au[0], au[1], Math.round(i * 90000 / rate)});
            }
            fmtp = "packetization-mode=1" + stream.fmtp();
        } else {
            IvfReader reader = new IvfReader();
            IvfStatus s = reader.reset(file, 0, file.byteSize());
            if (!s.ok()) {
                spec.commandLine().getErr().println(in + " is not an IVF file: " + s.meaning());
                return 1;
            }
            long num = reader.header().timebaseNumerator();
            long den = reader.header().timebaseDenominator();
            while ((s = reader.next()).ok()) {
                long ts = Math.round((double) reader.timestamp() * num * 90000 / den);
                frames.add(new long[] {reader.frameOffset(), reader.frameLength(), ts});
            }
            if (s != IvfStatus.END) {
                spec.commandLine().getErr().println("IVF file ends early: " + s.meaning());
            }
            rate = fps != null ? fps : frames.size() > 1 && frames.get(1)[2] > 0
                    ? 90000.0 / (frames.get(1)[2] - frames.get(0)[2]) : 30;
            fmtp = null;
        }
        if (sdp != null) {
            Files.writeString(sdp, sdp(fmtp));
        }
        if (sdpOnly) {
            return 0;
        }
        int streamSsrc = ssrc != null ? RtpCommand.parseSsrc(ssrc) : new SecureRandom().nextInt();
        int firstSequence = new SecureRandom().nextInt(1 << 16); // RFC 3550 §5.1: random initial values
        int firstTimestamp = new SecureRandom().nextInt();
        try (DatagramSocket s = new DatagramSocket(); PacketPool pool = PacketPool.heap(256, Math.max(mtu, 1500))) {
            socket = s;
            PacketSink sink = this::send;
            H264Packetizer h264 = codec == RtpCommand.Codec.H264
                    ? new H264Packetizer(pool, sink, payloadType, streamSsrc, firstSequence, mtu) : null;
            Vp8Packetizer vp8 = codec == RtpCommand.Codec.VP8
                    ? new Vp8Packetizer(pool, sink, payloadType, streamSsrc, firstSequence, mtu) : null;
            long start = System.nanoTime();
            long frameNanos = Math.round(1e9 / rate);
            for (int i = 0; i < frames.size(); i++) {
                long wait = start + i * frameNanos - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long[] f = frames.get(i);
                int ts = firstTimestamp + (int) f[2];
                PayloadStatus st = h264 != null ? h264.packetizeAnnexB(file, f[0], f[1], ts)
                        : vp8.packetize(file, f[0], (int) f[1], ts, false);
                if (!st.ok()) {
                    spec.commandLine().getErr().println("frame " + i + ": " + st.meaning());
                }
            }
        }
        stdout.printf("sent packets=%d frames=%d bytes=%d fps=%.3f ssrc=0x%08x to=%s%n", packets, frames.size(), bytes,
                rate, streamSsrc, to);
        stdout.flush();
        return 0;
    }

    private void send(PacketBuffer b) {
        try {
            int n = b.length();
            MemorySegment.copy(b.segment(), ValueLayout.JAVA_BYTE, b.offset(), datagram, 0, n);
            socket.send(new DatagramPacket(datagram, n, target));
            packets++;
            bytes += n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            b.release();
        }
    }

    /** An SDP for a receive-only peer (RFC 8866; RTP/AVP, RFC 3551): FFmpeg and GStreamer's sdpdemux open it. */
    private String sdp(String fmtp) {
        String host = target.getAddress().getHostAddress();
        String ipVersion = target.getAddress() instanceof java.net.Inet6Address ? "IP6" : "IP4";
        String encoding = codec == RtpCommand.Codec.H264 ? "H264" : "VP8";
        StringBuilder b = new StringBuilder();
        b.append("v=0\r\n");
        b.append("o=- 0 0 IN ").append(ipVersion).append(' ').append(host).append("\r\n");
        b.append("s=mediaplane ").append(in.getFileName()).append("\r\n");
        b.append("c=IN ").append(ipVersion).append(' ').append(host).append("\r\n");
        b.append("t=0 0\r\n");
        b.append("m=video ").append(target.getPort()).append(" RTP/AVP ").append(payloadType).append("\r\n");
        b.append("a=rtpmap:").append(payloadType).append(' ').append(encoding).append("/90000\r\n");
        if (fmtp != null) {
            b.append("a=fmtp:").append(payloadType).append(' ').append(fmtp).append("\r\n");
        }
        b.append("a=recvonly\r\n");
        return b.toString();
    }

    /** An Annex-B file cut into access units, with its first SPS and PPS. */
    static final class H264Stream {
        final List<long[]> accessUnits = new ArrayList<>(); // {offset, length}, start codes included
        byte[] sps;
        byte[] pps;
        double frameRate;

        /**
         * Access unit boundaries (H.264 §7.4.1.2.3): an AUD, SPS, PPS, SEI or types 14..18 after a coded slice, or a
         * slice that begins a picture (first_mb_in_slice 0: the first bit after the NAL header is 1) after one.
         */
        static H264Stream split(MemorySegment s) {
            H264Stream out = new H264Stream();
            long[] offsets = new long[1 << 12];
            int[] lengths = new int[1 << 12];
            int n;
            while ((n = AnnexB.split(s, 0, s.byteSize(), offsets, lengths)) < 0) {
                offsets = new long[offsets.length * 2];
                lengths = new int[lengths.length * 2];
            }
            long auStart = -1;
            boolean vclSeen = false;
            for (int i = 0; i < n; i++) {
                int header = s.get(ValueLayout.JAVA_BYTE, offsets[i]) & 0xFF;
                int type = header & 0x1F;
                boolean vcl = type >= 1 && type <= 5;
                boolean startsPicture = vcl && lengths[i] > 1
                        && (s.get(ValueLayout.JAVA_BYTE, offsets[i] + 1) & 0x80) != 0;
                boolean prefix = type == 9 || type == 7 || type == 8 || type == 6 || type >= 14 && type <= 18;
                long nalStart = startCodeStart(s, offsets[i]);
                if (auStart < 0) {
                    auStart = nalStart;
                } else if (vclSeen && (prefix || startsPicture)) {
                    out.accessUnits.add(new long[] {auStart, nalStart - auStart});
                    auStart = nalStart;
                    vclSeen = false;
                }
                vclSeen |= vcl;
                if (type == 7 && out.sps == null) {
                    out.sps = s.asSlice(offsets[i], lengths[i]).toArray(ValueLayout.JAVA_BYTE);
                    H264Sps parsed = H264SpsParser.parse(out.sps);
                    out.frameRate = parsed == null ? 0 : parsed.frameRate();
                }
                if (type == 8 && out.pps == null) {
                    out.pps = s.asSlice(offsets[i], lengths[i]).toArray(ValueLayout.JAVA_BYTE);
                }
                if (i == n - 1 && vclSeen) {
                    out.accessUnits.add(new long[] {auStart, offsets[i] + lengths[i] - auStart});
                }
            }
            return out;
        }

        /** Where the start code (three bytes, or four with a zero_byte) before the NAL unit at {@code nal} begins. */
        private static long startCodeStart(MemorySegment s, long nal) {
            long p = nal - 3;
            if (p > 0 && s.get(ValueLayout.JAVA_BYTE, p - 1) == 0) {
                p--;
            }
            return p;
        }

        /** {@code ;profile-level-id=...;sprop-parameter-sets=...} (RFC 6184 §8.1), or "" without an SPS. */
        String fmtp() {
            if (sps == null || sps.length < 4) {
                return "";
            }
            StringBuilder b = new StringBuilder();
            b.append(";profile-level-id=").append(HexFormat.of().formatHex(sps, 1, 4));
            b.append(";sprop-parameter-sets=").append(Base64.getEncoder().encodeToString(sps));
            if (pps != null) {
                b.append(',').append(Base64.getEncoder().encodeToString(pps));
            }
            return b.toString();
        }
    }
}
