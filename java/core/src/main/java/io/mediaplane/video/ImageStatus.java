package io.mediaplane.video;

/** What {@link ImageToI420#convertPng} made of the bytes it was given. */
public enum ImageStatus {
    /** {@link ImageToI420#picture()} holds the converted picture. */
    CONVERTED,
    /** Not an image ImageIO can read (corrupt, truncated, or another format). */
    UNREADABLE,
    /** The image's header declares more pixels than the converter accepts. */
    TOO_LARGE
}
