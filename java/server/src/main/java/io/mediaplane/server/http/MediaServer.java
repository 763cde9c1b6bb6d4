package io.mediaplane.server.http;

import io.mediaplane.stream.FramePool;
import io.mediaplane.stream.StreamRegistry;
import io.mediaplane.webrtc.StreamKernelFeed;
import io.mediaplane.webrtc.WebRtcService;
import java.net.URI;
import java.util.function.Function;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
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
     * @param tls      HTTPS instead of HTTP when not null
     * @param site     what answers the paths WHIP/WHEP do not (pages, API); given the started media side, returns
     *                 the handler; null for none
     */
    public record Config(String httpHost, int httpPort, WebRtcService.Config webrtc, BearerAuth auth,
                         SslContextFactory.Server tls, Function<MediaServer, Handler> site) {
        public Config(String httpHost, int httpPort, WebRtcService.Config webrtc, BearerAuth auth) {
            this(httpHost, httpPort, webrtc, auth, null, null);
        }

        public static Config loopback() {
            return new Config("127.0.0.1", 0, WebRtcService.Config.loopback(), BearerAuth.open());
        }

        public Config withAuth(BearerAuth a) {
            return new Config(httpHost, httpPort, webrtc, a, tls, site);
        }

        public Config withWebRtc(WebRtcService.Config w) {
            return new Config(httpHost, httpPort, w, auth, tls, site);
        }

        public Config withHttp(String host, int port) {
            return new Config(host, port, webrtc, auth, tls, site);
        }

        public Config withTls(SslContextFactory.Server t) {
            return new Config(httpHost, httpPort, webrtc, auth, t, site);
        }

        public Config withSite(Function<MediaServer, Handler> s) {
            return new Config(httpHost, httpPort, webrtc, auth, tls, s);
        }
    }

    private final Server server;
    private final ServerConnector connector;
    private final WebRtcService webrtc;
    private final StreamRegistry streams;
    private final FramePool frames;
    private final boolean secure;
    private Handler site;

    private MediaServer(Server server, ServerConnector connector, WebRtcService webrtc, StreamRegistry streams,
                        FramePool frames, boolean secure) {
        this.server = server;
        this.connector = connector;
        this.webrtc = webrtc;
        this.streams = streams;
        this.frames = frames;
        this.secure = secure;
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
        ServerConnector connector = config.tls() == null ? new ServerConnector(server, 1, 1)
                : new ServerConnector(server, 1, 1, config.tls());
        connector.setHost(config.httpHost());
        connector.setPort(config.httpPort());
        server.addConnector(connector);
        MediaServer media = new MediaServer(server, connector, webrtc, streams, frames, config.tls() != null);
        WhipWhepHandler whipWhep = new WhipWhepHandler(webrtc, config.auth());
        try {
            media.site = config.site() == null ? null : config.site().apply(media);
            server.setHandler(media.site == null ? whipWhep : new Handler.Abstract() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) throws Exception {
                    String path = Request.getPathInContext(request);
                    return (path.startsWith("/whip/") || path.startsWith("/whep/") ? whipWhep : media.site)
                            .handle(request, response, callback);
                }
            });
            server.start();
        } catch (Exception e) {
            server.stop();
            if (media.site instanceof AutoCloseable c) {
                c.close();
            }
            webrtc.close();
            streams.close();
            frames.close();
            throw e;
        }
        return media;
    }

    public int httpPort() {
        return connector.getLocalPort();
    }

    /** {@code http://host:port} (or https) of the HTTP listener. */
    public URI baseUri() {
        String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
        return URI.create((secure ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + httpPort());
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
            if (site instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // the media side must still close
                }
            }
            webrtc.close();
            streams.close();
            frames.close();
        }
    }
}
