package io.mediaplane.server.http;

import io.mediaplane.stream.Frame;
import io.mediaplane.stream.StreamKey;
import io.mediaplane.stream.StreamNotPublishedException;
import io.mediaplane.stream.StreamRegistry;
import io.mediaplane.stream.SubscribeOptions;
import io.mediaplane.stream.Subscription;
import io.mediaplane.video.DecodeStatus;
import io.mediaplane.video.I420Picture;
import io.mediaplane.video.JpegEncoder;
import io.mediaplane.video.JpegOptions;
import io.mediaplane.video.JpegStatus;
import io.mediaplane.video.VideoDecoder;
import io.mediaplane.webrtc.StreamKernelFeed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * {@code GET /rooms/{room}/snapshot.jpg}: the room's newest picture, decoded in the server from the stream kernel's
 * GOP cache (its newest keyframe and the frames after it) and encoded as JPEG. A result is reused for a short while
 * so a page of thumbnails does not decode the same GOP for every viewer.
 */
final class Snapshots {
    /** How long a snapshot is served again instead of decoding anew. */
    private static final long REUSE_NANOS = 500_000_000L;
    /** How long to wait for a first keyframe when the cache has none yet. */
    private static final long KEYFRAME_WAIT_NANOS = 3_000_000_000L;

    sealed interface Result {}

    record Jpeg(byte[] bytes, int width, int height, long takenNanos) implements Result {}

    record NotLive() implements Result {}

    record Failed(String detail) implements Result {}

    private final StreamRegistry streams;
    private final Consumer<String> keyframeRequest;
    private final Map<String, Jpeg> recent = new ConcurrentHashMap<>();

    /** @param keyframeRequest asks a room's publisher for a keyframe (when the cache holds none) */
    Snapshots(StreamRegistry streams, Consumer<String> keyframeRequest) {
        this.streams = streams;
        this.keyframeRequest = keyframeRequest;
    }

    /** @param width scale to this width (aspect kept), or 0 for the picture's own size */
    Result take(String room, int width) {
        String cacheKey = room + "/" + width;
        Jpeg cached = recent.get(cacheKey);
        if (cached != null && System.nanoTime() - cached.takenNanos() < REUSE_NANOS) {
            return cached;
        }
        Result r = decode(room, width);
        if (r instanceof Jpeg j) {
            recent.put(cacheKey, j);
        }
        return r;
    }

    private Result decode(String room, int width) {
        List<Frame> gop = new ArrayList<>();
        Subscription sub;
        try {
            sub = streams.subscribe(StreamKey.of(StreamKernelFeed.APPLICATION, room),
                    SubscribeOptions.DEFAULT.withReplayCache(true).withLag(1024, 100_000));
        } catch (StreamNotPublishedException e) {
            return new NotLive();
        }
        try (sub) {
            boolean[] live = {false};
            boolean asked = false;
            long deadline = System.nanoTime() + KEYFRAME_WAIT_NANOS;
            // the replayed GOP; with an empty cache, live frames up to the first keyframe's successor
            while (!live[0] && System.nanoTime() < deadline && !sub.state().isTerminal()) {
                int n = sub.poll((f, seq, replay) -> {
                    if (live[0] || !f.codec().isVideo()) {
                        return;
                    }
                    if (!replay && !gop.isEmpty()) {
                        live[0] = true;
                        return;
                    }
                    if (gop.isEmpty() && !f.isKeyframe()) {
                        return;
                    }
                    gop.add(f.retain());
                }, 256);
                if (n == 0) {
                    if (!gop.isEmpty()) {
                        break; // the whole cache was read and nothing newer came yet
                    }
                    if (!asked) {
                        // a GOP longer than the cache (browsers send keyframes only when asked): ask for one
                        keyframeRequest.accept(room);
                        asked = true;
                    }
                    sleep();
                }
            }
            if (gop.isEmpty()) {
                return sub.state().isTerminal() ? new NotLive()
                        : new Failed("No keyframe arrived from the publisher in time.");
            }
            return encode(gop, width);
        } finally {
            gop.forEach(Frame::release);
        }
    }

    private static Result encode(List<Frame> gop, int width) {
        try (VideoDecoder decoder = VideoFormat.decoderFor(gop.getFirst().codec())) {
            if (decoder == null) {
                return new Failed("The server cannot decode " + gop.getFirst().codec() + ".");
            }
            I420Picture last = null;
            int lastIndex = -1;
            for (int i = 0; i < gop.size(); i++) {
                Frame f = gop.get(i);
                DecodeStatus s = decoder.decode(f.segment(), f.offset(), f.length());
                if (s.hasPicture()) {
                    lastIndex = i;
                    last = decoder.picture();
                }
            }
            if (last == null) {
                return new Failed("The cached frames did not decode to a picture.");
            }
            if (lastIndex != gop.size() - 1) {
                // the picture buffer belongs to the decoder until the next call; decode again up to the last good one
                decoder.reset();
                for (int i = 0; i <= lastIndex; i++) {
                    Frame f = gop.get(i);
                    decoder.decode(f.segment(), f.offset(), f.length());
                }
                last = decoder.picture();
                if (last == null) {
                    return new Failed("The cached frames did not decode to a picture.");
                }
            }
            long maxPixels = width <= 0 || width >= last.width() ? 0
                    : (long) width * Math.max(1, Math.round((double) width * last.height() / last.width()));
            try (JpegEncoder jpeg = JpegEncoder.create(JpegOptions.quality(85).withMaxPixels(maxPixels))) {
                if (jpeg.encode(last) != JpegStatus.ENCODED) {
                    return new Failed("JPEG encoding failed: " + jpeg.lastError());
                }
                return new Jpeg(jpeg.jpeg().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), jpeg.outputWidth(),
                        jpeg.outputHeight(), System.nanoTime());
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
