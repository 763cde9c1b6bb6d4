package io.mediaplane.stream;

/** What became of one {@link Publisher#publish(Frame)}; the frame's reference is consumed in every case. */
public enum PublishStatus {
    PUBLISHED,
    /** Another publisher took the key over; this one should close. The frame was released. */
    REPLACED,
    /** This publisher was closed. The frame was released. */
    CLOSED;

    public boolean ok() {
        return this == PUBLISHED;
    }
}
