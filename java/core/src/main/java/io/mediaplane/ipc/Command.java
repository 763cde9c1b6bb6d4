package io.mediaplane.ipc;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A command from the control plane, one record per {@link CommandType}, with the wire's field names. Optional
 * fields the wire may omit are {@code null} here (strings, boxed numbers); fields with a documented default carry
 * the default, clamped to the documented range ({@link CommandParser} applies both).
 */
public sealed interface Command {
    CommandType type();

    /** Join a voice channel: answered with {@code adapter_send} carrying gateway OP4 for the control plane to send. */
    record Join(String guildId, String channelId, boolean selfDeaf, boolean selfMute) implements Command {
        public CommandType type() { return CommandType.JOIN; }
    }

    /** VOICE_SERVER_UPDATE mirror; a {@code null} endpoint means the voice server went away. */
    record VoiceServer(VoiceServerData data) implements Command {
        public CommandType type() { return CommandType.VOICE_SERVER; }
    }

    record VoiceServerData(String endpoint, String token) {}

    /** VOICE_STATE_UPDATE mirror; a {@code null} channel_id means this user left the channel. */
    record VoiceState(VoiceStateData data) implements Command {
        public CommandType type() { return CommandType.VOICE_STATE; }
    }

    /** On the wire {@code session_id}, {@code user_id}, {@code channel_id}: Discord's gateway spelling, unlike the other commands. */
    record VoiceStateData(@JsonProperty("session_id") String sessionId, @JsonProperty("user_id") String userId,
                          @JsonProperty("channel_id") String channelId) {}

    record StreamWatchConnect(String endpoint, String token, String serverId, String sessionId, String userId,
                              String daveChannelId) implements Command {
        public CommandType type() { return CommandType.STREAM_WATCH_CONNECT; }

        public LegCredentials credentials() {
            return new LegCredentials(endpoint, token, serverId, sessionId, userId, daveChannelId);
        }
    }

    record StreamWatchDisconnect(String reason) implements Command {
        public CommandType type() { return CommandType.STREAM_WATCH_DISCONNECT; }
    }

    record StreamPublishConnect(String endpoint, String token, String serverId, String sessionId, String userId,
                                String daveChannelId) implements Command {
        public CommandType type() { return CommandType.STREAM_PUBLISH_CONNECT; }

        public LegCredentials credentials() {
            return new LegCredentials(endpoint, token, serverId, sessionId, userId, daveChannelId);
        }
    }

    record StreamPublishDisconnect(String reason) implements Command {
        public CommandType type() { return CommandType.STREAM_PUBLISH_DISCONNECT; }
    }

    /** s16le mono PCM to play. */
    record Audio(String pcmBase64, int sampleRate) implements Command {
        public CommandType type() { return CommandType.AUDIO; }
    }

    record StopPlayback() implements Command {
        public CommandType type() { return CommandType.STOP_PLAYBACK; }
    }

    record StopTtsPlayback() implements Command {
        public CommandType type() { return CommandType.STOP_TTS_PLAYBACK; }
    }

    record SubscribeUser(String userId, int silenceDurationMs, int sampleRate) implements Command {
        public CommandType type() { return CommandType.SUBSCRIBE_USER; }
    }

    record UnsubscribeUser(String userId) implements Command {
        public CommandType type() { return CommandType.UNSUBSCRIBE_USER; }
    }

    /** {@code preferredPixelCount} and {@code preferredStreamType} are {@code null} when absent. */
    record SubscribeUserVideo(String userId, int maxFramesPerSecond, int preferredQuality, Integer preferredPixelCount,
                              String preferredStreamType, int jpegQuality) implements Command {
        public CommandType type() { return CommandType.SUBSCRIBE_USER_VIDEO; }
    }

    record UnsubscribeUserVideo(String userId) implements Command {
        public CommandType type() { return CommandType.UNSUBSCRIBE_USER_VIDEO; }
    }

    record MusicPlay(String url, boolean resolvedDirectUrl) implements Command {
        public CommandType type() { return CommandType.MUSIC_PLAY; }
    }

    record MusicStop() implements Command {
        public CommandType type() { return CommandType.MUSIC_STOP; }
    }

    record MusicPause() implements Command {
        public CommandType type() { return CommandType.MUSIC_PAUSE; }
    }

    record MusicResume() implements Command {
        public CommandType type() { return CommandType.MUSIC_RESUME; }
    }

    record MusicSetGain(float target, int fadeMs) implements Command {
        public CommandType type() { return CommandType.MUSIC_SET_GAIN; }
    }

    record StreamPublishPlay(String url, boolean resolvedDirectUrl) implements Command {
        public CommandType type() { return CommandType.STREAM_PUBLISH_PLAY; }
    }

    record StreamPublishPlayVisualizer(String url, boolean resolvedDirectUrl, String visualizerMode) implements Command {
        public CommandType type() { return CommandType.STREAM_PUBLISH_PLAY_VISUALIZER; }
    }

    /** Starts publishing pushed frames; {@code mimeType} is always {@code image/png} (the parser refuses others). */
    record StreamPublishBrowserStart(String mimeType) implements Command {
        public CommandType type() { return CommandType.STREAM_PUBLISH_BROWSER_START; }
    }

    /** One pushed frame; {@code frameBase64} decodes to at most {@link CommandParser#MAX_BROWSER_FRAME_BYTES}. */
    record StreamPublishBrowserFrame(String mimeType, String frameBase64, long capturedAtMs) implements Command {
        public CommandType type() { return CommandType.STREAM_PUBLISH_BROWSER_FRAME; }
    }

    record StreamPublishStop() implements Command {
        public CommandType type() { return CommandType.STREAM_PUBLISH_STOP; }
    }

    record StreamPublishPause() implements Command {
        public CommandType type() { return CommandType.STREAM_PUBLISH_PAUSE; }
    }

    record StreamPublishResume() implements Command {
        public CommandType type() { return CommandType.STREAM_PUBLISH_RESUME; }
    }

    record Destroy() implements Command {
        public CommandType type() { return CommandType.DESTROY; }
    }
}
