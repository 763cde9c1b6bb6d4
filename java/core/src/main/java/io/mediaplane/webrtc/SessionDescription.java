package io.mediaplane.webrtc;

import java.util.ArrayList;
import java.util.List;

/** A parsed session description (RFC 8866): session-level lines and the media sections in order. */
public final class SessionDescription {
    private final String origin;
    private final String sessionName;
    private final String connectionAddress;
    private final List<SdpAttribute> attributes;
    private final List<SdpMedia> media = new ArrayList<>();

    SessionDescription(String origin, String sessionName, String connectionAddress, List<SdpAttribute> attributes) {
        this.origin = origin;
        this.sessionName = sessionName;
        this.connectionAddress = connectionAddress;
        this.attributes = List.copyOf(attributes);
    }

    void addMedia(SdpMedia m) {
        media.add(m);
    }

    /** The {@code o=} value. */
    public String origin() {
        return origin;
    }

    public String sessionName() {
        return sessionName;
    }

    /** The session-level {@code c=} address, or null. */
    public String connectionAddress() {
        return connectionAddress;
    }

    public List<SdpAttribute> attributes() {
        return attributes;
    }

    public List<SdpMedia> media() {
        return List.copyOf(media);
    }

    public String attribute(String name) {
        return SdpAttribute.first(attributes, name);
    }

    public List<String> attributes(String name) {
        return SdpAttribute.all(attributes, name);
    }

    /** The session-level direction attribute, or null. */
    public Direction direction() {
        return SdpAttribute.direction(attributes);
    }

    /** The mids of {@code a=group:BUNDLE} (RFC 9143 §7), empty without one. */
    public List<String> bundleMids() {
        for (String g : attributes("group")) {
            String[] t = g.trim().split("\\s+");
            if (t.length > 0 && t[0].equals("BUNDLE")) {
                return List.of(t).subList(1, t.length);
            }
        }
        return List.of();
    }

    /** Whether the writer is an ICE-lite agent (RFC 8839 §5.3). */
    public boolean iceLite() {
        return attribute("ice-lite") != null;
    }
}
