package io.mediaplane.discord;

/**
 * One simulcast layer of a user's video as the Video opcode (OP12) and Ready describe it:
 * {@code {type, rid, ssrc, rtx_ssrc, active, quality, max_bitrate, max_framerate, max_resolution{type, width,
 * height}}}. Absent numbers are 0, absent strings null.
 */
public record VideoStreamDescriptor(String type, String rid, int ssrc, int rtxSsrc, boolean active, int quality,
        int maxBitrate, int maxFramerate, String resolutionType, int maxWidth, int maxHeight) {

    /** The layer clankvox synthesizes when Ready lists none: rid 100, screen, 2.5 Mbit/s, 30 fps, 1280×720. */
    public static VideoStreamDescriptor defaultScreen(int ssrc, int rtxSsrc) {
        return new VideoStreamDescriptor("screen", "100", ssrc, rtxSsrc, true, 100, 2_500_000, 30, "fixed", 1280,
                720);
    }

    public VideoStreamDescriptor withActive(boolean on) {
        return new VideoStreamDescriptor(type, rid, ssrc, rtxSsrc, on, quality, maxBitrate, maxFramerate,
                resolutionType, maxWidth, maxHeight);
    }

    public VideoStreamDescriptor withSsrcs(int newSsrc, int newRtxSsrc) {
        return new VideoStreamDescriptor(type, rid, newSsrc, newRtxSsrc, active, quality, maxBitrate, maxFramerate,
                resolutionType, maxWidth, maxHeight);
    }

    public VideoStreamDescriptor withLimits(int bitrate, int framerate, int width, int height) {
        return new VideoStreamDescriptor(type, rid, ssrc, rtxSsrc, active, quality, bitrate, framerate,
                resolutionType, width, height);
    }
}
