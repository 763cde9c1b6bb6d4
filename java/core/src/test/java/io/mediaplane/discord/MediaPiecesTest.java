package io.mediaplane.discord;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** IP discovery, parameter-set prepending and access unit splitting, with hand-made bytes. */
class MediaPiecesTest {

    @Test
    void ipDiscoveryRoundTripAndRefusals() {
        MemorySegment s = MemorySegment.ofArray(new byte[74]);
        IpDiscovery.writeRequest(s, 0, 0xCAFEBABE);
        assertThat(Bytes.toHex(s, 0, 8)).isEqualTo("00010046cafebabe");
        assertThat(IpDiscovery.isRequest(s, 0, 74)).isTrue();
        IpDiscovery.writeResponse(s, 0, 0xCAFEBABE, new InetSocketAddress("203.0.113.9", 50123));
        assertThat(IpDiscovery.parseResponse(s, 0, 74, 0xCAFEBABE))
                .isEqualTo(new IpDiscovery.Result("203.0.113.9", 50123));
        assertThat(IpDiscovery.parseResponse(s, 0, 74, 1)).as("another SSRC").isNull();
        assertThat(IpDiscovery.parseResponse(s, 0, 73, 0xCAFEBABE)).as("short").isNull();
        Bytes.put8(s, 8, 'x');
        assertThat(IpDiscovery.parseResponse(s, 0, 74, 0xCAFEBABE)).as("not an address").isNull();
        s.asSlice(8, 64).fill((byte) '1');
        assertThat(IpDiscovery.parseResponse(s, 0, 74, 0xCAFEBABE)).as("no NUL").isNull();
    }

    private static byte[] bytes(String hex) {
        return Bytes.fromHex(hex.replace(" ", ""));
    }

    @Test
    void parameterSetsArePrependedToAnIdrThatLacksThemAfterTheAud() {
        ParameterSetPrepender p = new ParameterSetPrepender();
        MemorySegment out = MemorySegment.ofArray(new byte[256]);
        byte[] first = bytes("00000001 0910 00000001 6742 00000001 68ce 00000001 6588");
        int n = p.process(MemorySegment.ofArray(first), out);
        assertThat(Bytes.toHex(out, 0, n)).as("complete unit unchanged").isEqualTo(Bytes.toHex(first));
        byte[] delta = bytes("00000001 0930 00000001 4199");
        n = p.process(MemorySegment.ofArray(delta), out);
        assertThat(Bytes.toHex(out, 0, n)).as("delta unit unchanged").isEqualTo(Bytes.toHex(delta));
        byte[] bareIdr = bytes("00000001 0910 00000001 6577");
        n = p.process(MemorySegment.ofArray(bareIdr), out);
        assertThat(Bytes.toHex(out, 0, n)).isEqualTo("0000000109100000000167420000000168ce000000016577");
        assertThat(p.prepended()).isEqualTo(1);
        assertThat(p.process(MemorySegment.ofArray(bareIdr), MemorySegment.ofArray(new byte[10]))).isEqualTo(-1);
    }

    @Test
    void accessUnitsAreCutAtDelimitersWhateverTheChunking() {
        byte[] stream = bytes("00000001 0910 00000001 6742 000001 68ce 000001 6588 00 000001 0930 000001 41aa"
                + " 00000001 0930 000001 41bb");
        for (int chunk = 1; chunk <= stream.length; chunk++) {
            List<byte[]> units = new ArrayList<>();
            AccessUnitSplitter s = new AccessUnitSplitter(units::add, 1 << 20);
            for (int i = 0; i < stream.length; i += chunk) {
                s.feed(stream, i, Math.min(chunk, stream.length - i));
            }
            s.finish();
            assertThat(units).as("chunk %d", chunk).hasSize(3);
            assertThat(H264Clip.nals(units.get(0))).containsExactly("0910", "6742", "68ce", "6588");
            assertThat(H264Clip.nals(units.get(1))).containsExactly("0930", "41aa");
            assertThat(H264Clip.nals(units.get(2))).containsExactly("0930", "41bb");
            int total = units.stream().mapToInt(u -> u.length).sum();
            assertThat(total).as("no byte lost or duplicated").isEqualTo(stream.length);
        }
    }
}
