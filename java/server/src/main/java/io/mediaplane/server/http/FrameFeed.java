package io.mediaplane.server.http;

import io.mediaplane.stream.EndReason;
import io.mediaplane.stream.Frame;
import io.mediaplane.stream.FrameHandler;
import io.mediaplane.stream.StreamKey;
import io.mediaplane.stream.StreamNotPublishedException;
import io.mediaplane.stream.StreamRegistry;
import io.mediaplane.stream.SubscribeOptions;
import io.mediaplane.stream.Subscription;
import io.mediaplane.video.DecodeStatus;
import io.mediaplane.video.JpegEncoder;
import io.mediaplane.video.JpegOptions;
import io.mediaplane.video.JpegStatus;
import io.mediaplane.video.ScreenWatchSample;
import io.mediaplane.video.ScreenWatchSampler;
import io.mediaplane.video.VideoDecoder;
import io.mediaplane.webrtc.StreamKernelFeed;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /rooms/{room}/frames}: server-sent events (HTML Living Standard §9.2) for programs that watch a
 * screen. Each client gets its own subscription and decoder on a virtual thread: every video frame is decoded (a
 * delta frame needs its predecessors), and the {@link ScreenWatchSampler} picks at most {@code fps} pictures a
 * second, each sent as an {@code event: frame} whose data is JSON with the change score and the JPEG in base64.
 * The feed ends with {@code event: end} when the publication ends.
 */
final class FrameFeed implements AutoCloseable {
    private static final long KEEPALIVE_NANOS = 15_000_000_000L;

    private final StreamRegistry streams;
    private final Consumer<String> keyframeRequest;
    private final Set<Thread> clients = ConcurrentHashMap.newKeySet();
    final LongAdder framesSent = new LongAdder();
    private volatile boolean closed;

    /** @param keyframeRequest asks a room's publisher for a keyframe (to start decoding, or after a skip) */
    FrameFeed(StreamRegistry streams, Consumer<String> keyframeRequest) {
        this.streams = streams;
        this.keyframeRequest = keyframeRequest;
    }

    int clients() {
        return clients.size();
    }

    /** Starts the feed on {@code response}; false when the room has no publication (nothing was written). */
    boolean start(String room, double fps, int width, Response response, Callback callback) {
        Thread[] self = new Thread[1];
        Subscription sub;
        try {
            sub = streams.subscribe(StreamKey.of(StreamKernelFeed.APPLICATION, room),
                    SubscribeOptions.DEFAULT.withReplayCache(true).withLag(512, 100_000)
                            .withWakeup(() -> LockSupport.unpark(self[0])));
        } catch (StreamNotPublishedException e) {
            return false;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        self[0] = Thread.ofVirtual().name("frames-" + room).unstarted(() -> run(room, sub, fps, width, response,
                callback));
        clients.add(self[0]);
        self[0].start();
        return true;
    }

    private void run(String room, Subscription sub, double fps, int width, Response response, Callback callback) {
        Client c = new Client(room, fps, width, response);
        try (sub; c) {
            c.write(": mediaplane screen-watch feed\n\n");
            long lastWrite = System.nanoTime();
            boolean first = true;
            while (!closed && !c.failed) {
                int n = sub.poll(c, 64);
                if (first && c.decoder == null) {
                    keyframeRequest.accept(room); // nothing cached to start from: the GOP is longer than the cache
                }
                first = false;
                if (sub.state().isTerminal()) {
                    c.write("event: end\ndata: {\"reason\":\"publication ended\"}\n\n");
                    break;
                }
                if (c.wrote) {
                    c.wrote = false;
                    lastWrite = System.nanoTime();
                }
                if (n == 0 && sub.armWakeup()) {
                    LockSupport.parkNanos(1_000_000_000L);
                    if (System.nanoTime() - lastWrite > KEEPALIVE_NANOS) {
                        c.write(": keep-alive\n\n"); // also finds a client that went away
                        lastWrite = System.nanoTime();
                    }
                }
            }
            if (c.failed) {
                callback.failed(c.failure);
            } else {
                Content.Sink.write(response, true, "", callback);
            }
        } catch (RuntimeException e) {
            callback.failed(e);
        } finally {
            clients.remove(Thread.currentThread());
        }
    }

    /** One client's decoder, sampler and JPEG encoder; used only on its thread. */
    private final class Client implements FrameHandler, AutoCloseable {
        private final String room;
        private final ScreenWatchSampler sampler;
        private final int width;
        private final Response response;
        private VideoDecoder decoder;
        private JpegEncoder jpeg;
        boolean failed;
        boolean wrote;
        Throwable failure;

        Client(String room, double fps, int width, Response response) {
            this.room = room;
            this.sampler = new ScreenWatchSampler(ScreenWatchSampler.Config.defaults().withMaxFramesPerSecond(fps),
                    System::nanoTime);
            this.width = width;
            this.response = response;
        }

        @Override
        public void onFrame(Frame f, long sequence, boolean replay) {
            if (failed || !f.codec().isVideo()) {
                return;
            }
            if (decoder == null) {
                if (!f.isKeyframe()) {
                    return;
                }
                decoder = VideoFormat.decoderFor(f.codec());
                if (decoder == null) {
                    write("event: error\ndata: {\"detail\":\"the server cannot decode " + f.codec() + "\"}\n\n");
                    failed = true;
                    return;
                }
            }
            DecodeStatus s = decoder.decode(f.segment(), f.offset(), f.length());
            // pictures of the replayed GOP are history (decoded only so that the live ones can be)
            if (!s.hasPicture() || replay || !sampler.isDue()) {
                return;
            }
            var picture = decoder.picture();
            ScreenWatchSample sample = sampler.offer(picture);
            if (sample == null) {
                return;
            }
            if (jpeg == null) {
                long maxPixels = width <= 0 || width >= picture.width() ? 0
                        : (long) width * Math.max(1, Math.round((double) width * picture.height() / picture.width()));
                jpeg = JpegEncoder.create(JpegOptions.quality(80).withMaxPixels(maxPixels));
            }
            if (jpeg.encode(picture) != JpegStatus.ENCODED) {
                return;
            }
            byte[] bytes = jpeg.jpeg().toArray(ValueLayout.JAVA_BYTE);
            String json = String.format(Locale.ROOT, "{\"sequence\":%d,\"pts\":%d,\"width\":%d,\"height\":%d,"
                            + "\"jpegWidth\":%d,\"jpegHeight\":%d,\"change\":%.5f,\"changeAverage\":%.5f,"
                            + "\"sceneCut\":%b,\"framesSkipped\":%d,\"jpeg\":\"%s\"}", sample.sequence(), f.pts(),
                    sample.width(), sample.height(), jpeg.outputWidth(), jpeg.outputHeight(), sample.changeScore(),
                    sample.changeAverage(), sample.sceneCut(), sample.framesSkipped(),
                    Base64.getEncoder().encodeToString(bytes));
            write("event: frame\nid: " + sample.sequence() + "\ndata: " + json + "\n\n");
            framesSent.increment();
        }

        @Override
        public void onGap(long skippedFrames, long resumeSequence) {
            keyframeRequest.accept(room); // we fell behind and resume at a keyframe that may not come by itself
        }

        @Override
        public void onEnd(EndReason reason) {
            // the loop sees the terminal state and writes the end event
        }

        void write(String text) {
            if (failed) {
                return;
            }
            Callback.Completable done = new Callback.Completable();
            response.write(false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), done);
            try {
                done.get(10, TimeUnit.SECONDS);
                wrote = true;
            } catch (Exception e) {
                failed = true;
                failure = e;
            }
        }

        @Override
        public void close() {
            if (decoder != null) {
                decoder.close();
            }
            if (jpeg != null) {
                jpeg.close();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : clients) {
            LockSupport.unpark(t);
        }
        for (Thread t : clients) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
