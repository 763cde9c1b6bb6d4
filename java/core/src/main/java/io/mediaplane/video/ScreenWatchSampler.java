package io.mediaplane.video;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Decides, per stream, which decoded pictures a screen-watch consumer gets: at most {@link Config#maxFramesPerSecond}
 * pictures per second, each scored for change against the previous one taken. The score is the mean absolute
 * difference of the luma shrunk (box filter) to a small grid, which ignores noise and chroma and costs one read of
 * the luma plane per sampled picture; pictures refused by the rate limit are not read at all.
 *
 * <p>The limit is strict: no two samples are closer than {@code 1 / maxFramesPerSecond}, so a source whose frame
 * interval does not divide that spacing gets somewhat fewer (30 fps at 2 per second: every 16th picture, 1.875 per
 * second).
 *
 * <p>A scene cut is a score of at least {@link Config#sceneCutScore} that is also {@link Config#sceneCutRatio} times
 * the moving average before it, so steady motion (a video playing) does not raise a cut on every sample.
 *
 * <p>Time comes from the injected clock (nanoseconds, monotonic), so tests and replays are deterministic. Not
 * thread-safe: the stream's decode thread offers pictures.
 */
public final class ScreenWatchSampler {

    /**
     * @param maxFramesPerSecond most samples per second (&gt; 0)
     * @param gridWidth          width of the luma grid the score is computed on
     * @param gridHeight         height of that grid
     * @param averageWeight      weight of the newest score in the moving average, (0, 1]
     * @param sceneCutScore      least score that can be a scene cut, [0, 1]
     * @param sceneCutRatio      how many times the previous average a cut's score must be (&ge; 1)
     */
    public record Config(double maxFramesPerSecond, int gridWidth, int gridHeight, double averageWeight,
                         double sceneCutScore, double sceneCutRatio) {
        public Config {
            if (!(maxFramesPerSecond > 0 && maxFramesPerSecond <= 1000)) {
                throw new IllegalArgumentException("max frames per second out of (0, 1000]: " + maxFramesPerSecond);
            }
            if (gridWidth < 1 || gridHeight < 1 || gridWidth > 1024 || gridHeight > 1024) {
                throw new IllegalArgumentException("grid out of [1, 1024]: " + gridWidth + "x" + gridHeight);
            }
            if (!(averageWeight > 0 && averageWeight <= 1)) {
                throw new IllegalArgumentException("average weight out of (0, 1]: " + averageWeight);
            }
            if (!(sceneCutScore >= 0 && sceneCutScore <= 1) || !(sceneCutRatio >= 1)) {
                throw new IllegalArgumentException("scene cut score/ratio out of range: " + sceneCutScore + " / "
                        + sceneCutRatio);
            }
        }

        /**
         * 2 samples per second, a 64x36 grid (16:9 at 1/30 of 1080p), moving average weight 0.3, cut at a score of
         * 0.12 (about 30 grey levels on average) and 3x the usual change.
         */
        public static Config defaults() {
            return new Config(2, 64, 36, 0.3, 0.12, 3);
        }

        public Config withMaxFramesPerSecond(double fps) {
            return new Config(fps, gridWidth, gridHeight, averageWeight, sceneCutScore, sceneCutRatio);
        }
    }

    private final Config config;
    private final LongSupplier clock;
    private final long intervalNanos;
    private final I420Planes.Scratch scratch = new I420Planes.Scratch();
    private final byte[] previous;
    private final byte[] current;
    private final MemorySegment currentView;
    private int previousWidth = -1;
    private int previousHeight = -1;
    private long lastSampleNanos;
    private long sequence = -1;
    private double average = Double.NaN;
    private long skippedSinceLast;
    private long offered;
    private long sceneCuts;

    public ScreenWatchSampler(Config config, LongSupplier nanoClock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.intervalNanos = Math.round(1e9 / config.maxFramesPerSecond());
        this.previous = new byte[config.gridWidth() * config.gridHeight()];
        this.current = new byte[previous.length];
        this.currentView = MemorySegment.ofArray(current);
    }

    /** A sampler with {@link Config#defaults()} on {@link System#nanoTime()}. */
    public static ScreenWatchSampler withDefaults() {
        return new ScreenWatchSampler(Config.defaults(), System::nanoTime);
    }

    public Config config() {
        return config;
    }

    /** Whether a picture offered now would be taken (lets a caller skip work for pictures that would be refused). */
    public boolean isDue() {
        return sequence < 0 || clock.getAsLong() - lastSampleNanos >= intervalNanos;
    }

    /**
     * Offers one decoded picture. Returns its sample when the rate limit lets it through, else null (counted in the
     * next sample's {@link ScreenWatchSample#framesSkipped()}).
     */
    public ScreenWatchSample offer(I420Picture picture) {
        offered++;
        long now = clock.getAsLong();
        if (sequence >= 0 && now - lastSampleNanos < intervalNanos) {
            skippedSinceLast++;
            return null;
        }
        lastSampleNanos = now;
        sequence++;
        int gw = Math.min(config.gridWidth(), picture.width());
        int gh = Math.min(config.gridHeight(), picture.height());
        I420Planes.resamplePlane(picture.y(), picture.strideY(), picture.width(), picture.height(),
                currentView, gw, gw, gh, I420Planes.IDENTITY, scratch);
        double score;
        boolean cut;
        boolean sameSize = picture.width() == previousWidth && picture.height() == previousHeight;
        if (!sameSize) {
            score = 1;
            cut = true;
        } else {
            long sum = 0;
            int n = gw * gh;
            for (int i = 0; i < n; i++) {
                sum += Math.abs((current[i] & 0xff) - (previous[i] & 0xff));
            }
            score = sum / (255.0 * n);
            cut = score >= config.sceneCutScore()
                    && (Double.isNaN(average) || score >= config.sceneCutRatio() * average);
        }
        if (sameSize) {
            average = Double.isNaN(average) ? score
                    : config.averageWeight() * score + (1 - config.averageWeight()) * average;
        }
        if (cut) {
            sceneCuts++;
        }
        System.arraycopy(current, 0, previous, 0, gw * gh);
        previousWidth = picture.width();
        previousHeight = picture.height();
        long skipped = skippedSinceLast;
        skippedSinceLast = 0;
        return new ScreenWatchSample(sequence, now, picture.width(), picture.height(), score,
                Double.isNaN(average) ? 0 : average, cut, skipped);
    }

    /** Pictures offered so far. */
    public long offeredPictures() {
        return offered;
    }

    /** Samples taken so far. */
    public long samples() {
        return sequence + 1;
    }

    public long sceneCuts() {
        return sceneCuts;
    }
}
