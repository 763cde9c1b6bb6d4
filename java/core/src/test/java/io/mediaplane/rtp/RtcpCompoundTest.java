package io.mediaplane.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The compound-level validity checks of RFC 3550 Appendix A.2 and the iteration over packets. */
class RtcpCompoundTest {
    private static final String RR = "80c90001 11223344";
    private static final String PLI = "81ce0002 11223344 55667788";

    private static PacketStatus wrap(RtcpCompound c, String hex) {
        byte[] b = Bytes.fromHex(hex);
        return c.wrap(MemorySegment.ofArray(b), 0, b.length);
    }

    @Test
    void iteratesEveryPacketOfTheRfcCompound() {
        MemorySegment s = RtcpVectors.segment("rfc3550-compound-padded.hex");
        RtcpCompound c = new RtcpCompound();
        assertThat(c.wrap(s, 0, (int) s.byteSize())).isEqualTo(PacketStatus.OK);
        assertThat(c.packetCount()).isEqualTo(4);
        List<RtcpPacketType> types = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        int total = 0;
        while (c.next()) {
            types.add(c.type());
            offsets.add(c.packetOffset());
            total += c.packetLength();
        }
        assertThat(types).containsExactly(RtcpPacketType.SR, RtcpPacketType.SDES, RtcpPacketType.APP,
                RtcpPacketType.BYE);
        assertThat(offsets).containsExactly(0L, 76L, 108L, 124L);
        assertThat(total).isEqualTo(140);
        assertThat(c.next()).isFalse();
        c.rewind();
        assertThat(c.next()).isTrue();
        assertThat(c.count()).isEqualTo(2);
        assertThat(c.padded()).isFalse();
    }

    @Test
    void worksAtAnOffsetInsideALargerBuffer() {
        byte[] vector = RtcpVectors.hex("gstreamer-sr-sdes-bye.hex");
        byte[] framed = new byte[vector.length + 64];
        System.arraycopy(vector, 0, framed, 32, vector.length);
        RtcpCompound c = new RtcpCompound();
        assertThat(c.wrap(MemorySegment.ofArray(framed), 32, vector.length)).isEqualTo(PacketStatus.OK);
        assertThat(c.next()).isTrue();
        assertThat(c.packetOffset()).isEqualTo(32);
        RtcpSenderReport sr = new RtcpSenderReport();
        assertThat(c.read(sr)).isEqualTo(PacketStatus.OK);
        assertThat(sr.senderSsrc()).isEqualTo(0xad04cdb1);
    }

    @Test
    void firstPacketMustBeAReportUnlessReducedSizeIsAllowed() {
        assertThat(wrap(new RtcpCompound(), PLI)).isEqualTo(PacketStatus.BAD_FIRST_PACKET);
        RtcpCompound reduced = new RtcpCompound(true);
        assertThat(wrap(reduced, PLI)).isEqualTo(PacketStatus.OK);
        assertThat(reduced.next()).isTrue();
        assertThat(reduced.type()).isEqualTo(RtcpPacketType.PSFB);
        assertThat(reduced.fmt()).isEqualTo(RtcpFeedback.FMT_PLI);
        // a report first is fine in both modes
        assertThat(wrap(new RtcpCompound(), RR + PLI)).isEqualTo(PacketStatus.OK);
        assertThat(wrap(reduced, RR + PLI)).isEqualTo(PacketStatus.OK);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "empty datagram,                  '',                                          TOO_SHORT",
        "three bytes,                     '80c900',                                    TOO_SHORT",
        "version 1,                       '40c90001 11223344',                         BAD_VERSION",
        "version 2 then version 3,        '80c90001 11223344 c1ce0002 1122334455667788', BAD_VERSION",
        "RTP payload type 96,             '80600001 11223344',                         NOT_RTCP",
        "PT 224 just above the range,     '80c90001 11223344 80e00000',                NOT_RTCP",
        "length runs past the datagram,   '80c90002 11223344',                         BAD_LENGTH",
        "trailing bytes after the last,   '80c90001 11223344 0000',                    BAD_LENGTH",
        "trailing word that is no header, '80c90001 11223344 00000000',                BAD_VERSION",
        "padding on a non-last packet,    'a0c90002 11223344 00000004 81ce0002 1122334455667788', BAD_PADDING",
        "padding count zero,              'a0c90002 11223344 00000000',                BAD_PADDING",
        "padding count beyond the body,   'a0c90002 11223344 0000000d',                BAD_PADDING",
        "padding on the last packet,      '80c90001 11223344 a1ce0003 1122334455667788 00000004', OK",
    })
    void appendixA2Checks(String what, String hex, PacketStatus expected) {
        RtcpCompound c = new RtcpCompound();
        assertThat(wrap(c, hex)).as(what).isEqualTo(expected);
        assertThat(c.status()).isEqualTo(expected);
        if (!expected.ok()) {
            // a refused compound is dropped whole: nothing to iterate
            assertThat(c.next()).isFalse();
            assertThat(c.packetCount()).isZero();
        }
    }

    @Test
    void unknownTypesInsideTheRangeAreKeptForTheCallerToSkip() {
        RtcpCompound c = new RtcpCompound();
        // RR, then XR (207) and PT 195 (RFC 5450 IJ): structurally fine
        assertThat(wrap(c, RR + "80cf0001 11223344 80c30000")).isEqualTo(PacketStatus.OK);
        c.next();
        c.next();
        assertThat(c.type()).isEqualTo(RtcpPacketType.XR);
        c.next();
        assertThat(c.packetType()).isEqualTo(195);
        assertThat(c.type()).isEqualTo(RtcpPacketType.OTHER);
        assertThat(RtcpPacketType.of(96)).isNull();
    }

    @Test
    void outOfSegmentArgumentsAreRefusedNotThrown() {
        MemorySegment s = MemorySegment.ofArray(Bytes.fromHex(RR));
        RtcpCompound c = new RtcpCompound();
        assertThat(c.wrap(s, 4, 8)).isEqualTo(PacketStatus.TOO_SHORT);
        assertThat(c.wrap(s, -1, 8)).isEqualTo(PacketStatus.TOO_SHORT);
        assertThat(c.wrap(s, 0, 9)).isEqualTo(PacketStatus.TOO_SHORT);
        assertThat(new RtcpReceiverReport().wrap(s, 4, 8)).isEqualTo(PacketStatus.TOO_SHORT);
    }

    @Test
    void refusalsAreCountable() {
        StatusCounters counters = new StatusCounters();
        RtcpCompound c = new RtcpCompound();
        counters.count(wrap(c, PLI));
        counters.count(wrap(c, "80c90002 11223344"));
        counters.count(wrap(c, RR));
        assertThat(counters.get(PacketStatus.BAD_FIRST_PACKET)).isEqualTo(1);
        assertThat(counters.get(PacketStatus.BAD_LENGTH)).isEqualTo(1);
        assertThat(counters.get(PacketStatus.OK)).isEqualTo(1);
        assertThat(counters.dropped()).isEqualTo(2);
    }

    @Test
    void aFailedWrapForgetsThePreviousDatagram() {
        RtcpCompound c = new RtcpCompound();
        assertThat(wrap(c, RR)).isEqualTo(PacketStatus.OK);
        assertThat(wrap(c, "40c90001 11223344")).isEqualTo(PacketStatus.BAD_VERSION);
        assertThat(c.next()).isFalse();
    }
}
