package io.mediaplane.discord;

/**
 * What a {@code stream_publish} leg announces in its Video opcode (OP12) layer and how it paces: the values of
 * clankvox's publish profile by default (1280×720, 30 fps, 2.5 Mbit/s).
 *
 * @param senderReportIntervalMillis milliseconds between RTCP Sender Reports (Discord documents about 5 s)
 * @param mtu                  the largest RTP packet before transport encryption
 */
public record PublishSettings(int width, int height, int framesPerSecond, int maxBitrate,
        long senderReportIntervalMillis, int mtu) {

    public static final PublishSettings DEFAULT = new PublishSettings(1280, 720, 30, 2_500_000, 5000, 1100);

    public PublishSettings {
        if (width <= 0 || height <= 0 || framesPerSecond <= 0 || framesPerSecond > 240 || maxBitrate <= 0
                || senderReportIntervalMillis <= 0 || mtu < 200 || mtu > 1400) {
            throw new IllegalArgumentException("bad publish settings");
        }
    }
}
