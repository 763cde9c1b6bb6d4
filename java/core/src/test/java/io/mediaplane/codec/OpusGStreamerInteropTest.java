package io.mediaplane.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.PacketPool;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opus with GStreamer both ways: {@code opusenc ! rtpopuspay} → our {@link OpusDepacketizer} yields exactly the
 * packets opusenc made (teed to files), and our {@link OpusPacketizer} → {@code rtpopusdepay ! opusdec} decodes
 * every frame (the PCM is as long as the packets' durations add up to).
 */
class OpusGStreamerInteropTest {
    private static final int BUFFERS = 50; // audiotestsrc buffers of 1024 samples: 51200 samples, 53+ Opus frames

    private static List<byte[]> encode(Path dir) throws Exception {
        GStreamerRtp.run("audiotestsrc num-buffers=" + BUFFERS + " wave=sine ! audio/x-raw,rate=48000,channels=2"
                + " ! opusenc frame-size=20 ! multifilesink location=" + dir + "/opus-%05d.bin");
        return GStreamerRtp.readAll(dir, "opus-");
    }

    @Test
    void depacketizesWhatRtpopuspaySends(@TempDir Path dir) throws Exception {
        List<byte[]> expected = encode(dir);
        assertThat(expected).hasSizeGreaterThan(50);
        Units out = new Units();
        OpusDepacketizer depacketizer = new OpusDepacketizer(out);
        int packets = GStreamerRtp.receive("audiotestsrc num-buffers=" + BUFFERS + " wave=sine"
                + " ! audio/x-raw,rate=48000,channels=2 ! opusenc frame-size=20 ! rtpopuspay pt=111"
                + " ! udpsink host=127.0.0.1 port=PORT", rtp -> {
                    assertThat(rtp.payloadType()).isEqualTo(111);
                    assertThat(depacketizer.push(rtp)).isEqualTo(PayloadStatus.OK);
                });
        assertThat(packets).isEqualTo(expected.size());
        assertThat(out.size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(out.get(i).data()).as("Opus packet %d", i).isEqualTo(expected.get(i));
            assertThat(out.get(i).lostPackets()).isZero();
        }
        // 48 kHz timestamps advance by each packet's 960 samples (the first is shifted by the encoder's pre-skip)
        for (int i = 2; i < out.size(); i++) {
            assertThat(out.get(i).timestamp() - out.get(i - 1).timestamp()).isEqualTo(960);
        }
    }

    @Test
    void rtpopusdepayDecodesEveryFrameWePacketize(@TempDir Path dir) throws Exception {
        List<byte[]> packets = encode(dir);
        long samples = 0;
        for (byte[] p : packets) {
            samples += Opus.samples(MemorySegment.ofArray(p), 0, p.length);
        }
        Path pcm = dir.resolve("decoded.pcm");
        long total = samples;
        GStreamerRtp.serve("udpsrc address=127.0.0.1 port=PORT caps=application/x-rtp,media=audio,clock-rate=48000,"
                + "encoding-name=OPUS,payload=111 ! rtpopusdepay ! opusdec plc=false ! audio/x-raw,format=S16LE,"
                + "channels=2 ! filesink location=" + pcm, port -> {
                    try (DatagramSocket socket = new DatagramSocket(); PacketPool pool = PacketPool.heap(8, 1500)) {
                        InetAddress lo = InetAddress.getLoopbackAddress();
                        OpusPacketizer packetizer = new OpusPacketizer(pool, b -> {
                            byte[] bytes = b.toArray();
                            b.release();
                            try {
                                socket.send(new DatagramPacket(bytes, bytes.length, lo, port));
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }, 111, 0x0abc, 100, 5000).suppressDtx(false);
                        for (byte[] p : packets) {
                            assertThat(packetizer.packetize(MemorySegment.ofArray(p), 0, p.length))
                                    .isEqualTo(PayloadStatus.OK);
                            Thread.sleep(2);
                        }
                        assertThat(packetizer.nextTimestamp() - 5000).isEqualTo((int) total);
                    }
                });
        // S16LE stereo: 4 bytes per sample frame; opusdec drops the encoder's pre-skip from the first packet
        long decodedSamples = Files.size(pcm) / 4;
        assertThat(decodedSamples).isBetween(total - 312, total);
    }
}
