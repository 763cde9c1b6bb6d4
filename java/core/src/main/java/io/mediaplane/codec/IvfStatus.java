package io.mediaplane.codec;

/** What {@link IvfReader} made of a file header or the next frame (malformed input is a value, not an exception). */
public enum IvfStatus {
    OK("accepted"),
    END("no more frames: the data ends exactly after the last frame"),
    TOO_SHORT("fewer bytes than the 32-byte file header"),
    BAD_SIGNATURE("the file does not begin with DKIF"),
    UNSUPPORTED_VERSION("IVF version other than 0"),
    BAD_HEADER_SIZE("header length below 32 or past the end of the data"),
    BAD_DIMENSIONS("width or height is zero"),
    TRUNCATED_FRAME_HEADER("bytes after the last frame that are fewer than a 12-byte frame header"),
    TRUNCATED_FRAME("a frame's size runs past the end of the data"),
    FRAME_TOO_LARGE("a frame's size exceeds the configured maximum");

    private final String meaning;

    IvfStatus(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    public boolean ok() {
        return this == OK;
    }
}
