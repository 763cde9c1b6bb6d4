package io.mediaplane.stream;

/**
 * The codec of a frame's data and the clock its timestamps count in: 90 kHz for video (RFC 6184 §5.1,
 * RFC 7741 §4.1), 48 kHz for Opus (RFC 7587 §4.1).
 */
public enum Codec {
    H264(MediaKind.VIDEO, 90_000),
    H265(MediaKind.VIDEO, 90_000),
    VP8(MediaKind.VIDEO, 90_000),
    VP9(MediaKind.VIDEO, 90_000),
    AV1(MediaKind.VIDEO, 90_000),
    OPUS(MediaKind.AUDIO, 48_000);

    private final MediaKind kind;
    private final int clockRate;

    Codec(MediaKind kind, int clockRate) {
        this.kind = kind;
        this.clockRate = clockRate;
    }

    public MediaKind kind() {
        return kind;
    }

    /** Timestamp ticks per second of {@link Frame#pts()} and {@link Frame#dts()}. */
    public int clockRate() {
        return clockRate;
    }

    public boolean isVideo() {
        return kind == MediaKind.VIDEO;
    }
}
