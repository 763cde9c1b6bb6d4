package io.mediaplane.video;

/**
 * How {@link JpegEncoder} makes a JPEG.
 *
 * @param quality    IJG quality 1..100 (libjpeg's scale; ImageIO's 0..1 is this divided by 100)
 * @param maxPixels  downscale (box filter, aspect kept) until width × height is at most this; 0 for no limit
 * @param inputRange the range of the pictures given: {@link YuvRange#LIMITED} (decoder output) is expanded to the
 *                   full range JPEG decoders assume; {@link YuvRange#FULL} passes through. The BT.601 matrix JFIF
 *                   implies is not changed: a BT.709 source shows a slight hue shift, as in most snapshot tools.
 */
public record JpegOptions(int quality, long maxPixels, YuvRange inputRange) {
    public JpegOptions {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality out of [1, 100]: " + quality);
        }
        if (maxPixels < 0) {
            throw new IllegalArgumentException("negative pixel limit " + maxPixels);
        }
        if (inputRange == null) {
            throw new IllegalArgumentException("input range must be set");
        }
    }

    /** Quality {@code quality}, full size, decoder (limited-range) input. */
    public static JpegOptions quality(int quality) {
        return new JpegOptions(quality, 0, YuvRange.LIMITED);
    }

    public JpegOptions withMaxPixels(long pixels) {
        return new JpegOptions(quality, pixels, inputRange);
    }

    public JpegOptions withInputRange(YuvRange range) {
        return new JpegOptions(quality, maxPixels, range);
    }
}
