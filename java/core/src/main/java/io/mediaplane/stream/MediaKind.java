package io.mediaplane.stream;

/** Whether a frame carries pictures or sound; only video frames depend on earlier frames. */
public enum MediaKind {
    VIDEO,
    AUDIO
}
