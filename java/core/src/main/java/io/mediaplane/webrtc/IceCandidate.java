package io.mediaplane.webrtc;

import java.util.Locale;

/**
 * One {@code a=candidate} (RFC 8839 §5.1): {@code foundation component transport priority address port typ type
 * [extensions]}. The address may be an IP literal or an mDNS {@code .local} name; nothing is resolved here.
 */
public record IceCandidate(String foundation, int component, String transport, long priority, String address,
                           int port, String type) {

    /** Parses the attribute value (with or without the {@code candidate:} prefix); null if malformed. */
    public static IceCandidate parse(String value) {
        String v = value.trim();
        if (v.regionMatches(true, 0, "candidate:", 0, 10)) {
            v = v.substring(10);
        }
        String[] t = v.split("\\s+");
        if (t.length < 8 || !t[6].equalsIgnoreCase("typ")) {
            return null;
        }
        try {
            int component = Integer.parseInt(t[1]);
            long priority = Long.parseLong(t[3]);
            int port = Integer.parseInt(t[5]);
            if (component < 1 || component > 256 || priority < 0 || priority > 0xFFFF_FFFFL || port < 0
                    || port > 65535 || t[0].isEmpty() || t[0].length() > 32) {
                return null;
            }
            return new IceCandidate(t[0], component, t[2].toLowerCase(Locale.ROOT), priority, t[4], port,
                    t[7].toLowerCase(Locale.ROOT));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public boolean isUdp() {
        return transport.equals("udp");
    }

    /** The attribute value, without the {@code candidate:} prefix of the line. */
    public String value() {
        return foundation + " " + component + " " + transport + " " + priority + " " + address + " " + port
                + " typ " + type;
    }
}
