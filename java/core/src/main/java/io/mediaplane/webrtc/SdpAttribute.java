package io.mediaplane.webrtc;

/** One {@code a=} line (RFC 8866 §5.13): a property attribute has a null {@code value}, a value attribute a non-null one. */
public record SdpAttribute(String name, String value) {

    public boolean isFlag() {
        return value == null;
    }

    @Override
    public String toString() {
        return value == null ? "a=" + name : "a=" + name + ":" + value;
    }
}
