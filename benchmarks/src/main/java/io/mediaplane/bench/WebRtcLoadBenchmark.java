package io.mediaplane.bench;

import io.mediaplane.buffer.PacketPool;
import io.mediaplane.codec.H264Packetizer;
import io.mediaplane.crypto.SrtpContext;
import io.mediaplane.net.DtlsCertificate;
import io.mediaplane.net.DtlsFingerprint;
import io.mediaplane.net.DtlsRole;
import io.mediaplane.net.IceCredentials;
import io.mediaplane.net.MediaPort;
import io.mediaplane.net.MediaPortOptions;
import io.mediaplane.net.PeerAddress;
import io.mediaplane.net.PeerTransport;
import io.mediaplane.net.PortEvent;
import io.mediaplane.net.SendStatus;
import io.mediaplane.net.Stun;
import io.mediaplane.net.StunWriter;
import io.mediaplane.net.TransportConfig;
import io.mediaplane.net.TransportListener;
import io.mediaplane.net.TransportState;
import io.mediaplane.server.http.MediaServer;
import io.mediaplane.webrtc.WebRtcService;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.DatagramPacket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WebRTC forwarding load: one H264 publisher at 2.5 Mbit/s → N viewers through an in-process {@link MediaServer}'s
 * real WHIP/WHEP endpoints, real DTLS-SRTP handshakes and real UDP on loopback.
 *
 * <p>This process runs only the server; for every point it starts a second JVM (the same class, mode
 * {@code clients}) holding the publisher and the viewers, each a {@link MediaPort} of its own with our DTLS client
 * role ({@code -Dload.clients=ports}), or, by default ({@code polled}), with their media moved after the handshake
 * to sockets of their own that a few {@link Poller} threads serve. Viewers open every packet with their own SRTP
 * context (what fails authentication is refused and counted) and count it. The server's CPU is this process's CPU time over the measurement window (nothing
 * else runs here but the server and the pipe from the clients), so GC, Jetty and the DTLS threads are included.
 *
 * <p>Each forwarded packet carries, in its last 16 payload bytes, the publisher's packet index and its
 * {@link System#nanoTime()} at send: the viewers live in the publisher's JVM, so latency is measured on one clock.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.mediaplane.bench.WebRtcLoadBenchmark [seconds] [viewers...]</pre>
 */
public final class WebRtcLoadBenchmark {
    static final int BITRATE = 2_500_000;
    static final int FPS = 30;
    static final int GOP = 30;
    static final int PT = 96;
    static final int TRAILER = 16;
    static final long BUCKET_NANOS = 10_000; // latency histogram: 10 µs buckets up to 200 ms
    static final int BUCKETS = 20_000;

    /** SO_RCVBUF/SO_SNDBUF of the server's media port, bytes (0: the port's default). */
    static final int SERVER_BUFFER = Integer.getInteger("load.serverBuffer", 0);
    /** SO_RCVBUF of each client port, bytes (0: the port's default). */
    static final int CLIENT_BUFFER = Integer.getInteger("load.clientBuffer", 0);
    /**
     * How the viewers receive: {@code ports} — each viewer's {@link MediaPort} receives its media on its own thread
     * (one thread wake-up per packet); {@code polled} — after the handshake each viewer moves its media to a
     * non-blocking socket of its own, and {@link #POLLERS} threads serve all of them through {@link Selector}s.
     */
    static final String CLIENT_MODE = System.getProperty("load.clients", "polled");
    /** Threads serving the viewers' sockets in {@code polled} mode. */
    static final int POLLERS = Integer.getInteger("load.pollers", 1);

    private WebRtcLoadBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (!CLIENT_MODE.equals("ports") && !CLIENT_MODE.equals("polled")) {
            throw new IllegalArgumentException("-Dload.clients=ports|polled, not " + CLIENT_MODE);
        }
        if (args.length > 0 && args[0].equals("clients")) {
            try {
                Clients.run(URI.create(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1); // the sender and the ports' threads would keep the JVM alive
            }
            return;
        }
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int[] points = args.length > 1 ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {10, 50, 100, 250, 500};
        System.out.println("| clients | viewers | load avg (1 min) at start | server CPU (cores) | client JVM CPU (cores) | loss % "
                + "| latency p50 / p99 / max (ms) | SRTP packets/s out (server socket) | delivered & authenticated /s "
                + "| per server core | SRTP refused | receive-buffer drops: server socket / client sockets "
                + "| UDP RcvbufErrors / SndbufErrors (whole machine) | client thread sleeps per delivered packet "
                + "| server thread sleeps per packet sent | forwarding thread: on CPU / waiting for a CPU (cores) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (int n : points) {
            System.out.println(point(n, seconds));
        }
    }

    private static String point(int viewers, int seconds) throws Exception {
        WebRtcService.Config rtc = WebRtcService.Config.loopback().withLimits(viewers + 10, viewers + 10);
        if (SERVER_BUFFER > 0) {
            rtc = rtc.withPortOptions(rtc.portOptions().withSocket(rtc.portOptions().socket()
                    .withReceiveBufferSize(SERVER_BUFFER).withSendBufferSize(SERVER_BUFFER)));
        }
        try (MediaServer server = MediaServer.start(MediaServer.Config.loopback().withWebRtc(rtc))) {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xss512k",
                    "-Dload.clientBuffer=" + CLIENT_BUFFER,
                    "-Dload.clients=" + CLIENT_MODE, "-Dload.pollers=" + POLLERS,
                    "-cp", System.getProperty("java.class.path"), WebRtcLoadBenchmark.class.getName(), "clients",
                    server.baseUri().toString(), Integer.toString(viewers), Integer.toString(seconds))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = 0;
            long wall0 = 0;
            long sent0 = 0;
            long inTrains0 = 0;
            long[] snmp0 = null;
            long[] snmp = new long[2];
            long serverDrops0 = 0;
            long serverDrops = 0;
            long switches0 = 0;
            long switches = 0;
            int serverPort = server.webrtc().port().localAddress().getPort();
            String load = "";
            String result = null;
            double cores = 0;
            double sentPerSecond = 0;
            double switchesPerSent = 0;
            long[] sched0 = new long[2];
            double forwardingCpu = 0;
            double forwardingWait = 0;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.equals("MEASURE-START")) {
                        load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
                        cpu0 = os.getProcessCpuTime();
                        wall0 = System.nanoTime();
                        sent0 = server.webrtc().port().socketCounters().datagramsSent();
                        inTrains0 = server.webrtc().port().socketCounters().datagramsInTrains();
                        snmp0 = udpErrors();
                        serverDrops0 = socketDrops(Set.of(serverPort));
                        switches0 = contextSwitches();
                        sched0 = forwardingSchedStat();
                    } else if (line.equals("MEASURE-END")) {
                        long wall = System.nanoTime() - wall0;
                        cores = (double) (os.getProcessCpuTime() - cpu0) / wall;
                        switches = contextSwitches() - switches0;
                        long[] sched = forwardingSchedStat();
                        forwardingCpu = (sched[0] - sched0[0]) / (double) wall;
                        forwardingWait = (sched[1] - sched0[1]) / (double) wall;
                        sentPerSecond = (server.webrtc().port().socketCounters().datagramsSent() - sent0) * 1e9 / wall;
                        sentPerSecond = Math.max(sentPerSecond, 1e-9);
                        long inTrains = server.webrtc().port().socketCounters().datagramsInTrains() - inTrains0;
                        System.err.printf("[server] %d viewers: %.1f %% of the datagrams sent left in GSO trains%n",
                                viewers, 100.0 * inTrains / (sentPerSecond * wall / 1e9));
                        switchesPerSent = switches / (sentPerSecond * wall / 1e9);
                    } else if (line.equals("DRAINED")) {
                        long[] now = udpErrors();
                        snmp = new long[] {now[0] - snmp0[0], now[1] - snmp0[1]};
                        serverDrops = socketDrops(Set.of(serverPort)) - serverDrops0;
                    } else if (line.startsWith("RESULT ")) {
                        result = line.substring(7);
                    } else {
                        System.err.println("[clients] " + line);
                    }
                }
            }
            p.waitFor(60, TimeUnit.SECONDS);
            if (result == null) {
                return "| " + CLIENT_MODE + " | " + viewers + " | " + load + " | failed: the clients reported no result (exit " + p.exitValue() + ") |";
            }
            // RESULT lossPercent p50 p99 max deliveredPerSecond refused clientCores clientSocketDrops
            String[] f = result.split(" ");
            double delivered = Double.parseDouble(f[4]);
            return String.format("| %s | %d | %s | %.2f | %s | %s | %s / %s / %s | %.0f | %.0f | %.0f | %s | %d / %s | %d / %d | %s | %.3f | %.2f / %.2f |",
                    CLIENT_MODE, viewers, load, cores, f[6], f[0], f[1], f[2], f[3], sentPerSecond, delivered,
                    sentPerSecond / Math.max(cores, 1e-9), f[5], serverDrops, f[7], snmp[0], snmp[1], f[8], switchesPerSent,
                    forwardingCpu, forwardingWait);
        }
    }

    /** /proc/net/snmp Udp RcvbufErrors and SndbufErrors (the whole machine: other programs' sockets count too). */
    static long[] udpErrors() throws java.io.IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                List<String> names = List.of(lines.get(i).trim().split("\\s+"));
                String[] values = lines.get(i + 1).trim().split("\\s+");
                return new long[] {Long.parseLong(values[names.indexOf("RcvbufErrors")]),
                        Long.parseLong(values[names.indexOf("SndbufErrors")])};
            }
        }
        return new long[2];
    }

    /** Datagrams dropped for a full receive buffer (the "drops" column of /proc/net/udp) on sockets bound to these ports. */
    static long socketDrops(java.util.Set<Integer> ports) throws java.io.IOException {
        long drops = 0;
        for (String line : Files.readAllLines(Path.of("/proc/net/udp"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 13 || !f[1].contains(":")) {
                continue;
            }
            int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
            if (ports.contains(port)) {
                drops += Long.parseLong(f[12]);
            }
        }
        return drops;
    }

    /** {@link #schedStat} of the forwarding threads: the port's receive thread and the fan-out's helpers, if any. */
    static long[] forwardingSchedStat() throws java.io.IOException {
        long[] a = schedStat("media-port-");
        long[] b = schedStat("fan-out-");
        return new long[] {a[0] + b[0], a[1] + b[1]};
    }

    /**
     * Nanoseconds on a CPU and waiting on a run queue (/proc/self/task/T/schedstat, the scheduler's own accounting)
     * summed over this JVM's threads whose name starts with {@code prefix}: the server port's receive thread, which
     * forwards, is "media-port-PORT" (the kernel keeps 15 characters of it).
     */
    static long[] schedStat(String prefix) throws java.io.IOException {
        long[] r = new long[2];
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(t.resolve("comm")).startsWith(prefix)) {
                        String[] f = Files.readString(t.resolve("schedstat")).trim().split(" ");
                        r[0] += Long.parseLong(f[0]);
                        r[1] += Long.parseLong(f[1]);
                    }
                } catch (java.io.IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return r;
    }

    /** Voluntary context switches (sleeps, i.e. wake-ups to come) of all this JVM's threads, from /proc/self/task. */
    static long contextSwitches() throws java.io.IOException {
        long n = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (java.io.IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return n;
    }

    /** The publisher and the viewers: the second JVM. */
    static final class Clients {
        static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        static final MediaPortOptions PORT_OPTIONS = withClientBuffer(MediaPortOptions.defaults())
                .withCertificate(DtlsCertificate.generate("load-client"))
                // the server is ICE-lite and never checks us: no consent to lose on our side
                .withConsentTimeout(Duration.ofMinutes(10)).withHandshakeTimeout(Duration.ofSeconds(60));
        private static MediaPortOptions withClientBuffer(MediaPortOptions o) {
            return CLIENT_BUFFER > 0 ? o.withSocket(o.socket().withReceiveBufferSize(CLIENT_BUFFER)) : o;
        }

        static final AtomicLongArray LATENCY = new AtomicLongArray(BUCKETS);
        static final LongAdder LATE = new LongAdder();
        static volatile long windowFirst = Long.MAX_VALUE;
        static volatile long windowEnd = Long.MAX_VALUE;
        static final LongAdder IN_WINDOW = new LongAdder();
        /** SRTP/SRTCP packets the polled viewers refused (failed authentication or replayed). */
        static final LongAdder REFUSED = new LongAdder();

        /** Counts one authenticated, opened media packet for the window and the latency histogram. */
        static void delivered(MemorySegment p, long o, int l, long now) {
            if (l < 12 + TRAILER) {
                return;
            }
            long index = p.get(Publisher.BE_LONG, o + l - TRAILER);
            long sent = p.get(Publisher.BE_LONG, o + l - 8);
            if (index >= windowFirst && index < windowEnd) {
                IN_WINDOW.increment();
                long b = (now - sent) / BUCKET_NANOS;
                if (b < BUCKETS) {
                    LATENCY.incrementAndGet((int) b);
                } else {
                    LATE.increment();
                }
            }
        }

        static void run(URI base, int viewers, int seconds) throws Exception {
            Peer publisher = Peer.connect(base.resolve("/whip/load"), publishOffer());
            Publisher pub = new Publisher(publisher.transport);
            List<Peer> peers = new java.util.concurrent.CopyOnWriteArrayList<>();
            // RFC 7675 consent every 5 s, as browsers send it, from the first viewer on: a slow setup must not
            // outlast the server's 30 s consent timeout
            Thread consent = Thread.ofPlatform().daemon().name("consent").start(() -> {
                while (true) {
                    try {
                        Thread.sleep(5000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    publisher.sendBindingRequest();
                    peers.forEach(Peer::sendBindingRequest);
                }
            });
            long setup = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Peer>> f = new ArrayList<>();
                for (int i = 0; i < viewers; i++) {
                    f.add(pool.submit(() -> Peer.connect(base.resolve("/whep/load"), viewOffer())));
                }
                for (Future<Peer> x : f) {
                    peers.add(x.get(120, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdown();
            }
            System.out.printf("%d viewers connected (WHEP + ICE + DTLS) in %.1f s%n", viewers,
                    (System.nanoTime() - setup) / 1e9);
            Poller[] pollers = new Poller[CLIENT_MODE.equals("polled") ? POLLERS : 0];
            List<Thread> pollerThreads = new ArrayList<>();
            if (pollers.length > 0) {
                for (int i = 0; i < POLLERS; i++) {
                    pollers[i] = new Poller();
                }
                long moved = System.nanoTime();
                for (int i = 0; i < peers.size(); i++) {
                    peers.get(i).moveMedia(pollers[i % POLLERS].selector);
                }
                for (int i = 0; i < POLLERS; i++) {
                    pollerThreads.add(Thread.ofPlatform().daemon().name("viewer-poller-" + i).start(pollers[i]));
                }
                System.out.printf("%d viewers moved their media to polled sockets (%d threads) in %.1f s%n", viewers,
                        POLLERS, (System.nanoTime() - moved) / 1e9);
            }
            // media starts once every viewer is up (it begins with an IDR, so nobody waits for a keyframe): the
            // handshakes are measured apart from the forwarding, which would otherwise crowd them out on 2 vCPUs
            Thread sender = Thread.ofPlatform().daemon().name("publisher").start(pub);
            Thread.sleep(2000); // warm-up: every viewer past a keyframe, JIT warm
            java.util.Set<Integer> ports = new java.util.HashSet<>();
            for (Peer p : peers) {
                ports.add(p.port.localAddress().getPort());
                if (p.media != null) {
                    ports.add(((InetSocketAddress) p.media.getLocalAddress()).getPort());
                }
            }
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long drops0 = socketDrops(ports);
            long switches0 = contextSwitches();
            windowFirst = pub.nextIndex();
            System.out.println("MEASURE-START");
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long wall = System.nanoTime() - t0;
            double clientCores = (double) (os.getProcessCpuTime() - cpu0) / wall;
            long switches = contextSwitches() - switches0;
            windowEnd = pub.nextIndex();
            System.out.println("MEASURE-END");
            Thread.sleep(500); // stragglers still count; later is lost
            long clientDrops = socketDrops(ports) - drops0;
            System.out.println("DRAINED");
            long expected = (windowEnd - windowFirst) * viewers;
            long received = IN_WINDOW.sum();
            long refused = REFUSED.sum();
            for (Peer p : peers) {
                refused += p.port.counters().get(PortEvent.SRTP_REFUSED);
            }
            pub.stop = true;
            sender.join();
            consent.interrupt();
            for (Poller x : pollers) {
                x.stop = true;
                x.selector.wakeup();
            }
            for (Thread t : pollerThreads) {
                t.join(); // before the ports close their SRTP contexts under them
            }
            double loss = 100.0 * (expected - received) / expected;
            System.out.printf("RESULT %.3f %.3f %.3f %.3f %.0f %d %.2f %d %.2f%n", loss, percentile(0.50), percentile(0.99),
                    percentile(1.0), received * 1e9 / wall, refused, clientCores, clientDrops,
                    (double) switches / Math.max(1, received));
            System.out.flush();
            for (Peer p : peers) {
                p.port.close();
            }
            publisher.port.close();
            System.exit(0);
        }

        static double percentile(double q) {
            long total = 0;
            for (int i = 0; i < BUCKETS; i++) {
                total += LATENCY.get(i);
            }
            total += LATE.sum();
            long want = (long) Math.ceil(q * total);
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                seen += LATENCY.get(i);
                if (seen >= want && LATENCY.get(i) > 0) {
                    return (i + 1) * BUCKET_NANOS / 1e6;
                }
            }
            return BUCKETS * BUCKET_NANOS / 1e6; // beyond the histogram: printed as its bound
        }

        static String publishOffer() {
            return "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendonly\r\n"
                    + "a=ssrc:3120549211 cname:load\r\na=msid:load video\r\na=rtcp-mux\r\n"
                    + "a=rtpmap:96 H264/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n"
                    + "a=fmtp:96 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1\r\n";
        }

        static String viewOffer() {
            return "m=video 9 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\n"
                    + "a=rtcp-rsize\r\na=rtpmap:102 H264/90000\r\na=rtcp-fb:102 nack\r\na=rtcp-fb:102 nack pli\r\n"
                    + "a=fmtp:102 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1\r\n";
        }
    }

    /** One client peer: its own UDP port, ICE credentials and DTLS client; counts what it receives. */
    static final class Peer implements TransportListener {
        private static final Pattern UFRAG = Pattern.compile("a=ice-ufrag:(\\S+)");
        private static final Pattern PWD = Pattern.compile("a=ice-pwd:(\\S+)");
        private static final Pattern FINGERPRINT = Pattern.compile("a=fingerprint:([^\r\n]+)");
        private static final Pattern CANDIDATE = Pattern.compile("a=candidate:\\S+ 1 udp \\d+ (\\S+) (\\d+) typ host");
        private static final Random RANDOM = new Random(7);
        final MediaPort port;
        final IceCredentials local;
        PeerTransport transport;
        IceCredentials remote;
        PeerAddress server;
        /** Polled mode: the viewer's media socket after {@link #moveMedia}, connected to the server's port. */
        volatile DatagramChannel media;
        private SrtpContext srtp;

        private Peer(MediaPort port, IceCredentials local) {
            this.port = port;
            this.local = local;
        }

        static Peer connect(URI endpoint, String media) throws Exception {
            MediaPort port = MediaPort.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    Clients.PORT_OPTIONS);
            IceCredentials local = IceCredentials.random();
            Peer peer = new Peer(port, local);
            String offer = "v=0\r\no=- 1 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
                    + "a=setup:active\r\na=ice-ufrag:" + local.ufrag() + "\r\na=ice-pwd:" + local.pwd() + "\r\n"
                    + "a=fingerprint:" + Clients.PORT_OPTIONS.certificate().fingerprint().toSdp() + "\r\n" + media;
            HttpResponse<String> r = Clients.HTTP.send(HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/sdp").POST(HttpRequest.BodyPublishers.ofString(offer)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException(endpoint + " answered " + r.statusCode() + ": " + r.body());
            }
            String answer = r.body();
            peer.remote = new IceCredentials(find(UFRAG, answer, 1), find(PWD, answer, 1));
            DtlsFingerprint theirs = DtlsFingerprint.parse(find(FINGERPRINT, answer, 1));
            Matcher c = CANDIDATE.matcher(answer);
            if (!c.find()) {
                throw new IllegalStateException("no host candidate in the answer");
            }
            peer.server = PeerAddress.of(InetAddress.getByName(c.group(1)), Integer.parseInt(c.group(2)));
            peer.transport = port.register(new TransportConfig(local, peer.remote, DtlsRole.CLIENT, theirs,
                    TransportConfig.DEFAULT_SRTP_PROFILES), peer);
            // RFC 8445 §7.2.2: our check (USE-CANDIDATE, we control) makes the lite server validate our address;
            // the server never checks back, so we take its candidate as the pair and start DTLS
            peer.sendBindingRequest();
            Thread.sleep(20);
            peer.transport.useRemoteCandidate(peer.server);
            // our port answers STUN but ignores responses, so a lost request (a busy server's socket buffer) is
            // covered by repeating it, as checks are retransmitted (RFC 8445 §14.3), until DTLS is up
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    if (peer.transport.whenConnected().get(250, TimeUnit.MILLISECONDS) == TransportState.CONNECTED) {
                        return peer;
                    }
                    break;
                } catch (java.util.concurrent.TimeoutException e) {
                    peer.sendBindingRequest();
                }
            }
            throw new IllegalStateException("DTLS did not connect: " + peer.transport.endDetail());
        }

        private static String find(Pattern p, String s, int group) {
            Matcher m = p.matcher(s);
            if (!m.find()) {
                throw new IllegalStateException("answer lacks " + p.pattern());
            }
            return m.group(group);
        }

        void sendBindingRequest() {
            byte[] tx = new byte[12];
            synchronized (RANDOM) {
                RANDOM.nextBytes(tx);
            }
            byte[] out = new byte[256];
            StunWriter w = new StunWriter().start(out, 0, Stun.BINDING_REQUEST, tx, 0)
                    .username(remote.ufrag() + ":" + local.ufrag()).iceControlling(tx[0] * 31L + tx[1]).useCandidate()
                    .priority(0x6E7F1EFFL).messageIntegrity(remote.pwd().getBytes(StandardCharsets.UTF_8)).fingerprint();
            DatagramChannel m = media;
            if (m == null) {
                port.send(server, MemorySegment.ofArray(out), 0, w.length());
            } else {
                try {
                    m.write(ByteBuffer.wrap(out, 0, w.length())); // never blocks long: a full buffer drops it
                } catch (java.io.IOException e) {
                    // lost like any datagram; the next consent request (5 s) repeats it
                }
            }
        }

        /**
         * Moves this viewer's media to a socket of its own (its own 5-tuple) that a {@link Poller} serves: a signed
         * binding request with USE-CANDIDATE from the new socket nominates it (RFC 8445 §7.3.1.5: the lite server
         * takes the controlling peer's latest nomination and sends there), repeated until its success response
         * arrives. The DTLS session and its SRTP keys stay those of the handshake; this socket opens every packet
         * with the transport's receive context, which nothing else uses from now on (the port's own socket gets
         * no more media). The port stays open: closing it would send the server a close_notify.
         */
        void moveMedia(Selector selector) throws java.io.IOException {
            DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
            ch.setOption(StandardSocketOptions.SO_RCVBUF, CLIENT_BUFFER > 0 ? CLIENT_BUFFER : MediaPortOptions.RECEIVE_BUFFER);
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ch.connect(server.toSocketAddress());
            srtp = transport.srtp();
            media = ch;
            ch.socket().setSoTimeout(250);
            byte[] in = new byte[2048];
            DatagramPacket d = new DatagramPacket(in, in.length);
            boolean answered = false;
            for (int i = 0; i < 120 && !answered; i++) {
                sendBindingRequest();
                try {
                    while (!answered) {
                        ch.socket().receive(d);
                        answered = d.getLength() >= Stun.HEADER_LENGTH
                                && ((in[0] & 0xFF) << 8 | (in[1] & 0xFF)) == Stun.BINDING_SUCCESS;
                    }
                } catch (SocketTimeoutException e) {
                    // repeat the check (RFC 8445 §14.3)
                }
            }
            if (!answered) {
                throw new IllegalStateException("the server did not answer the nomination of " + ch.getLocalAddress());
            }
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ, this);
        }

        /** Polled mode: one datagram from the server (RFC 7983 demux): SRTP/SRTCP opened, STUN answers skipped. */
        void onDatagram(MemorySegment s, int length, long now) {
            int b0 = s.get(ValueLayout.JAVA_BYTE, 0) & 0xFF;
            if (b0 < 128 || b0 > 191 || length < 12) {
                return; // STUN (0..3) answering our consent requests; no DTLS after the handshake
            }
            int pt = s.get(ValueLayout.JAVA_BYTE, 1) & 0x7F;
            boolean rtcp = pt >= 64 && pt <= 95; // RFC 5761 §4: RTCP packet types 192..223
            int r = rtcp ? srtp.openRtcp(s, 0, length) : srtp.openRtp(s, 0, length);
            if (r < 0) {
                Clients.REFUSED.increment();
            } else if (!rtcp) {
                Clients.delivered(s, 0, r, now);
            }
        }

        @Override
        public void onRtp(PeerTransport t, MemorySegment p, long o, int l) {
            // already opened and authenticated by the transport's SRTP context
            Clients.delivered(p, o, l, System.nanoTime());
        }

        @Override
        public void onRtcp(PeerTransport t, MemorySegment p, long o, int l) {}
    }

    /**
     * Serves many viewers' media sockets from one thread: waits on a {@link Selector} (epoll) and drains each ready
     * socket, so a burst of the fan-out costs one wake-up, not one per viewer per packet.
     */
    static final class Poller implements Runnable {
        /** Datagrams read from one socket before the next ready one gets its turn. */
        static final int DRAIN = 32;
        final Selector selector;
        volatile boolean stop;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(2048);
        private final MemorySegment segment = MemorySegment.ofBuffer(buffer);

        Poller() throws java.io.IOException {
            selector = Selector.open();
        }

        @Override
        public void run() {
            try {
                while (!stop) {
                    selector.select(this::drain, 250);
                }
            } catch (java.io.IOException | java.nio.channels.ClosedSelectorException e) {
                // the JVM is ending
            }
        }

        private void drain(SelectionKey key) {
            Peer peer = (Peer) key.attachment();
            DatagramChannel ch = peer.media;
            for (int i = 0; i < DRAIN; i++) {
                buffer.clear();
                int n;
                try {
                    n = ch.read(buffer);
                } catch (java.io.IOException e) {
                    return; // e.g. ICMP port unreachable surfacing on the connected socket: nothing to read
                }
                if (n <= 0) {
                    return;
                }
                peer.onDatagram(segment, n, System.nanoTime());
            }
        }
    }

    /**
     * 2.5 Mbit/s of H264 at 30 fps, packetized by our {@link H264Packetizer} from synthetic NAL units of real sizes
     * (an IDR of 3× the mean frame size once a second, P frames sharing the rest), paced over 40% of each frame
     * interval as a sender's pacer spreads a frame.
     */
    static final class Publisher implements Runnable {
        static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
        final PeerTransport transport;
        final List<List<byte[]>> gop = new ArrayList<>();
        volatile boolean stop;
        private volatile long index;

        Publisher(PeerTransport transport) {
            this.transport = transport;
            int mean = BITRATE / 8 / FPS;
            int idr = 3 * mean;
            int p = (mean * GOP - idr) / (GOP - 1);
            Random random = new Random(42);
            try (PacketPool pool = PacketPool.heap(256, 1500)) {
                for (int f = 0; f < GOP; f++) {
                    List<byte[]> packets = new ArrayList<>();
                    H264Packetizer packetizer = new H264Packetizer(pool, b -> {
                        packets.add(b.toArray());
                        b.release();
                    }, PT, (int) 3120549211L);
                    byte[] au = f == 0 ? annexB(random, new int[] {0x67, 0x68, 0x65}, new int[] {12, 4, idr})
                            : annexB(random, new int[] {0x41}, new int[] {p});
                    packetizer.packetizeAnnexB(MemorySegment.ofArray(au), 0, au.length, 0);
                    gop.add(packets);
                }
            }
        }

        private static byte[] annexB(Random random, int[] headers, int[] sizes) {
            int total = 0;
            for (int s : sizes) {
                total += 4 + s;
            }
            byte[] a = new byte[total];
            int o = 0;
            for (int i = 0; i < sizes.length; i++) {
                a[o + 3] = 1;
                o += 4;
                for (int k = 1; k < sizes[i]; k++) {
                    a[o + k] = (byte) (random.nextInt(255) + 1); // no emulated start codes
                }
                a[o] = (byte) headers[i];
                o += sizes[i];
            }
            return a;
        }

        long nextIndex() {
            return index;
        }

        @Override
        public void run() {
            byte[] buf = new byte[1500 + 64];
            MemorySegment seg = MemorySegment.ofArray(buf);
            long frameNanos = 1_000_000_000L / FPS;
            long next = System.nanoTime();
            int seq = 0;
            for (long frame = 0; !stop; frame++) {
                List<byte[]> packets = gop.get((int) (frame % GOP));
                long gap = frameNanos * 4 / 10 / packets.size();
                int ts = (int) (frame * 90_000 / FPS);
                for (int i = 0; i < packets.size(); i++) {
                    byte[] plain = packets.get(i);
                    System.arraycopy(plain, 0, buf, 0, plain.length);
                    seg.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) seq++);
                    seg.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 4, ts);
                    long at = next + i * gap;
                    long wait = at - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    seg.set(BE_LONG, plain.length - TRAILER, index);
                    seg.set(BE_LONG, plain.length - 8, System.nanoTime());
                    SendStatus s = transport.sealAndSend(seg, 0, plain.length, buf.length, false);
                    if (s == SendStatus.SENT) {
                        index++;
                    }
                }
                next += frameNanos;
            }
        }
    }
}
