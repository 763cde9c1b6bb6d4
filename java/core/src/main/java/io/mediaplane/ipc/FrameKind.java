package io.mediaplane.ipc;

/** The first byte of an output frame {@code [u8 kind][u32 LE length][payload]}. */
public enum FrameKind {
    /** UTF-8 JSON of one {@link Event}. */
    JSON(0),
    /** Binary user audio, laid out as {@link Event.UserAudio} describes. */
    USER_AUDIO(1);

    public static final int HEADER_BYTES = 5;

    private final int code;

    FrameKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
