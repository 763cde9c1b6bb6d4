package io.mediaplane.discord;

/** The publish pipeline of a {@code stream_publish} leg. */
public enum PublishState {
    /** Nothing announced: Video (OP12) inactive, Speaking 0. */
    IDLE("idle"),
    /** Video announced active, Speaking 2 (soundshare), access units going out. */
    PLAYING("playing"),
    /** Announced inactive and Speaking 0; the source is held, resume continues it. */
    PAUSED("paused");

    private final String wireStatus;

    PublishState(String wireStatus) {
        this.wireStatus = wireStatus;
    }

    /** The status word clankvox's protocol uses ({@code transport_state} playing/paused, {@code idle}). */
    public String wireStatus() {
        return wireStatus;
    }
}
