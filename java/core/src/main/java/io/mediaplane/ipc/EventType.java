package io.mediaplane.ipc;

/**
 * Every event this media plane emits, by wire name, with the output lane it travels in. Control events are never
 * dropped; the audio and video lanes are bounded and drop the newest event when full ({@link EventWriter}).
 */
public enum EventType {
    READY("ready", Lane.CONTROL),
    ADAPTER_SEND("adapter_send", Lane.CONTROL),
    CONNECTION_STATE("connection_state", Lane.CONTROL),
    TRANSPORT_STATE("transport_state", Lane.CONTROL),
    PLAYER_STATE("player_state", Lane.CONTROL),
    PLAYBACK_ARMED("playback_armed", Lane.CONTROL),
    TTS_PLAYBACK_STATE("tts_playback_state", Lane.CONTROL),
    SPEAKING_START("speaking_start", Lane.CONTROL),
    SPEAKING_END("speaking_end", Lane.CONTROL),
    /** Binary (frame kind 1), not JSON. */
    USER_AUDIO("user_audio", Lane.AUDIO),
    USER_AUDIO_END("user_audio_end", Lane.CONTROL),
    USER_VIDEO_STATE("user_video_state", Lane.CONTROL),
    USER_VIDEO_FRAME("user_video_frame", Lane.VIDEO),
    DECODED_VIDEO_FRAME("decoded_video_frame", Lane.VIDEO),
    USER_VIDEO_END("user_video_end", Lane.CONTROL),
    CLIENT_DISCONNECT("client_disconnect", Lane.CONTROL),
    MUSIC_IDLE("music_idle", Lane.CONTROL),
    MUSIC_ERROR("music_error", Lane.CONTROL),
    MUSIC_GAIN_REACHED("music_gain_reached", Lane.CONTROL),
    ERROR("error", Lane.CONTROL),
    BUFFER_DEPTH("buffer_depth", Lane.CONTROL),
    LOG("log", Lane.CONTROL);

    /** Output lanes, in writer priority order. */
    public enum Lane { CONTROL, AUDIO, VIDEO }

    private final String wireName;
    private final Lane lane;

    EventType(String wireName, Lane lane) {
        this.wireName = wireName;
        this.lane = lane;
    }

    public String wireName() {
        return wireName;
    }

    public Lane lane() {
        return lane;
    }
}
