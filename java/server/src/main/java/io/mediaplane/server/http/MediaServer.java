package io.mediaplane.server.http;

import io.mediaplane.stream.FramePool;
import io.mediaplane.stream.StreamRegistry;
import io.mediaplane.webrtc.StreamKernelFeed;
import io.mediaplane.webrtc.WebRtcService;
import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The embeddable WHIP/WHEP server: one HTTP listener (Jetty), one media UDP port ({@link WebRtcService}) and the
 * stream kernel every publisher's depacketized frames go to ({@code webrtc/<room>}, with its GOP cache). Tests
 * start it on loopback with ephemeral ports; {@link #close()} stops everything and frees every session.
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
    private final StreamRegistry streams;
    private final FramePool frames;

    private MediaServer(Server server, ServerConnector connector, WebRtcService webrtc, StreamRegistry streams,
                        FramePool frames) {
        this.server = server;
        this.connector = connector;
        this.webrtc = webrtc;
        this.streams = streams;
        this.frames = frames;
    }

    public static MediaServer start(Config config) throws Exception {
        StreamRegistry streams = new StreamRegistry();
        // Opus packets, VP8/H264 delta frames, keyframes; larger ones come from the pool's overflow
        FramePool frames = FramePool.nativeMemory(new FramePool.SizeClass(1024, 1024),
                new FramePool.SizeClass(32 * 1024, 512), new FramePool.SizeClass(256 * 1024, 64));
        WebRtcService webrtc;
        try {
            webrtc = WebRtcService.start(config.webrtc().feeds() != null ? config.webrtc()
                    : config.webrtc().withFeeds(StreamKernelFeed.into(streams, frames)));
        } catch (Exception e) {
            streams.close();
            frames.close();
            throw e;
        }
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
            streams.close();
            frames.close();
            throw e;
        }
        return new MediaServer(server, connector, webrtc, streams, frames);
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

    /** The stream kernel the publishers feed ({@link StreamKernelFeed#APPLICATION}/room). */
    public StreamRegistry streams() {
        return streams;
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
            streams.close();
            frames.close();
        }
    }
}
