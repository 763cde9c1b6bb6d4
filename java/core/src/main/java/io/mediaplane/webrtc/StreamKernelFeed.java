package io.mediaplane.webrtc;

import io.mediaplane.codec.FrameSink;
import io.mediaplane.codec.H264Depacketizer;
import io.mediaplane.codec.OpusDepacketizer;
import io.mediaplane.codec.Vp8Depacketizer;
import io.mediaplane.rtp.RtpPacket;
import io.mediaplane.stream.Codec;
import io.mediaplane.stream.Frame;
import io.mediaplane.stream.FramePool;
import io.mediaplane.stream.PublishOptions;
import io.mediaplane.stream.PublishStatus;
import io.mediaplane.stream.Publisher;
import io.mediaplane.stream.StreamKey;
import io.mediaplane.stream.StreamRegistry;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;

/**
 * Depacketizes a WHIP publisher's RTP into frames on the stream kernel ({@code webrtc/<room>}): H264 access
 * units with SPS/PPS in front of every IDR (so the GOP cache can start a late joiner), VP8 frames, Opus packets.
 * A new publisher of the room takes the key over. Runs on the media port's thread, the stream's only producer.
 */
public final class StreamKernelFeed implements StreamFeed {
    /** The application part of every WebRTC room's stream key. */
    public static final String APPLICATION = "webrtc";

    private final Publisher publisher;
    private final FramePool pool;
    private final NegotiatedMedia video;
    private final NegotiatedMedia audio;
    private final H264Depacketizer h264;
    private final Vp8Depacketizer vp8;
    private final OpusDepacketizer opus;
    private final TimestampExtender videoClock = new TimestampExtender();
    private final TimestampExtender audioClock = new TimestampExtender();
    final LongAdder published = new LongAdder();
    final LongAdder notPublished = new LongAdder();

    /** Extends 32-bit RTP timestamps into a monotonic 64-bit count (RFC 3550 §5.1 wraps them). */
    private static final class TimestampExtender {
        private boolean started;
        private int last;
        private long extended;

        long extend(int ts) {
            if (!started) {
                started = true;
                last = ts;
                extended = ts & 0xFFFF_FFFFL;
                return extended;
            }
            extended += ts - last; // signed 32-bit difference: reordering goes back, wrap goes forward
            last = ts;
            return extended;
        }
    }

    private StreamKernelFeed(StreamRegistry registry, FramePool pool, String room, AnswerResult.Answered a) {
        this.publisher = registry.publish(StreamKey.of(APPLICATION, room), PublishOptions.TAKE_OVER);
        this.pool = pool;
        this.video = a.video();
        this.audio = a.audio();
        Codec vc = video == null ? null : video.codec();
        this.h264 = vc == Codec.H264 ? new H264Depacketizer(sink(Codec.H264, videoClock)).prependParameterSets(true)
                : null;
        this.vp8 = vc == Codec.VP8 ? new Vp8Depacketizer(sink(Codec.VP8, videoClock)) : null;
        this.opus = audio == null ? null : new OpusDepacketizer(sink(Codec.OPUS, audioClock));
    }

    /** For {@link WebRtcService.Config#withFeeds}: every publisher feeds {@code registry}, frames from {@code pool}. */
    public static BiFunction<String, AnswerResult.Answered, StreamFeed> into(StreamRegistry registry,
                                                                              FramePool pool) {
        return (room, answered) -> new StreamKernelFeed(registry, pool, room, answered);
    }

    private FrameSink sink(Codec codec, TimestampExtender clock) {
        return (MemorySegment data, long offset, int length, int timestamp, boolean keyframe, int lost) -> {
            long pts = clock.extend(timestamp);
            Frame f = pool.copyOf(codec, pts, pts, keyframe ? Frame.KEYFRAME : 0, data, offset, length);
            if (publisher.publish(f) == PublishStatus.PUBLISHED) {
                published.increment();
            } else {
                notPublished.increment();
            }
        };
    }

    @Override
    public void accept(NegotiatedMedia media, RtpPacket packet) {
        if (media == video) {
            if (h264 != null) {
                h264.push(packet);
            } else if (vp8 != null) {
                vp8.push(packet);
            }
        } else if (media == audio && opus != null) {
            opus.push(packet);
        }
    }

    public long publishedFrames() {
        return published.sum();
    }

    @Override
    public void close() {
        publisher.close();
    }
}
