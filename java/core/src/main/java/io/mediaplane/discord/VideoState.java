package io.mediaplane.discord;

import io.mediaplane.stream.Codec;
import java.util.List;

/**
 * A remote user's video announcement (server OP12 with {@code user_id}): their audio SSRC, primary video SSRC, the
 * codec negotiated for the connection (null before Session Description names one) and the simulcast layers.
 */
public record VideoState(LegRole role, long userId, int audioSsrc, int videoSsrc, Codec codec,
        List<VideoStreamDescriptor> streams) {

    public VideoState {
        streams = List.copyOf(streams);
    }

    /** Whether the user sends video: an active layer, or (no layers listed) a video SSRC. */
    public boolean isActive() {
        return streams.isEmpty() ? videoSsrc != 0 : streams.stream().anyMatch(VideoStreamDescriptor::active);
    }
}
