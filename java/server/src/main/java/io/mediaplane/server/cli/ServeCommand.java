package io.mediaplane.server.cli;

import io.mediaplane.net.MediaPortOptions;
import io.mediaplane.server.http.BearerAuth;
import io.mediaplane.server.http.MediaServer;
import io.mediaplane.server.http.SiteHandler;
import io.mediaplane.webrtc.LateJoin;
import io.mediaplane.webrtc.WebRtcService;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mediaplane serve}: the self-hosted Go Live server. HTTP (pages, WHIP, WHEP, API, metrics) on one TCP
 * port and all media on one UDP port. Every setting comes from, in this order: the command line, an environment
 * variable {@code MEDIAPLANE_<NAME>} (upper case, dashes as underscores), the config file (Java properties,
 * {@code name = value}), the default.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the Go Live server: publish with OBS, FFmpeg or a browser (WHIP), watch in a browser "
                + "(WHEP), snapshots, a screen-watch feed, JSON stats and Prometheus metrics.",
                "Each option can also be set as an environment variable MEDIAPLANE_<OPTION> (e.g. "
                        + "MEDIAPLANE_HTTP_PORT) or in the --config file (e.g. http-port = 8080); the command line wins,"
                        + " then the environment, then the file."})
public final class ServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "a properties file of settings (env MEDIAPLANE_CONFIG)")
    Path config;

    @Option(names = "--http-address", paramLabel = "ADDR", description = "HTTP listen address (default 127.0.0.1)")
    String httpAddress;

    @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP(S) port, 0 for any free one (default 8080)")
    String httpPort;

    @Option(names = "--media-address", paramLabel = "ADDR",
            description = "UDP media listen address (default: the HTTP address)")
    String mediaAddress;

    @Option(names = "--media-port", paramLabel = "PORT", description = "the one UDP media port (default 8189)")
    String mediaPort;

    @Option(names = "--public-host", paramLabel = "HOST[,HOST]",
            description = "IP addresses or host names written as ICE candidates, for clients behind NAT or on other "
                    + "machines (default: the media address; with 0.0.0.0, every interface's IPv4 address)")
    String publicHost;

    @Option(names = "--room", paramLabel = "NAME", description = "the room the pages and OBS setup suggest (default live)")
    String room;

    @Option(names = "--stream-key", paramLabel = "KEY",
            description = "Bearer key for publishing in every room (default: a random one, printed at start)")
    String streamKey;

    @Option(names = "--room-key", paramLabel = "ROOM=KEY[,ROOM=KEY]",
            description = "a publishing key for one room (instead of the stream key there); repeatable")
    List<String> roomKeys;

    @Option(names = "--view-key", paramLabel = "KEY", description = "Bearer key viewers need (default: none, "
            + "anyone with the URL may watch)")
    String viewKey;

    @Option(names = "--open", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "anyone may publish, no key (default false)")
    String open;

    @Option(names = "--show-key-to-remote", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "show the stream key on the / page to other machines too; by default only a browser on "
                    + "this machine sees it (default false)")
    String showKeyToRemote;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "serve HTTPS with this certificate: PKCS#12 (.p12/.pfx) or PEM (chain, optionally with the"
                    + " key); browsers need HTTPS for getDisplayMedia except on localhost")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "the PEM private key, if not in --tls-cert")
    Path tlsKey;

    @Option(names = "--tls-password", paramLabel = "PASS", description = "password of the PKCS#12 file (default empty)")
    String tlsPassword;

    @Option(names = "--max-sessions", paramLabel = "N", description = "publishers plus viewers (default 1000)")
    String maxSessions;

    @Option(names = "--max-viewers", paramLabel = "N", description = "viewers per room (default 500)")
    String maxViewers;

    @Option(names = "--late-join", paramLabel = "WAY",
            description = "how a viewer joining a live room gets its first picture: gop-replay (the publisher's "
                    + "cached group of pictures, timestamps moved up to live), gop-replay-spaced (the same, timestamps "
                    + "as sent) or keyframe-request (wait for a keyframe asked of the publisher) (default gop-replay)")
    String lateJoin;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info or debug (default info)")
    String logLevel;

    /** The settings, resolved: flags, then environment, then the config file, then defaults. */
    record Settings(String httpAddress, int httpPort, String mediaAddress, int mediaPort, List<String> publicHosts,
                    String room, String streamKey, boolean keyGenerated, Map<String, String> roomKeys, String viewKey,
                    boolean open, boolean showKeyToRemote, Path tlsCert, Path tlsKey, String tlsPassword,
                    int maxSessions, int maxViewers, LateJoin lateJoin, String logLevel) {}

    @Override
    public Integer call() throws Exception {
        Settings s = settings(System.getenv());
        configureLogging(s.logLevel());
        Logger log = LoggerFactory.getLogger("mediaplane.serve");
        PrintWriter out = spec.commandLine().getOut();
        MediaServer server;
        try {
            server = start(s);
        } catch (IOException e) {
            spec.commandLine().getErr().println("serve: cannot listen: " + e.getMessage()
                    + " (is another server on these ports? set --http-port / --media-port)");
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            int sessions = server.webrtc().sessionCount();
            log.info("stopping: closing {} session(s)", sessions);
            try {
                server.close();
            } catch (Exception e) {
                log.warn("while stopping: {}", e.toString());
            }
            log.info("stopped");
            stopped.countDown();
        }, "serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        banner(out, s, server);
        log.info("serving {} (media UDP port {}, candidates {})", server.baseUri(), server.mediaPort(),
                candidates(server));
        stopped.await();
        return 0;
    }

    /** Starts the server described by {@code s}; the caller closes it. */
    static MediaServer start(Settings s) throws Exception {
        BearerAuth auth = BearerAuth.open();
        if (!s.open()) {
            auth = auth.withGlobalPublishKey(s.streamKey());
            for (var e : s.roomKeys().entrySet()) {
                auth = auth.withPublishKey(e.getKey(), e.getValue());
            }
        }
        if (s.viewKey() != null) {
            auth = new BearerAuth(auth.publishKeys(), auth.globalPublish(), auth.viewKeys(), s.viewKey(),
                    auth.maxFailures(), auth.lockoutNanos(), auth.failures());
        }
        InetAddress mediaBind = InetAddress.getByName(s.mediaAddress());
        List<InetAddress> advertised = new ArrayList<>();
        for (String h : s.publicHosts()) {
            advertised.add(InetAddress.getByName(h));
        }
        if (advertised.isEmpty() && mediaBind.isAnyLocalAddress()) {
            advertised.addAll(interfaceAddresses());
        }
        WebRtcService.Config webrtc = new WebRtcService.Config(new InetSocketAddress(mediaBind, s.mediaPort()),
                advertised, s.maxSessions(), s.maxViewers(), MediaPortOptions.defaults(), null);
        String key = s.open() ? null : s.roomKeys().getOrDefault(s.room(), s.streamKey());
        SiteHandler.Setup setup = new SiteHandler.Setup(s.room(), key, s.showKeyToRemote());
        Function<MediaServer, org.eclipse.jetty.server.Handler> site = m -> new SiteHandler(m, setup);
        MediaServer.Config config = new MediaServer.Config(s.httpAddress(), s.httpPort(), webrtc, auth)
                .withSite(site).withTls(s.tlsCert() == null ? null : Tls.context(s.tlsCert(), s.tlsKey(),
                        s.tlsPassword()));
        MediaServer server = MediaServer.start(config);
        server.webrtc().lateJoin(s.lateJoin());
        return server;
    }

    /** Every up, non-loopback IPv4 address of this machine, then loopback (for a browser on the same machine). */
    private static List<InetAddress> interfaceAddresses() throws SocketException {
        List<InetAddress> list = new ArrayList<>();
        for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            ni.inetAddresses().filter(a -> a instanceof Inet4Address).forEach(list::add);
        }
        list.add(InetAddress.getLoopbackAddress());
        return list;
    }

    private void banner(PrintWriter out, Settings s, MediaServer server) {
        String base = server.baseUri().toString();
        if (base.contains("//0.0.0.0:") || base.contains("//[::]:") || base.contains("//[0:0:0:0:0:0:0:0]:")) {
            String host = s.publicHosts().isEmpty() ? "localhost" : s.publicHosts().getFirst();
            base = base.replaceFirst("//[^/]+:", "//" + host + ":");
        }
        String r = s.room();
        out.println("mediaplane serve: a Go Live server is running. Ctrl-C stops it.");
        out.println();
        out.println("  rooms, OBS setup   " + base + "/");
        out.println("  publish (browser)  " + base + "/publish");
        out.println("  watch              " + base + "/watch/" + r);
        out.println("  WHIP (OBS, FFmpeg) " + base + "/whip/" + r);
        out.println("  WHEP               " + base + "/whep/" + r);
        out.println("  JSON, metrics      " + base + "/api/rooms  " + base + "/metrics");
        out.println("  media              UDP " + server.webrtc().port().localAddress().getAddress().getHostAddress()
                + ":" + server.mediaPort() + ", candidates " + candidates(server));
        if (s.open()) {
            out.println("  stream key         none: anyone may publish (--open)");
        } else {
            out.println("  stream key         " + s.streamKey() + (s.keyGenerated()
                    ? "   (generated; keep one with --stream-key or MEDIAPLANE_STREAM_KEY)" : ""));
            s.roomKeys().forEach((room, key) -> out.println("  key of room " + room + "   " + key));
        }
        out.println();
        out.println("  ffmpeg -re -f lavfi -i testsrc2=size=1280x720:rate=30 -c:v libx264 -profile:v baseline -bf 0 "
                + "-f whip" + (s.open() ? "" : " -authorization " + s.roomKeys().getOrDefault(r, s.streamKey())) + " "
                + base + "/whip/" + r);
        out.println();
        out.flush();
    }

    private static String candidates(MediaServer server) {
        return server.webrtc().candidates().stream().map(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
                .toList().toString();
    }

    /** slf4j-simple: one line per event with time and logger; the library's java.util.logging goes there too. */
    private static void configureLogging(String level) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "false");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.out");
        System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        java.util.logging.Logger.getLogger("").setLevel(switch (level) {
            case "debug" -> java.util.logging.Level.FINE;
            case "warn" -> java.util.logging.Level.WARNING;
            case "error" -> java.util.logging.Level.SEVERE;
            default -> java.util.logging.Level.INFO;
        });
    }

    // ---------------------------------------------------------------- settings

    Settings settings(Map<String, String> env) {
        Properties file = new Properties();
        Path configPath = config != null ? config
                : env.get("MEDIAPLANE_CONFIG") != null ? Path.of(env.get("MEDIAPLANE_CONFIG")) : null;
        if (configPath != null) {
            try (Reader r = Files.newBufferedReader(configPath)) {
                file.load(r);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "cannot read the config file "
                        + configPath + ": " + e.getMessage());
            }
        }
        Function<String, String>[] sources = sources(env, file);
        String key = pick(streamKey, "stream-key", null, sources);
        boolean generated = key == null;
        if (generated) {
            byte[] b = new byte[18];
            new SecureRandom().nextBytes(b);
            key = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        }
        Map<String, String> keys = new LinkedHashMap<>();
        List<String> pairs = new ArrayList<>();
        if (roomKeys != null) {
            roomKeys.forEach(v -> pairs.addAll(List.of(v.split(","))));
        } else {
            String v = pick(null, "room-keys", null, sources);
            if (v != null) {
                pairs.addAll(List.of(v.split(",")));
            }
            for (String name : file.stringPropertyNames()) {
                if (name.startsWith("room-key.")) {
                    pairs.add(name.substring(9) + "=" + file.getProperty(name));
                }
            }
        }
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "a room key is ROOM=KEY, not '" + p + "'");
            }
            keys.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        String httpAddr = pick(httpAddress, "http-address", "127.0.0.1", sources);
        String hosts = pick(publicHost, "public-host", "", sources);
        String level = pick(logLevel, "log-level", "info", sources).toLowerCase(Locale.ROOT);
        if (!List.of("error", "warn", "info", "debug").contains(level)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "log level must be error, warn, info or debug");
        }
        String cert = pick(tlsCert == null ? null : tlsCert.toString(), "tls-cert", null, sources);
        String certKey = pick(tlsKey == null ? null : tlsKey.toString(), "tls-key", null, sources);
        return new Settings(httpAddr, port(pick(httpPort, "http-port", "8080", sources), "http-port"),
                pick(mediaAddress, "media-address", httpAddr, sources),
                port(pick(mediaPort, "media-port", "8189", sources), "media-port"),
                hosts.isBlank() ? List.of() : List.of(hosts.trim().split("\\s*,\\s*")),
                pick(room, "room", "live", sources), key, generated, keys, pick(viewKey, "view-key", null, sources),
                bool(pick(open, "open", "false", sources)), bool(pick(showKeyToRemote, "show-key-to-remote", "false",
                sources)), cert == null ? null : Path.of(cert), certKey == null ? null : Path.of(certKey),
                pick(tlsPassword, "tls-password", "", sources),
                positive(pick(maxSessions, "max-sessions", "1000", sources), "max-sessions"),
                positive(pick(maxViewers, "max-viewers", "500", sources), "max-viewers"),
                lateJoin(pick(lateJoin, "late-join", "gop-replay", sources)), level);
    }

    /** The option's spelling of a {@link LateJoin}: its name in lower case, dashes for underscores. */
    static String optionName(LateJoin way) {
        return way.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private LateJoin lateJoin(String v) {
        for (LateJoin way : LateJoin.values()) {
            if (optionName(way).equals(v.trim().toLowerCase(Locale.ROOT))) {
                return way;
            }
        }
        List<String> accepted = java.util.Arrays.stream(LateJoin.values()).map(ServeCommand::optionName).toList();
        throw new CommandLine.ParameterException(spec.commandLine(), "late-join must be "
                + String.join(", ", accepted.subList(0, accepted.size() - 1)) + " or " + accepted.getLast()
                + ", not " + v);
    }

    @SuppressWarnings("unchecked")
    private static Function<String, String>[] sources(Map<String, String> env, Properties file) {
        return new Function[] {
            name -> env.get("MEDIAPLANE_" + ((String) name).toUpperCase(Locale.ROOT).replace('-', '_')),
            name -> file.getProperty((String) name)
        };
    }

    private static String pick(String flag, String name, String fallback, Function<String, String>[] sources) {
        if (flag != null) {
            return flag;
        }
        for (Function<String, String> s : sources) {
            String v = s.apply(name);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return fallback;
    }

    private int port(String v, String name) {
        int p = number(v, name);
        if (p < 0 || p > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), name + " must be 0..65535, not " + v);
        }
        return p;
    }

    private int positive(String v, String name) {
        int n = number(v, name);
        if (n < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), name + " must be at least 1, not " + v);
        }
        return n;
    }

    private int number(String v, String name) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), name + " must be a whole number, not " + v);
        }
    }

    private boolean bool(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "expected true or false, not " + v);
        };
    }
}
