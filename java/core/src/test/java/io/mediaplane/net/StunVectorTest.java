package io.mediaplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 5769 "Test Vectors for STUN": our parser verifies the RFC's own MESSAGE-INTEGRITY and FINGERPRINT values,
 * and our writer reproduces the three short-term messages byte for byte (the RFC pads with spaces).
 */
class StunVectorTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TX = HEX.parseHex("b7e7a701bc34d686fa87dfae");

    /** RFC 5769 §2.1. */
    static final byte[] SAMPLE_REQUEST = HEX.parseHex("000100582112a442b7e7a701bc34d686fa87dfae"
            + "802200105354554e207465737420636c69656e74" + "002400046e0001ff" + "80290008932ff9b151263b36"
            + "000600096576746a3a68367659202020" + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
            + "80280004e57a3bcf");
    /** RFC 5769 §2.2. */
    static final byte[] SAMPLE_IPV4_RESPONSE = HEX.parseHex("0101003c2112a442b7e7a701bc34d686fa87dfae"
            + "8022000b7465737420766563746f7220" + "002000080001a147e112a643"
            + "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7" + "80280004c07d4c96");
    /** RFC 5769 §2.3. */
    static final byte[] SAMPLE_IPV6_RESPONSE = HEX.parseHex("010100482112a442b7e7a701bc34d686fa87dfae"
            + "8022000b7465737420766563746f7220" + "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
            + "00080014a382954e4be67bf11784c97c8292c275bfe3ed41" + "80280004c8fb0b4c");
    /** RFC 5769 §2.4 (long-term credentials). */
    static final byte[] SAMPLE_LONG_TERM = HEX.parseHex("000100602112a44278ad3433c6ad72c029da412e"
            + "00060012e3839ee38388e383aae38383e382afe382b90000" + "0015001c662f2f3439396b39353464364f4c33346f4c394653547679363473410014000b6578616d706c652e6f726700"
            + "00080014f67024656dd64a3e02b8e0712e85c9a28ca89666");

    private final StunMessage m = new StunMessage();

    @Test
    void sampleRequestVerifies() {
        assertThat(m.parse(SAMPLE_REQUEST, 0, SAMPLE_REQUEST.length)).isEqualTo(StunStatus.OK);
        assertThat(m.isBindingRequest()).isTrue();
        assertThat(m.username()).isEqualTo("evtj:h6vY");
        assertThat(m.usernameIs("evtj", "h6vY")).isTrue();
        assertThat(m.usernameIs("evtj", "h6vZ")).isFalse();
        assertThat(m.usernameIs("evt", null)).isFalse();
        assertThat(m.usernameLocalPart()).isEqualTo("evtj");
        assertThat(m.priority()).isEqualTo(0x6e0001ffL);
        assertThat(m.tieBreaker(Stun.ICE_CONTROLLED)).isEqualTo(0x932ff9b151263b36L);
        assertThat(m.useCandidate()).isFalse();
        assertThat(m.verifyFingerprint()).isTrue();
        assertThat(m.verifyIntegrity(PASSWORD)).isTrue();
        assertThat(m.verifyIntegrity("VOkJxbRl1RmTxUk/WvJxBu".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void anyFlippedBitBreaksFingerprintOrIntegrity() {
        for (int i = 0; i < SAMPLE_REQUEST.length; i++) {
            byte[] b = SAMPLE_REQUEST.clone();
            b[i] ^= 0x01;
            StunStatus s = m.parse(b, 0, b.length);
            if (s.ok()) {
                assertThat(m.verifyFingerprint() && m.verifyIntegrity(PASSWORD)).as("byte %d", i).isFalse();
            }
        }
    }

    @Test
    void writerReproducesSampleRequest() {
        byte[] out = new byte[200];
        StunWriter w = new StunWriter().start(out, 0, Stun.BINDING_REQUEST, TX, 0).padByte(0x20)
                .text(Stun.SOFTWARE, "STUN test client").priority(0x6e0001ffL).iceControlled(0x932ff9b151263b36L)
                .username("evtj:h6vY").messageIntegrity(PASSWORD).fingerprint();
        assertThat(HEX.formatHex(Arrays.copyOf(out, w.length()))).isEqualTo(HEX.formatHex(SAMPLE_REQUEST));
    }

    @ParameterizedTest
    @CsvSource({"v4, 192.0.2.1", "v6, 2001:db8:1234:5678:11:2233:4455:6677"})
    void sampleResponses(String family, String ip) throws Exception {
        byte[] vector = family.equals("v4") ? SAMPLE_IPV4_RESPONSE : SAMPLE_IPV6_RESPONSE;
        assertThat(m.parse(vector, 0, vector.length)).isEqualTo(StunStatus.OK);
        assertThat(m.type()).isEqualTo(Stun.BINDING_SUCCESS);
        assertThat(m.verifyIntegrity(PASSWORD)).isTrue();
        assertThat(m.verifyFingerprint()).isTrue();
        PeerAddress expected = PeerAddress.of(InetAddress.getByName(ip), 32853);
        assertThat(m.xorMappedAddress()).isEqualTo(expected);

        byte[] out = new byte[200];
        StunWriter w = new StunWriter().start(out, 0, Stun.BINDING_SUCCESS, TX, 0).padByte(0x20)
                .text(Stun.SOFTWARE, "test vector").xorMappedAddress(expected).messageIntegrity(PASSWORD).fingerprint();
        assertThat(HEX.formatHex(Arrays.copyOf(out, w.length()))).isEqualTo(HEX.formatHex(vector));
    }

    @Test
    void sampleLongTermRequest() throws Exception {
        assertThat(m.parse(SAMPLE_LONG_TERM, 0, SAMPLE_LONG_TERM.length)).isEqualTo(StunStatus.OK);
        assertThat(m.username()).isEqualTo("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9");
        assertThat(m.hasFingerprint()).isFalse();
        // RFC 5769 §2.4: key = MD5(username ":" realm ":" SASLprep(password)), the password preps to "TheMatrIX"
        byte[] key = MessageDigest.getInstance("MD5")
                .digest((m.username() + ":example.org:TheMatrIX").getBytes(StandardCharsets.UTF_8));
        assertThat(m.verifyIntegrity(key)).isTrue();
        assertThat(m.verifyIntegrity(PASSWORD)).isFalse();
    }

    @Test
    void errorResponseRoundTrips() {
        byte[] out = new byte[200];
        StunWriter w = new StunWriter().start(out, 0, Stun.BINDING_ERROR, TX, 0)
                .errorCode(Stun.ERROR_ROLE_CONFLICT, "Role Conflict").messageIntegrity(PASSWORD).fingerprint();
        assertThat(m.parse(out, 0, w.length())).isEqualTo(StunStatus.OK);
        assertThat(m.errorCode()).isEqualTo(487);
        assertThat(m.errorReason()).isEqualTo("Role Conflict");
        assertThat(m.verifyIntegrity(PASSWORD)).isTrue();
        assertThat(m.verifyFingerprint()).isTrue();
    }

    @Test
    void malformedInputsAreStatuses() {
        assertThat(m.parse(SAMPLE_REQUEST, 0, 19)).isEqualTo(StunStatus.TOO_SHORT);
        byte[] b = SAMPLE_REQUEST.clone();
        b[4] = 0;
        assertThat(m.parse(b, 0, b.length)).isEqualTo(StunStatus.NOT_STUN);
        assertThat(m.parse(SAMPLE_REQUEST, 0, SAMPLE_REQUEST.length - 4)).isEqualTo(StunStatus.BAD_LENGTH);
        b = SAMPLE_REQUEST.clone();
        b[22] = 0x00;
        b[23] = 0x7F; // SOFTWARE length runs past the end
        assertThat(m.parse(b, 0, b.length)).isEqualTo(StunStatus.BAD_ATTRIBUTE);
        b = SAMPLE_REQUEST.clone();
        b[43] = 0x05; // PRIORITY of 5 bytes
        assertThat(m.parse(b, 0, b.length)).isNotEqualTo(StunStatus.OK);
        assertThat(m.username()).isNull();
    }
}
