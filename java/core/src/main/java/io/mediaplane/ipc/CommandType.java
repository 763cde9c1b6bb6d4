package io.mediaplane.ipc;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every command a control plane sends, by its wire name (the {@code type} field), and whether this media plane
 * carries it out. The audio and music commands, and the audio visualizer publish, are recognised and validated but
 * answered with {@code unsupported_command}: this media plane does not mix, render or capture audio yet.
 */
public enum CommandType {
    JOIN("join", Area.CONNECTION),
    VOICE_SERVER("voice_server", Area.CONNECTION),
    VOICE_STATE("voice_state", Area.CONNECTION),
    STREAM_WATCH_CONNECT("stream_watch_connect", Area.STREAM_WATCH),
    STREAM_WATCH_DISCONNECT("stream_watch_disconnect", Area.STREAM_WATCH),
    STREAM_PUBLISH_CONNECT("stream_publish_connect", Area.STREAM_PUBLISH),
    STREAM_PUBLISH_DISCONNECT("stream_publish_disconnect", Area.STREAM_PUBLISH),
    AUDIO("audio", Area.AUDIO),
    STOP_PLAYBACK("stop_playback", Area.AUDIO),
    STOP_TTS_PLAYBACK("stop_tts_playback", Area.AUDIO),
    SUBSCRIBE_USER("subscribe_user", Area.AUDIO),
    UNSUBSCRIBE_USER("unsubscribe_user", Area.AUDIO),
    SUBSCRIBE_USER_VIDEO("subscribe_user_video", Area.VIDEO),
    UNSUBSCRIBE_USER_VIDEO("unsubscribe_user_video", Area.VIDEO),
    MUSIC_PLAY("music_play", Area.MUSIC),
    MUSIC_STOP("music_stop", Area.MUSIC),
    MUSIC_PAUSE("music_pause", Area.MUSIC),
    MUSIC_RESUME("music_resume", Area.MUSIC),
    MUSIC_SET_GAIN("music_set_gain", Area.MUSIC),
    STREAM_PUBLISH_PLAY("stream_publish_play", Area.STREAM_PUBLISH),
    STREAM_PUBLISH_PLAY_VISUALIZER("stream_publish_play_visualizer", Area.STREAM_PUBLISH,
            "rendering audio as video needs the audio pipeline, which this media plane does not have yet"),
    STREAM_PUBLISH_BROWSER_START("stream_publish_browser_start", Area.STREAM_PUBLISH),
    STREAM_PUBLISH_BROWSER_FRAME("stream_publish_browser_frame", Area.STREAM_PUBLISH),
    STREAM_PUBLISH_STOP("stream_publish_stop", Area.STREAM_PUBLISH),
    STREAM_PUBLISH_PAUSE("stream_publish_pause", Area.STREAM_PUBLISH),
    STREAM_PUBLISH_RESUME("stream_publish_resume", Area.STREAM_PUBLISH),
    DESTROY("destroy", Area.LIFECYCLE);

    /** What part of the media plane a command drives. */
    public enum Area {
        CONNECTION, STREAM_WATCH, STREAM_PUBLISH, VIDEO, AUDIO, MUSIC, LIFECYCLE
    }


    private static final Map<String, CommandType> BY_WIRE = new HashMap<>();

    static {
        for (CommandType t : values()) {
            BY_WIRE.put(t.wireName, t);
        }
    }

    private final String wireName;
    private final Area area;
    private final String unsupportedBecause;

    CommandType(String wireName, Area area) {
        this(wireName, area, area == Area.AUDIO || area == Area.MUSIC
                ? "this media plane has no audio or music pipeline yet" : null);
    }

    CommandType(String wireName, Area area, String unsupportedBecause) {
        this.wireName = wireName;
        this.area = area;
        this.unsupportedBecause = unsupportedBecause;
    }

    public String wireName() {
        return wireName;
    }

    public Area area() {
        return area;
    }

    public boolean supported() {
        return unsupportedBecause == null;
    }

    /** Why an unsupported command is answered with {@code unsupported_command}; empty for supported ones. */
    public Optional<String> unsupportedBecause() {
        return Optional.ofNullable(unsupportedBecause);
    }

    public static Optional<CommandType> fromWireName(String wireName) {
        return Optional.ofNullable(BY_WIRE.get(wireName));
    }
}
