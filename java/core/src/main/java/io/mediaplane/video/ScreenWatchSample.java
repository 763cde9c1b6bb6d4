package io.mediaplane.video;

/**
 * One picture a {@link ScreenWatchSampler} let through, with what a consumer needs to decide whether to look at it.
 *
 * @param sequence        0 for the stream's first sample, then +1 per sample
 * @param timeNanos       the sampler's clock when the picture was offered
 * @param width           picture width
 * @param height          picture height
 * @param changeScore     mean absolute difference of the downscaled luma against the previous sample, over 255
 *                        (0 = identical, 1 = black to white everywhere); 1 for the first sample and after a size
 *                        change
 * @param changeAverage   exponential moving average of {@code changeScore} including this one (the stream's usual
 *                        amount of change: high for video playback, near 0 for a still desktop); 0 until two
 *                        samples of one size have been compared, and not moved by a size change
 * @param sceneCut        the picture differs from the previous sample far more than usual (or is the first, or the
 *                        size changed)
 * @param framesSkipped   pictures offered since the previous sample and not taken (rate limit)
 */
public record ScreenWatchSample(long sequence, long timeNanos, int width, int height, double changeScore,
                                double changeAverage, boolean sceneCut, long framesSkipped) {
}
