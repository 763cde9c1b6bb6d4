package io.mediaplane.rtp;

import static io.mediaplane.buffer.Bytes.fromHex;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import io.mediaplane.buffer.PacketBuffer;
import io.mediaplane.buffer.PacketPool;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtpPacketTest {
    private final RtpPacket rtp = new RtpPacket();

    private PacketStatus wrap(String hex) {
        byte[] b = fromHex(hex);
        return rtp.wrap(MemorySegment.ofArray(b), 0, b.length);
    }

    static List<byte[]> gstreamerPackets() throws IOException {
        try (InputStream in = RtpPacketTest.class.getResourceAsStream("/vectors/rtp/gstreamer-h264-twcc-ntp64.hex")) {
            List<byte[]> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.isBlank()) {
                    out.add(fromHex(line));
                }
            }
            return out;
        }
    }

    @Test
    void discordVoicePlaintextHeader() {
        // the header @discordjs/voice 0.18 builds for seq 0x1234, ts 0x01020304, ssrc 0xdeadbeef (payload f8fffe)
        assertThat(wrap("8078123401020304deadbeef f8fffe")).isEqualTo(PacketStatus.OK);
        assertThat(rtp.payloadType()).isEqualTo(0x78);
        assertThat(rtp.sequenceNumber()).isEqualTo(0x1234);
        assertThat(rtp.timestamp()).isEqualTo(0x01020304);
        assertThat(rtp.ssrc()).isEqualTo(0xdeadbeef);
        assertThat(rtp.marker()).isFalse();
        assertThat(rtp.headerLength()).isEqualTo(12);
        assertThat(rtp.payloadLength()).isEqualTo(3);
        assertThat(Bytes.toHex(rtp.segment(), rtp.payloadOffset(), rtp.payloadLength())).isEqualTo("f8fffe");
    }

    @Test
    void gstreamerPacketsParseWithTheirExtensions() throws IOException {
        List<byte[]> packets = gstreamerPackets();
        assertThat(packets).hasSize(29);
        int firstSeq = -1;
        int markers = 0;
        int withNtp = 0;
        Integer previousTs = null;
        boolean previousMarker = true;
        for (int i = 0; i < packets.size(); i++) {
            byte[] p = packets.get(i);
            assertThat(rtp.wrap(MemorySegment.ofArray(p), 0, p.length)).as("packet %d", i).isEqualTo(PacketStatus.OK);
            if (firstSeq < 0) {
                firstSeq = rtp.sequenceNumber();
            }
            assertThat(rtp.sequenceNumber()).isEqualTo(Sequences.seqAdd(firstSeq, i));
            assertThat(rtp.payloadType()).isEqualTo(96);
            assertThat(rtp.ssrc()).isEqualTo(0x47b94f7b);
            // a new timestamp starts an access unit exactly after a packet that carried the marker
            if (previousTs != null) {
                assertThat(rtp.timestamp() != previousTs).isEqualTo(previousMarker);
            }
            previousTs = rtp.timestamp();
            previousMarker = rtp.marker();
            if (rtp.findExtension(1) != RtpExtensions.NOT_FOUND) {
                withNtp++;
            }
            assertThat(rtp.extensionProfile()).isEqualTo(RtpExtensions.ONE_BYTE_PROFILE);
            long twcc = rtp.findExtension(3);
            assertThat(twcc).isNotEqualTo(RtpExtensions.NOT_FOUND);
            assertThat(RtpExtensions.length(twcc)).isEqualTo(2);
            // GStreamer's transport-wide counter runs in step with the RTP sequence here
            assertThat(Bytes.u16(rtp.segment(), RtpExtensions.offset(twcc))).isEqualTo(rtp.sequenceNumber());
            if (rtp.marker()) {
                markers++;
            }
        }
        assertThat(markers).isEqualTo(3);
        assertThat(withNtp).isEqualTo(3);
        assertThat(previousMarker).isTrue();

        byte[] first = packets.get(0);
        rtp.wrap(MemorySegment.ofArray(first), 0, first.length);
        assertThat(RtpExtensions.length(rtp.findExtension(1))).isEqualTo(8); // ntp-64 opens each access unit
        assertThat(rtp.headerLength()).isEqualTo(12 + 4 + 12);
        assertThat(Bytes.u8(rtp.segment(), rtp.payloadOffset()) & 0x1F).isEqualTo(9); // AUD
        byte[] second = packets.get(1);
        rtp.wrap(MemorySegment.ofArray(second), 0, second.length);
        assertThat(rtp.findExtension(1)).isEqualTo(RtpExtensions.NOT_FOUND);
        assertThat(Bytes.u8(rtp.segment(), rtp.payloadOffset()) & 0x1F).isEqualTo(7); // SPS
    }

    @Test
    void csrcsMarkerAndPadding() {
        // V=2 P=1 X=0 CC=2, M=1 PT=111, seq 65535, ts 0xfffffffe, ssrc 1, csrcs 2 and 3, payload aabb, 3 pad bytes
        assertThat(wrap("a2 ef ffff fffffffe 00000001 00000002 00000003 aabb 000003")).isEqualTo(PacketStatus.OK);
        assertThat(rtp.marker()).isTrue();
        assertThat(rtp.payloadType()).isEqualTo(111);
        assertThat(rtp.sequenceNumber()).isEqualTo(65535);
        assertThat(Integer.toUnsignedLong(rtp.timestamp())).isEqualTo(0xfffffffeL);
        assertThat(rtp.csrcCount()).isEqualTo(2);
        assertThat(rtp.csrc(1)).isEqualTo(3);
        assertThat(rtp.paddingLength()).isEqualTo(3);
        assertThat(rtp.payloadLength()).isEqualTo(2);
        assertThat(rtp.stripPadding()).isEqualTo(3);
        assertThat(rtp.hasPadding()).isFalse();
        assertThat(rtp.length()).isEqualTo(12 + 8 + 2);
        // the stripped packet re-parses the same, without the P bit
        assertThat(rtp.wrap(rtp.segment(), 0, rtp.length())).isEqualTo(PacketStatus.OK);
        assertThat(RtpHeader.padding(rtp.segment(), 0)).isFalse();
        assertThat(rtp.payloadLength()).isEqualTo(2);
    }

    @Test
    void malformedPacketsGetTheirStatus() {
        assertThat(wrap("8060 1234 000003e8 deadbe")).isEqualTo(PacketStatus.TOO_SHORT);
        assertThat(wrap("4060 1234 000003e8 deadbeef")).isEqualTo(PacketStatus.BAD_VERSION);
        assertThat(wrap("8160 1234 000003e8 deadbeef 0102")).isEqualTo(PacketStatus.BAD_CSRC_COUNT);
        assertThat(wrap("9060 1234 000003e8 deadbeef bede")).isEqualTo(PacketStatus.BAD_EXTENSION);
        assertThat(wrap("9060 1234 000003e8 deadbeef bede0002 10ff0000")).isEqualTo(PacketStatus.BAD_EXTENSION);
        // an element that claims 16 bytes in a 4-byte body
        assertThat(wrap("9060 1234 000003e8 deadbeef bede0001 1f000000")).isEqualTo(PacketStatus.BAD_EXTENSION);
        // two-byte form: element header cut off at the end of the body
        assertThat(wrap("9060 1234 000003e8 deadbeef 10000001 000000 05")).isEqualTo(PacketStatus.BAD_EXTENSION);
        assertThat(wrap("a060 1234 000003e8 deadbeef aabb00")).isEqualTo(PacketStatus.BAD_PADDING);
        assertThat(wrap("a060 1234 000003e8 deadbeef aabb09")).isEqualTo(PacketStatus.BAD_PADDING);
        assertThat(rtp.isWrapped()).isFalse();
    }

    @Test
    void oneByteExtensionsWithPaddingAndTheReservedId15() {
        // elements: id 1 len 1 (0x11), padding 00, id 2 len 3 (0x22 0x33 0x44), then id 15 stops the walk
        assertThat(wrap("9060 0001 00000000 00000001 bede0003 1011 00 22 223344 f0 000000 00 aa")).isEqualTo(PacketStatus.OK);
        assertThat(Bytes.u8(rtp.segment(), RtpExtensions.offset(rtp.findExtension(1)))).isEqualTo(0x11);
        long e2 = rtp.findExtension(2);
        assertThat(RtpExtensions.length(e2)).isEqualTo(3);
        assertThat(Bytes.toHex(rtp.segment(), RtpExtensions.offset(e2), 3)).isEqualTo("223344");
        assertThat(rtp.findExtension(3)).isEqualTo(RtpExtensions.NOT_FOUND);
        List<Integer> ids = new ArrayList<>();
        rtp.forEachExtension((id, off, len) -> ids.add(id));
        assertThat(ids).containsExactly(1, 2);
        assertThat(rtp.payloadLength()).isEqualTo(1);
    }

    @Test
    void twoByteExtensionsAllowEmptyElementsAndHighIds() {
        // profile 0x1005 (appbits 5): id 200 len 0, id 7 len 2 (abcd), padding
        assertThat(wrap("9060 0001 00000000 00000001 10050002 c800 0702abcd 0000 ff")).isEqualTo(PacketStatus.OK);
        assertThat(RtpExtensions.length(rtp.findExtension(200))).isZero();
        assertThat(Bytes.u16(rtp.segment(), RtpExtensions.offset(rtp.findExtension(7)))).isEqualTo(0xabcd);
    }

    @Test
    void anUnknownExtensionProfileIsCarriedOpaque() {
        assertThat(wrap("9060 0001 00000000 00000001 abcd0001 deadbeef ff")).isEqualTo(PacketStatus.OK);
        assertThat(rtp.extensionProfile()).isEqualTo(0xabcd);
        assertThat(rtp.findExtension(1)).isEqualTo(RtpExtensions.NOT_FOUND);
        assertThat(rtp.payloadLength()).isEqualTo(1);
    }

    @Test
    void settersWriteThroughToTheBytes() {
        wrap("8060 1234 000003e8 deadbeef 01");
        rtp.setPayloadType(100);
        rtp.setSequenceNumber(0x10000 + 7);
        rtp.setTimestamp(42);
        rtp.setSsrc(0x01020304);
        rtp.setMarker(true);
        assertThat(Bytes.toHex(rtp.segment(), 0, rtp.length())).isEqualTo("80e400070000002a0102030401");
        assertThat(rtp.sequenceNumber()).isEqualTo(7);
    }

    @Test
    void writesAHeaderWithExtensionsIntoAPooledBufferAndReadsItBack() {
        try (PacketPool pool = PacketPool.nativeMemory(1, 1200)) {
            PacketBuffer b = pool.acquire();
            MemorySegment s = b.segment();
            long off = b.offset();
            RtpHeader.write(s, off, true, 96, 9, 90_000, 0xcafe, 0x11, 0x22);
            RtpExtensionWriter w = new RtpExtensionWriter().begin(s, off, false);
            w.add(3, new byte[] {0, 5});
            w.add(1, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            int header = w.finish();
            assertThat(header).isEqualTo(12 + 8 + 4 + 12);
            Bytes.put8(s, off + header, 0x65);
            b.length(header + 1);
            assertThat(rtp.wrap(b)).isEqualTo(PacketStatus.OK);
            assertThat(rtp.csrc(0)).isEqualTo(0x11);
            assertThat(Bytes.u16(s, RtpExtensions.offset(rtp.findExtension(3)))).isEqualTo(5);
            assertThat(RtpExtensions.length(rtp.findExtension(1))).isEqualTo(8);
            assertThat(rtp.payloadOffset()).isEqualTo(off + header);
            b.release();
        }
    }
}
