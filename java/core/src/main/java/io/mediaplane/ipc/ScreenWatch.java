package io.mediaplane.ipc;

import io.mediaplane.discord.VideoFrame;
import io.mediaplane.stream.Codec;
import io.mediaplane.video.DecodeStatus;
import io.mediaplane.video.DecoderOptions;
import io.mediaplane.video.H264Decoder;
import io.mediaplane.video.I420Picture;
import io.mediaplane.video.JpegEncoder;
import io.mediaplane.video.JpegOptions;
import io.mediaplane.video.JpegStatus;
import io.mediaplane.video.ScreenWatchSample;
import io.mediaplane.video.ScreenWatchSampler;
import io.mediaplane.video.VideoDecoder;
import io.mediaplane.video.Vp8Decoder;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The screen watch of one subscribed user: every received frame is decoded (H264 or VP8, one persistent decoder per
 * SSRC, so P-frames keep their references), and at most {@code maxFramesPerSecond} decoded pictures become {@code
 * decoded_video_frame} JPEG events with change scores, as clankvox does for H264. Decoding runs on a thread of this
 * watch, fed by a bounded queue: the leg's receive thread only copies the frame. A full queue drops the frame (then
 * the decoder conceals or waits for the keyframe it asks for); a codec whose library is missing falls back to
 * forwarding the encoded frame as {@code user_video_frame}.
 */
final class ScreenWatch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ScreenWatch.class.getName());
    static final int QUEUE_FRAMES = 32;

    /** A frame copied off the leg's buffer. */
    private record Unit(int ssrc, Codec codec, boolean keyframe, byte[] data, long rtpTimestamp, String streamType,
                        String rid, boolean daveDecrypted) {}

    private static final Unit END = new Unit(0, null, false, new byte[0], 0, null, null, false);

    private final String userId;
    private final Command.SubscribeUserVideo subscription;
    private final Consumer<Event> events;
    private final IntConsumer keyframeRequest;
    private final BlockingQueue<Unit> queue = new ArrayBlockingQueue<>(QUEUE_FRAMES);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;

    // decode thread only
    private final Map<Integer, VideoDecoder> decoders = new HashMap<>();
    private final Map<Codec, Boolean> unavailable = new HashMap<>();
    private final ScreenWatchSampler sampler;
    private JpegEncoder jpeg;

    ScreenWatch(Command.SubscribeUserVideo subscription, Consumer<Event> events, IntConsumer keyframeRequest) {
        this.userId = subscription.userId();
        this.subscription = subscription;
        this.events = events;
        this.keyframeRequest = keyframeRequest;
        this.sampler = new ScreenWatchSampler(ScreenWatchSampler.Config.defaults()
                .withMaxFramesPerSecond(subscription.maxFramesPerSecond()), System::nanoTime);
        this.thread = Thread.ofPlatform().daemon().name("mediaplane-ipc-decode-" + userId).start(this::run);
    }

    Command.SubscribeUserVideo subscription() {
        return subscription;
    }

    /** Leg receive thread: copies the frame into the queue, or drops and counts it when the decoder is behind. */
    void offer(VideoFrame f, boolean daveDecrypted) {
        Unit u = new Unit(f.ssrc(), f.codec(), f.keyframe(), f.toByteArray(), Integer.toUnsignedLong(f.rtpTimestamp()),
                f.streamType(), f.rid(), daveDecrypted);
        if (!queue.offer(u)) {
            long n = dropped.incrementAndGet();
            if (Long.bitCount(n) == 1) {
                LOG.log(System.Logger.Level.WARNING, "screen watch of " + userId + ": " + n
                        + " frame(s) dropped, decoder behind");
            }
        }
    }

    long dropped() {
        return dropped.get();
    }

    private void run() {
        try {
            while (true) {
                Unit u = queue.take();
                if (u == END) {
                    return;
                }
                handle(u);
            }
        } catch (InterruptedException e) {
            // closing
        } finally {
            decoders.values().forEach(VideoDecoder::close);
            decoders.clear();
            if (jpeg != null) {
                jpeg.close();
            }
        }
    }

    private void handle(Unit u) {
        VideoDecoder decoder = decoder(u.ssrc(), u.codec());
        if (decoder == null) {
            events.accept(new Event.UserVideoFrame(userId, Integer.toUnsignedLong(u.ssrc()), u.codec().name(),
                    u.keyframe(), u.data(), u.rtpTimestamp(), u.streamType(), u.rid(), u.daveDecrypted()));
            return;
        }
        DecodeStatus status = decoder.decode(u.data());
        if (!status.hasPicture() || !sampler.isDue()) {
            return; // every frame is decoded for its references; only sampled pictures are read further
        }
        I420Picture picture = decoder.picture();
        ScreenWatchSample sample = sampler.offer(picture);
        if (sample == null) {
            return;
        }
        if (jpeg == null) {
            long maxPixels = subscription.preferredPixelCount() == null ? 0 : subscription.preferredPixelCount();
            jpeg = JpegEncoder.create(JpegOptions.quality(subscription.jpegQuality()).withMaxPixels(maxPixels));
        }
        if (jpeg.encode(picture) != JpegStatus.ENCODED) {
            LOG.log(System.Logger.Level.WARNING, "screen watch of " + userId + ": JPEG failed: " + jpeg.lastError());
            return;
        }
        events.accept(new Event.DecodedVideoFrame(userId, Integer.toUnsignedLong(u.ssrc()), jpeg.outputWidth(),
                jpeg.outputHeight(), jpeg.jpeg().toArray(ValueLayout.JAVA_BYTE), u.rtpTimestamp(), u.streamType(),
                u.rid(), sample.changeScore(), sample.changeAverage(), sample.sceneCut()));
    }

    /** The SSRC's decoder, made on first use; null when the codec cannot be decoded here. */
    private VideoDecoder decoder(int ssrc, Codec codec) {
        VideoDecoder d = decoders.get(ssrc);
        if (d != null || unavailable.containsKey(codec)) {
            return d;
        }
        DecoderOptions options = DecoderOptions.defaults().withKeyframeRequest(() -> keyframeRequest.accept(ssrc));
        try {
            d = switch (codec) {
                case H264 -> H264Decoder.create(options);
                case VP8 -> Vp8Decoder.create(options);
                default -> null;
            };
        } catch (RuntimeException e) { // the native library is missing or refused a decoder
            LOG.log(System.Logger.Level.WARNING, "no " + codec + " decoder (" + e.getMessage()
                    + "): forwarding encoded frames as user_video_frame");
            d = null;
        }
        if (d == null) {
            unavailable.put(codec, Boolean.TRUE);
        } else {
            decoders.put(ssrc, d);
        }
        return d;
    }

    /** Ends the decode thread and frees the decoders; queued frames are dropped. */
    @Override
    public void close() {
        queue.clear();
        while (!queue.offer(END)) {
            queue.clear();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
        }
    }
}
