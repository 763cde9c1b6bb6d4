package io.mediaplane.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interop with a real SRTP sender: FFmpeg's own SRTP implementation ({@code -srtp_out_suite
 * AES_CM_128_HMAC_SHA1_80}, Debian package {@code ffmpeg}) sends two seconds of H264 over loopback to our
 * sockets, RTP on an even port and SRTCP sender reports on the next. Every packet must authenticate and
 * decrypt, and the payloads must be H264 RTP (RFC 6184): SPS, PPS and an IDR slice, single NAL units,
 * STAP-A or FU-A, one marker per frame. A missing ffmpeg fails the test and names the package.
 */
class FfmpegSrtpInteropTest {
    private static final byte[] MASTER = new byte[30];

    static {
        for (int i = 0; i < 30; i++) {
            MASTER[i] = (byte) i;
        }
    }

    @TempDir
    Path dir;

    static Path ffmpeg() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(d, "ffmpeg");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError("ffmpeg not found: install the Debian package ffmpeg (scripts/setup.sh does)");
    }

    /** Two sockets on ports P and P+1 (FFmpeg's RTP muxer sends RTCP to the next port). */
    static DatagramSocket[] pair() throws SocketException {
        for (int attempt = 0; attempt < 50; attempt++) {
            DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = rtp.getLocalPort();
            if (port % 2 == 0 && port < 65534) {
                try {
                    DatagramSocket rtcp = new DatagramSocket(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), port + 1));
                    return new DatagramSocket[] {rtp, rtcp};
                } catch (SocketException taken) {
                    // try another
                }
            }
            rtp.close();
        }
        throw new AssertionError("no free pair of loopback UDP ports");
    }

    static List<byte[]> drain(DatagramSocket s, List<byte[]> into) {
        byte[] buf = new byte[2048];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException idle) {
                return into;
            } catch (IOException closed) {
                return into;
            }
            into.add(Arrays.copyOf(p.getData(), p.getLength()));
        }
    }

    @Test
    void everyPacketFromFfmpegAuthenticatesAndDepacketizes() throws Exception {
        Path ffmpeg = ffmpeg();
        DatagramSocket[] sockets = pair();
        List<byte[]> rtp = new ArrayList<>();
        List<byte[]> rtcp = new ArrayList<>();
        Process process = null;
        try (DatagramSocket rtpSocket = sockets[0]; DatagramSocket rtcpSocket = sockets[1]) {
            rtpSocket.setReceiveBufferSize(4 << 20);
            rtpSocket.setSoTimeout(1500);
            rtcpSocket.setSoTimeout(1500);
            Thread rtcpReader = Thread.ofPlatform().daemon().start(() -> drain(rtcpSocket, rtcp));
            String url = "srtp://127.0.0.1:" + rtpSocket.getLocalPort() + "?pkt_size=1200";
            List<String> cmd = List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
                    "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "2", "-c:v", "libx264",
                    "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30", "-pix_fmt", "yuv420p",
                    "-payload_type", "96", "-ssrc", "287454020", "-srtp_out_suite", "AES_CM_128_HMAC_SHA1_80",
                    "-srtp_out_params", Base64.getEncoder().encodeToString(MASTER), "-f", "rtp", url);
            Path log = dir.resolve("ffmpeg.log");
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            drain(rtpSocket, rtp); // until 1.5 s without packets: ffmpeg has finished
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("ffmpeg finished").isTrue();
            assertThat(process.exitValue()).as("ffmpeg: %s", Files.readString(log)).isZero();
            rtcpReader.join(5000);
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }

        assertThat(rtp).hasSizeGreaterThan(60);
        assertThat(rtcp).as("SRTCP sender reports").isNotEmpty();
        for (SrtpBackend backend : SrtpBackend.values()) {
            try (SrtpContext c = SrtpContext.builder(SrtpProfile.AES_CM_128_HMAC_SHA1_80, MASTER, MASTER)
                    .backend(backend).build()) {
                H264Check h264 = new H264Check();
                for (byte[] packet : rtp) {
                    byte[] p = packet.clone();
                    int n = c.openRtp(MemorySegment.ofArray(p), 0, p.length);
                    assertThat(CipherStatus.ofResult(n)).as("%s %s", backend, Bytes.toHex(packet).substring(0, 24))
                            .isEqualTo(CipherStatus.OK);
                    h264.packet(Arrays.copyOf(p, n));
                }
                for (byte[] packet : rtcp) {
                    byte[] p = packet.clone();
                    int n = c.openRtcp(MemorySegment.ofArray(p), 0, p.length);
                    assertThat(CipherStatus.ofResult(n)).isEqualTo(CipherStatus.OK);
                    assertThat(p[1] & 0xFF).as("RTCP packet type").isEqualTo(200); // sender report
                    assertThat(Bytes.i32(MemorySegment.ofArray(p), 4)).isEqualTo(287454020);
                }
                assertThat(c.openCounters().get(CipherStatus.OK)).isEqualTo(rtp.size() + rtcp.size());
                assertThat(h264.nalTypes).contains(5, 7, 8);
                assertThat(h264.frames).isBetween(55, 61);
            }
        }
    }

    /** The RFC 6184 payload structure of each packet, without reassembling. */
    static final class H264Check {
        final java.util.Set<Integer> nalTypes = new java.util.TreeSet<>();
        int frames;

        void packet(byte[] p) {
            int header = 12 + 4 * (p[0] & 0x0F);
            if ((p[0] & 0x10) != 0) {
                header += 4 + 4 * (((p[header + 2] & 0xFF) << 8) | (p[header + 3] & 0xFF));
            }
            assertThat(p[1] & 0x7F).isEqualTo(96);
            assertThat(Bytes.i32(MemorySegment.ofArray(p), 8)).isEqualTo(287454020);
            int type = p[header] & 0x1F;
            assertThat(p[header] & 0x80).as("forbidden_zero_bit").isZero();
            if (type >= 1 && type <= 23) {
                nalTypes.add(type);
            } else if (type == 24) { // STAP-A: 16-bit sizes then NAL units
                int i = header + 1;
                while (i + 2 <= p.length) {
                    int size = ((p[i] & 0xFF) << 8) | (p[i + 1] & 0xFF);
                    assertThat(i + 2 + size).isLessThanOrEqualTo(p.length);
                    nalTypes.add(p[i + 2] & 0x1F);
                    i += 2 + size;
                }
                assertThat(i).isEqualTo(p.length);
            } else if (type == 28) { // FU-A: the type is in the FU header
                nalTypes.add(p[header + 1] & 0x1F);
            } else {
                throw new AssertionError("unexpected H264 payload type " + type);
            }
            if ((p[1] & 0x80) != 0) {
                frames++;
            }
        }
    }
}
