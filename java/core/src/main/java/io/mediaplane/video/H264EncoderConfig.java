package io.mediaplane.video;

/**
 * Settings of an {@link H264Encoder}: constrained baseline H264 (CAVLC, no B-frames, one slice, one layer), for
 * the publish paths. Use {@link #of(int, int)} and the {@code with} methods.
 *
 * @param width              picture width in pixels, even
 * @param height             picture height in pixels, even
 * @param bitrate            target bitrate in bits per second (also the cap under {@link RateControl#BITRATE})
 * @param maxBitrate         peak bitrate in bits per second, 0 for none
 * @param frameRate          nominal input frame rate, frames per second
 * @param keyFrameInterval   frames from one IDR to the next; 0 for an IDR only at the start and on request
 * @param rateControl        how the encoder meets the bitrate
 * @param content            what the pictures show: tunes the encoder's tools (screen content or camera)
 * @param allowFrameSkip     whether rate control may drop a frame to hold the bitrate ({@link EncodeStatus#SKIPPED})
 * @param threads            encoder threads; 1 keeps the encoding deterministic and on the caller's thread
 */
public record H264EncoderConfig(int width, int height, int bitrate, int maxBitrate, float frameRate,
                                int keyFrameInterval, RateControl rateControl, Content content,
                                boolean allowFrameSkip, int threads) {

    /** OpenH264's {@code RC_MODES}. */
    public enum RateControl {
        /** Holds quality, lets the bitrate float. */
        QUALITY(0),
        /** Holds the target bitrate per frame, adjusting QP. */
        BITRATE(1),
        /** No bitrate target; quality follows the encoder's buffer state. */
        BUFFER_BASED(2),
        /** Bitrate held over the input timestamps rather than the nominal frame rate (variable-rate sources). */
        TIMESTAMP(3),
        /** Fixed QP. */
        OFF(-1);

        final int code;

        RateControl(int code) {
            this.code = code;
        }
    }

    /** OpenH264's {@code EUsageType} for real-time use. */
    public enum Content {
        CAMERA(0),
        SCREEN(1);

        final int code;

        Content(int code) {
            this.code = code;
        }
    }

    public H264EncoderConfig {
        if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0) {
            throw new IllegalArgumentException("picture size must be positive and even: " + width + "x" + height);
        }
        if (width > 4096 || height > 4096) {
            throw new IllegalArgumentException("picture larger than 4096x4096: " + width + "x" + height);
        }
        if (bitrate <= 0 || maxBitrate < 0 || (maxBitrate != 0 && maxBitrate < bitrate)) {
            throw new IllegalArgumentException("bitrate " + bitrate + " / max " + maxBitrate + " out of range");
        }
        if (!(frameRate >= 1 && frameRate <= 240)) {
            throw new IllegalArgumentException("frame rate out of [1, 240]: " + frameRate);
        }
        if (keyFrameInterval < 0) {
            throw new IllegalArgumentException("negative key frame interval " + keyFrameInterval);
        }
        if (rateControl == null || content == null) {
            throw new IllegalArgumentException("rate control and content must be set");
        }
        if (threads < 1 || threads > 16) {
            throw new IllegalArgumentException("threads out of [1, 16]: " + threads);
        }
    }

    /** Screen content at 30 fps, 2 Mbit/s bitrate-mode rate control, an IDR every 2 s, single-threaded. */
    public static H264EncoderConfig of(int width, int height) {
        return new H264EncoderConfig(width, height, 2_000_000, 0, 30f, 60, RateControl.BITRATE, Content.SCREEN,
                false, 1);
    }

    public H264EncoderConfig withBitrate(int bitsPerSecond) {
        return new H264EncoderConfig(width, height, bitsPerSecond, maxBitrate, frameRate, keyFrameInterval,
                rateControl, content, allowFrameSkip, threads);
    }

    public H264EncoderConfig withMaxBitrate(int bitsPerSecond) {
        return new H264EncoderConfig(width, height, bitrate, bitsPerSecond, frameRate, keyFrameInterval,
                rateControl, content, allowFrameSkip, threads);
    }

    public H264EncoderConfig withFrameRate(float framesPerSecond) {
        return new H264EncoderConfig(width, height, bitrate, maxBitrate, framesPerSecond, keyFrameInterval,
                rateControl, content, allowFrameSkip, threads);
    }

    public H264EncoderConfig withKeyFrameInterval(int frames) {
        return new H264EncoderConfig(width, height, bitrate, maxBitrate, frameRate, frames, rateControl, content,
                allowFrameSkip, threads);
    }

    public H264EncoderConfig withRateControl(RateControl mode) {
        return new H264EncoderConfig(width, height, bitrate, maxBitrate, frameRate, keyFrameInterval, mode,
                content, allowFrameSkip, threads);
    }

    public H264EncoderConfig withContent(Content kind) {
        return new H264EncoderConfig(width, height, bitrate, maxBitrate, frameRate, keyFrameInterval, rateControl,
                kind, allowFrameSkip, threads);
    }

    public H264EncoderConfig withFrameSkip(boolean allowed) {
        return new H264EncoderConfig(width, height, bitrate, maxBitrate, frameRate, keyFrameInterval, rateControl,
                content, allowed, threads);
    }

    public H264EncoderConfig withThreads(int count) {
        return new H264EncoderConfig(width, height, bitrate, maxBitrate, frameRate, keyFrameInterval, rateControl,
                content, allowFrameSkip, count);
    }
}
