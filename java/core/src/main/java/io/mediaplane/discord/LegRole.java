package io.mediaplane.discord;

/**
 * Which of the three Discord media connections a leg is. Each has its own WebSocket, UDP socket, SSRCs and
 * transport key; the stream legs identify with the stream's {@code rtc_server_id} as {@code server_id} and the main
 * voice connection's {@code session_id}.
 */
public enum LegRole {
    /** The main voice connection of a guild channel. */
    VOICE("voice"),
    /** Watching someone's Go Live stream: receive only. */
    STREAM_WATCH("stream_watch"),
    /** Our own Go Live stream: send only. */
    STREAM_PUBLISH("stream_publish");

    private final String wireName;

    LegRole(String wireName) {
        this.wireName = wireName;
    }

    /** The name clankvox's control protocol uses ({@code transport_state.role}). */
    public String wireName() {
        return wireName;
    }

    public boolean isStream() {
        return this != VOICE;
    }
}
