package io.mediaplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzz target for STUN from the media port: whatever arrives, {@link StunMessage} returns a status and its
 * accessors never throw, and the ICE-lite responder answers only with well-formed, fingerprinted STUN. A
 * transport with the RFC 5769 credentials ({@code evtj}, peer {@code h6vY}) is registered so mutations of the
 * seed vectors reach the authenticated paths. Runs its seeds in every test run and fuzzes when JAZZER_FUZZ=1.
 */
class StunFuzzTest {
    private static final byte[] KEY = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);
    private static final MediaPort PORT;
    private static final IceLiteAgent AGENT;
    private static final PeerAddress FROM = PeerAddress.of(InetAddress.getLoopbackAddress(), 40000);
    private static final StunMessage VIEW = new StunMessage();
    private static final StunMessage ANSWER = new StunMessage();

    static {
        try {
            PORT = MediaPort.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (java.io.IOException e) {
            throw new ExceptionInInitializerError(e);
        }
        PeerTransport t = PORT.register(new TransportConfig(new IceCredentials("evtj", "VOkJxbRl1RmTxUk/WvJxBt"),
                new IceCredentials("h6vY", null), DtlsRole.SERVER,
                // no certificate is made (key generation under Jazzer's instrumentation is slow): DTLS never starts
                DtlsFingerprint.parse("sha-256 " + "00:".repeat(31) + "00"),
                TransportConfig.DEFAULT_SRTP_PROFILES), new IceLiteTest.NoMedia());
        AGENT = new IceLiteAgent(u -> u.equals("evtj") ? t : null, new PortCounters());
    }

    @FuzzTest(maxDuration = "20s")
    void stun(byte[] input) {
        byte[] a = Arrays.copyOf(input, input.length + 3);
        StunStatus s = VIEW.parse(a, 3, input.length);
        if (s.ok()) {
            assertThat(VIEW.length()).isEqualTo(input.length);
            VIEW.username();
            VIEW.usernameLocalPart();
            VIEW.usernameIs("evtj", "h6vY");
            VIEW.usernameIs("evtj", null);
            VIEW.priority();
            VIEW.useCandidate();
            VIEW.tieBreaker(Stun.ICE_CONTROLLING);
            VIEW.errorCode();
            VIEW.errorReason();
            VIEW.xorMappedAddress();
            VIEW.verifyIntegrity(KEY);
            VIEW.verifyFingerprint();
        } else {
            assertThat(VIEW.username()).isNull();
            assertThat(VIEW.verifyFingerprint()).isFalse();
        }
        byte[] out = new byte[IceLiteAgent.MAX_RESPONSE];
        int n = AGENT.handle(a, 3, input.length, FROM, 0, out);
        if (n > 0) {
            assertThat(ANSWER.parse(out, 0, n)).isEqualTo(StunStatus.OK);
            assertThat(ANSWER.verifyFingerprint()).isTrue();
            assertThat(ANSWER.type()).isIn(Stun.BINDING_SUCCESS, Stun.BINDING_ERROR);
            assertThat(Arrays.equals(out, 8, 20, a, 3 + 8, 3 + 20)).as("transaction id echoed").isTrue();
            if (ANSWER.type() == Stun.BINDING_SUCCESS) {
                assertThat(ANSWER.xorMappedAddress()).isEqualTo(FROM);
                assertThat(ANSWER.verifyIntegrity(KEY)).isTrue();
            }
        }
    }
}
