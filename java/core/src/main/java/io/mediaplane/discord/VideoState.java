package io.mediaplane.discord;

import io.mediaplane.stream.Codec;
import java.util.List;

/**
 * A remote user's video announcement (server OP12 with {@code user_id}): their audio SSRC, primary video SSRC, the
 * codec negotiated for the connection (null before Session Description names one) and the simulcast layers. An
 * empty {@code streams} with video SSRC 0 means the user stopped video.
 */
public record VideoState(LegRole role, long userId, int audioSsrc, int videoSsrc, Codec codec,
        List<VideoStreamDescriptor> streams) {

    public VideoState {
        streams = List.copyOf(streams);
    }

    /** Whether the user sends video: a video SSRC or an active layer. */
    public boolean isActive() {
        return videoSsrc != 0 || streams.stream().anyMatch(VideoStreamDescriptor::active);
    }
}
