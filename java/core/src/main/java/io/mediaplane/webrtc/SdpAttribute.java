package io.mediaplane.webrtc;

/** One {@code a=} line (RFC 8866 §5.13): a property attribute has a null {@code value}, a value attribute a non-null one. */
public record SdpAttribute(String name, String value) {

    /** The first value of attribute {@code name} in {@code list} ("" for a flag), or null. */
    static String first(java.util.List<SdpAttribute> list, String name) {
        for (SdpAttribute a : list) {
            if (a.name().equals(name)) {
                return a.value() == null ? "" : a.value();
            }
        }
        return null;
    }

    /** Every value of attribute {@code name} in {@code list}, in order. */
    static java.util.List<String> all(java.util.List<SdpAttribute> list, String name) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (SdpAttribute a : list) {
            if (a.name().equals(name)) {
                out.add(a.value() == null ? "" : a.value());
            }
        }
        return out;
    }

    /** The first direction attribute in {@code list} (RFC 8866 §6.7), or null. */
    static Direction direction(java.util.List<SdpAttribute> list) {
        for (SdpAttribute a : list) {
            Direction d = Direction.ofAttribute(a.name());
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    public boolean isFlag() {
        return value == null;
    }

    @Override
    public String toString() {
        return value == null ? "a=" + name : "a=" + name + ":" + value;
    }
}
