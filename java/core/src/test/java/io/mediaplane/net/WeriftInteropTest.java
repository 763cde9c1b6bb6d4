package io.mediaplane.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.rtp.RtpPacket;
import io.mediaplane.testing.Peers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * werift (pinned in {@code peers/werift}, a pure-TypeScript WebRTC stack nobody here wrote) as a complete peer:
 * full ICE as the controlling agent against our lite port (binding requests, USE-CANDIDATE, consent checks),
 * DTLS with its own certificate checked against its offer's fingerprint, then SRTP media that we open. Our answer
 * is written by hand (SDP is not this package's job): {@code a=setup:passive} makes us the DTLS server,
 * {@code a=setup:active} the client.
 */
class WeriftInteropTest {
    private static final Path PEER = Path.of("src/test/resources/peers/werift");
    private static Path work;
    private static Path node;

    @BeforeAll
    static void install() throws Exception {
        node = Peers.require("node", "nodejs");
        Path npm = Peers.require("npm", "npm");
        work = Files.createTempDirectory("mediaplane-werift");
        for (String f : List.of("package.json", "package-lock.json", "peer.js")) {
            Files.copy(PEER.resolve(f), work.resolve(f));
        }
        Process p = new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund").directory(work.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("npm ci:\n" + out).isZero();
    }

    @AfterAll
    static void remove() throws IOException {
        if (work != null) {
            try (Stream<Path> all = Files.walk(work)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DtlsRole.class)
    void weriftConnectsAndItsSrtpOpens(DtlsRole ourRole) throws Exception {
        int packets = 150;
        AtomicInteger opened = new AtomicInteger();
        Path log = Files.createTempFile("werift", ".log");
        Process peer = new ProcessBuilder(node.toString(), "peer.js", Integer.toString(packets)).directory(work.toFile())
                .redirectError(log.toFile()).start();
        try (MediaPort port = MediaPort.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
                Writer in = new java.io.OutputStreamWriter(peer.getOutputStream(), StandardCharsets.UTF_8)) {
            String offer = jsonField(out.readLine(), "offer");
            assertThat(offer).as("werift offer; log:\n%s", Files.readString(log)).contains("a=ice-ufrag:");
            IceCredentials theirs = new IceCredentials(attribute(offer, "ice-ufrag"), attribute(offer, "ice-pwd"));
            DtlsFingerprint fingerprint = DtlsFingerprint.parse(attribute(offer, "fingerprint"));
            assertThat(attribute(offer, "setup")).isEqualTo("actpass");
            RtpPacket view = new RtpPacket();
            PeerTransport t = port.register(TransportConfig.answering(theirs, ourRole, fingerprint),
                    new TransportListener() {
                        @Override
                        public void onRtp(PeerTransport tr, MemorySegment p, long o, int l) {
                            if (view.wrap(p, o, l).ok() && view.payloadType() == 96 && view.payloadLength() == 200) {
                                opened.incrementAndGet();
                            }
                        }

                        @Override
                        public void onRtcp(PeerTransport tr, MemorySegment p, long o, int l) {}
                    });
            String answer = answer(offer, t, port.localAddress().getPort());
            in.write("{\"answer\":\"" + answer.replace("\r", "\\r").replace("\n", "\\n") + "\"}\n");
            in.flush();

            TransportState s = t.whenConnected().get(30, TimeUnit.SECONDS);
            assertThat(s).as("%s %s; counters %s; werift log:\n%s", t.endReason(), t.endDetail(), t.counters(),
                    Files.readString(log)).isEqualTo(TransportState.CONNECTED);
            assertThat(t.nominated()).as("werift nominates with USE-CANDIDATE").isTrue();
            String line;
            while ((line = out.readLine()) != null && !line.contains("\"sent\"")) {
                // state lines
            }
            assertThat(line).as("werift finished sending; log:\n%s", Files.readString(log)).isNotNull();
            for (int i = 0; i < 100 && opened.get() < packets * 9 / 10; i++) {
                Thread.sleep(50); // the last packets may still be in flight
            }
            assertThat(opened.get()).as("SRTP packets opened of %d; counters %s", packets, t.counters())
                    .isGreaterThanOrEqualTo(packets * 9 / 10);
            assertThat(t.counters().get(PortEvent.SRTP_REFUSED)).isZero();
            System.out.println("werift, we as DTLS " + ourRole + ": " + t.srtpProfile() + ", " + opened.get() + "/"
                    + packets + " opened, nominated " + t.remoteAddress() + ", counters " + t.counters());
            t.close();
        } finally {
            peer.destroy();
            if (!peer.waitFor(5, TimeUnit.SECONDS)) {
                peer.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        }
    }

    /** The answer a WHIP server would give: ice-lite, our credentials, fingerprint and role, one host candidate. */
    private static String answer(String offer, PeerTransport t, int port) {
        String mid = attribute(offer, "mid");
        return String.join("\r\n",
                "v=0",
                "o=- 1 1 IN IP4 127.0.0.1",
                "s=-",
                "t=0 0",
                "a=group:BUNDLE " + mid,
                "a=ice-lite",
                "m=video " + port + " UDP/TLS/RTP/SAVPF 96",
                "c=IN IP4 127.0.0.1",
                "a=mid:" + mid,
                "a=recvonly",
                "a=rtcp-mux",
                "a=ice-ufrag:" + t.localCredentials().ufrag(),
                "a=ice-pwd:" + t.localCredentials().pwd(),
                "a=fingerprint:" + t.localFingerprint().toSdp(),
                "a=setup:" + t.dtlsRole().sdpSetup(),
                "a=rtpmap:96 H264/90000",
                "a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
                "a=candidate:1 1 udp 2130706431 127.0.0.1 " + port + " typ host",
                "a=end-of-candidates",
                "");
    }

    private static String attribute(String sdp, String name) {
        Matcher m = Pattern.compile("(?m)^a=" + Pattern.quote(name) + ":(.*?)\\r?$").matcher(sdp);
        assertThat(m.find()).as("a=%s in\n%s", name, sdp).isTrue();
        return m.group(1).trim();
    }

    /** The string value of {@code field} in a one-line JSON object (enough for werift's SDP lines). */
    private static String jsonField(String json, String field) {
        assertThat(json).isNotNull();
        int start = json.indexOf("\"" + field + "\":\"");
        assertThat(start).as(json).isGreaterThanOrEqualTo(0);
        StringBuilder b = new StringBuilder();
        for (int i = start + field.length() + 4; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                char e = json.charAt(++i);
                switch (e) {
                    case 'r' -> b.append('\r');
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> b.append(e);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
