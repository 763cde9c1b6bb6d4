package io.mediaplane.server.http;

import io.mediaplane.webrtc.WebRtcService;
import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The embeddable WHIP/WHEP server: one HTTP listener (Jetty) and one media UDP port ({@link WebRtcService}).
 * Tests start it on loopback with ephemeral ports; {@link #close()} stops both and frees every session.
 */
public final class MediaServer implements AutoCloseable {
    /**
     * @param httpHost the HTTP listen address
     * @param httpPort 0 for any free port
     */
    public record Config(String httpHost, int httpPort, WebRtcService.Config webrtc, BearerAuth auth) {
        public static Config loopback() {
            return new Config("127.0.0.1", 0, WebRtcService.Config.loopback(), BearerAuth.open());
        }

        public Config withAuth(BearerAuth a) {
            return new Config(httpHost, httpPort, webrtc, a);
        }

        public Config withWebRtc(WebRtcService.Config w) {
            return new Config(httpHost, httpPort, w, auth);
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final WebRtcService webrtc;

    private MediaServer(Server server, ServerConnector connector, WebRtcService webrtc) {
        this.server = server;
        this.connector = connector;
        this.webrtc = webrtc;
    }

    public static MediaServer start(Config config) throws Exception {
        WebRtcService webrtc = WebRtcService.start(config.webrtc());
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("http");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(config.httpHost());
        connector.setPort(config.httpPort());
        server.addConnector(connector);
        server.setHandler(new WhipWhepHandler(webrtc, config.auth()));
        try {
            server.start();
        } catch (Exception e) {
            webrtc.close();
            server.stop();
            throw e;
        }
        return new MediaServer(server, connector, webrtc);
    }

    public int httpPort() {
        return connector.getLocalPort();
    }

    /** {@code http://host:port} of the HTTP listener. */
    public URI baseUri() {
        String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + httpPort());
    }

    public WebRtcService webrtc() {
        return webrtc;
    }

    public int mediaPort() {
        return webrtc.port().localAddress().getPort();
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            webrtc.close();
        }
    }
}
