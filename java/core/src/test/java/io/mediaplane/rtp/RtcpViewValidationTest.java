package io.mediaplane.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each typed view's own body checks: what it refuses, with which status, and what it still accepts. */
class RtcpViewValidationTest {
    private static RtcpPacketView view(String kind) {
        Supplier<RtcpPacketView> s = switch (kind) {
            case "SR" -> RtcpSenderReport::new;
            case "RR" -> RtcpReceiverReport::new;
            case "SDES" -> RtcpSdes::new;
            case "BYE" -> RtcpBye::new;
            case "APP" -> RtcpApp::new;
            case "FB" -> RtcpFeedback::new;
            case "NACK" -> RtcpNack::new;
            case "PLI" -> RtcpPli::new;
            case "FIR" -> RtcpFir::new;
            case "REMB" -> RtcpRemb::new;
            case "TCC" -> RtcpTransportCc::new;
            default -> throw new IllegalArgumentException(kind);
        };
        return s.get();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "SR,   sender info only,                 '80c80006 11223344 0000000000000000 00000000 00000000 00000000', OK",
        "SR,   one block announced not present,  '81c80006 11223344 0000000000000000 00000000 00000000 00000000', BAD_COUNT",
        "SR,   sender info cut short,            '80c80005 11223344 0000000000000000 00000000 00000000', TOO_SHORT",
        "SR,   an RR is not an SR,               '80c90001 11223344', WRONG_TYPE",
        "SR,   version 0,                        '00c80006 11223344 0000000000000000 00000000 00000000 00000000', BAD_VERSION",
        "SR,   length beyond the bytes given,    '80c80007 11223344 0000000000000000 00000000 00000000 00000000', BAD_LENGTH",
        "RR,   two blocks announced one present, '82c90007 11223344 55667788 00000000 00000000 00000000 00000000 00000000', BAD_COUNT",
        "RR,   profile extension after blocks,   '80c90002 11223344 abcdef01', OK",
        "RR,   padding count past the header,    'a0c90002 11223344 00000009', BAD_PADDING",
        "SDES, empty chunk is four nulls,        '81ca0002 11223344 00000000', OK",
        "SDES, item then END on the boundary,    '81ca0002 11223344 01016100', OK",
        "SDES, item fills the chunk without END, '81ca0002 11223344 01020000', BAD_FORMAT",
        "SDES, item runs past the packet,        '81ca0002 11223344 01056162', BAD_FORMAT",
        "SDES, two items and no END,             '81ca0003 11223344 01026162 01020000', BAD_FORMAT",
        "SDES, END missing after the last item,  '81ca0003 11223344 01066162 63646566', BAD_FORMAT",
        "SDES, SC=2 with one chunk,              '82ca0002 11223344 00000000', BAD_COUNT",
        "SDES, a spare word after the chunks,    '81ca0003 11223344 00000000 00000000', BAD_COUNT",
        "BYE,  two SSRCs announced one present,  '82cb0001 11223344', BAD_COUNT",
        "BYE,  reason longer than the packet,    '81cb0002 11223344 09616263', BAD_FORMAT",
        "BYE,  empty reason,                     '81cb0002 11223344 00000000', OK",
        "BYE,  SC=0 is valid,                    '80cb0000', OK",
        "APP,  name without data,                '83cc0002 11223344 54455354', OK",
        "APP,  no name,                          '83cc0001 11223344', TOO_SHORT",
        "FB,   unknown PSFB FMT 7,               '87ce0002 11223344 55667788', OK",
        "FB,   no media SSRC,                    '81cd0001 11223344', TOO_SHORT",
        "FB,   an SR is not feedback,            '80c80006 11223344 0000000000000000 00000000 00000000 00000000', WRONG_TYPE",
        "NACK, no FCI entry,                     '81cd0002 11223344 55667788', BAD_COUNT",
        "NACK, FCI not whole entries,            'a1cd0004 11223344 55667788 00010000 00000003', BAD_FORMAT",
        "NACK, FMT 3 is TMMBR,                   '83cd0003 11223344 55667788 00010000', WRONG_TYPE",
        "PLI,  a NACK is not a PLI,              '81cd0003 11223344 55667788 00010000', WRONG_TYPE",
        "PLI,  too short,                        '81ce0001 11223344', TOO_SHORT",
        "FIR,  no entry,                         '84ce0002 11223344 00000000', BAD_COUNT",
        "FIR,  half an entry,                    '84ce0003 11223344 00000000 55667788', BAD_FORMAT",
        "REMB, another AFB identifier,           '8fce0004 11223344 00000000 41424344 01000001', WRONG_TYPE",
        "REMB, identifier but no bitrate,        '8fce0003 11223344 00000000 52454d42', TOO_SHORT",
        "REMB, more SSRCs than present,          '8fce0005 11223344 00000000 52454d42 02000001 55667788', BAD_COUNT",
        "REMB, mantissa << exponent overflows,   '8fce0004 11223344 00000000 52454d42 00fc0002', BAD_FORMAT",
        "REMB, largest that fits 63 bits,        '8fce0004 11223344 00000000 52454d42 00b7ffff', OK",
        "TCC,  an APP is not transport-cc,       '83cc0002 11223344 54455354', WRONG_TYPE",
    })
    void bodyChecks(String kind, String what, String hex, PacketStatus expected) {
        byte[] b = Bytes.fromHex(hex);
        RtcpPacketView v = view(kind);
        assertThat(v.wrap(MemorySegment.ofArray(b), 0, b.length)).as(what).isEqualTo(expected);
        assertThat(v.isWrapped()).isEqualTo(expected.ok());
        if (expected.ok()) {
            assertThat(v.length()).isEqualTo(b.length);
        }
    }

    @Test
    void largestRembBitrate() {
        byte[] b = Bytes.fromHex("8fce0004 11223344 00000000 52454d42 00b7ffff");
        RtcpRemb remb = new RtcpRemb();
        assertThat(remb.wrap(MemorySegment.ofArray(b), 0, b.length)).isEqualTo(PacketStatus.OK);
        assertThat(remb.exponent()).isEqualTo(45);
        assertThat(remb.bitrate()).isEqualTo(0x3FFFFL << 45).isPositive();
    }

    @Test
    void aViewReadsOnlyItsOwnPacketOfALongerDatagram() {
        byte[] b = Bytes.fromHex("81ce0002 11223344 55667788 80c90001 99999999");
        RtcpPli pli = new RtcpPli();
        assertThat(pli.wrap(MemorySegment.ofArray(b), 0, b.length)).isEqualTo(PacketStatus.OK);
        assertThat(pli.length()).isEqualTo(12);
        RtcpReceiverReport rr = new RtcpReceiverReport();
        assertThat(rr.wrap(MemorySegment.ofArray(b), 12, 8)).isEqualTo(PacketStatus.OK);
        assertThat(rr.senderSsrc()).isEqualTo(0x99999999);
    }

    @Test
    void indexAccessorsCheckTheirIndex() {
        byte[] b = Bytes.fromHex("81cb0001 11223344");
        RtcpBye bye = new RtcpBye();
        bye.wrap(MemorySegment.ofArray(b), 0, b.length);
        assertThat(bye.ssrc(0)).isEqualTo(0x11223344);
        assertThatThrownBy(() -> bye.ssrc(1)).isInstanceOf(IndexOutOfBoundsException.class);
        RtcpSdes sdes = new RtcpSdes();
        byte[] empty = Bytes.fromHex("81ca0002 11223344 00000000");
        sdes.wrap(MemorySegment.ofArray(empty), 0, empty.length);
        assertThatThrownBy(sdes::itemType).isInstanceOf(IllegalStateException.class);
        assertThat(sdes.nextItem()).isFalse();
        assertThat(sdes.cname(0x11223344)).isNull();
    }
}
