package io.mediaplane.codec;

import java.util.Objects;

/**
 * The IVF file header (libvpx {@code ivfenc.c}): a four-character codec code, the picture size, the time base
 * of the frame timestamps ({@code timebaseNumerator / timebaseDenominator} seconds per tick) and the frame count
 * (advisory: writers that cannot seek leave it 0; readers do not rely on it).
 */
public record IvfHeader(String fourcc, int width, int height,
                        long timebaseNumerator, long timebaseDenominator, long frameCount) {
    public static final String VP8 = "VP80";
    public static final String VP9 = "VP90";
    public static final String AV1 = "AV01";
    public static final String H264 = "H264";

    public IvfHeader {
        Objects.requireNonNull(fourcc, "fourcc");
        if (fourcc.length() != 4 || !fourcc.chars().allMatch(c -> c < 0x80)) {
            throw new IllegalArgumentException("fourcc must be four ASCII characters: '" + fourcc + "'");
        }
        if (width < 0 || width > 0xFFFF || height < 0 || height > 0xFFFF) {
            throw new IllegalArgumentException("picture size out of the 16-bit range: " + width + "x" + height);
        }
        if (timebaseNumerator <= 0 || timebaseNumerator > 0xFFFF_FFFFL
                || timebaseDenominator <= 0 || timebaseDenominator > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("time base must be positive 32-bit values: "
                    + timebaseNumerator + "/" + timebaseDenominator);
        }
        if (frameCount < 0 || frameCount > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("frame count out of the 32-bit range: " + frameCount);
        }
    }

    /** A header for {@code fourcc} frames of {@code width x height} with timestamps in 1/{@code rate} s. */
    public static IvfHeader of(String fourcc, int width, int height, long rate) {
        return new IvfHeader(fourcc, width, height, 1, rate, 0);
    }

    public IvfHeader withFrameCount(long count) {
        return new IvfHeader(fourcc, width, height, timebaseNumerator, timebaseDenominator, count);
    }
}
