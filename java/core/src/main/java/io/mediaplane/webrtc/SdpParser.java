package io.mediaplane.webrtc;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses session descriptions (RFC 8866 §5) from outside peers. It is strict about the structure every writer
 * gets right ({@code type=value} lines, {@code v=0} first, well-formed {@code o=}, {@code c=} and {@code m=}
 * lines) and tolerant of the rest: LF or CRLF line ends, unknown line types and attributes, a missing
 * {@code s=} or {@code t=}, trailing blanks. It never throws on any input; a bad text gives {@link
 * SdpParseResult.Malformed} naming the line.
 */
public final class SdpParser {
    /** Bounds that keep a hostile offer from costing more than a real one ever does. */
    public static final int MAX_LINES = 4096;
    public static final int MAX_MEDIA = 32;
    public static final int MAX_LINE_LENGTH = 4096;

    private SdpParser() {}

    public static SdpParseResult parse(String text) {
        if (text == null || text.isEmpty()) {
            return new SdpParseResult.Malformed(0, "the session description is empty");
        }
        String[] lines = text.split("\r?\n", -1);
        if (lines.length > MAX_LINES + 1) {
            return new SdpParseResult.Malformed(0, "the session description has more than " + MAX_LINES + " lines");
        }
        String origin = null;
        String sessionName = null;
        String sessionConnection = null;
        List<SdpAttribute> sessionAttributes = new ArrayList<>();
        SessionDescription session = null;
        // the open media section: its m= fields, c= and attributes
        String[] mLine = null;
        int mPort = 0;
        String mConnection = null;
        List<SdpAttribute> mAttributes = null;
        int mediaCount = 0;
        boolean sawVersion = false;

        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int no = i + 1;
            if (line.isEmpty()) {
                if (i == lines.length - 1) {
                    break; // the final line ending
                }
                // RFC 8866 §5 has no empty lines; writers that end with an extra CRLF still mean the same text
                continue;
            }
            if (line.length() > MAX_LINE_LENGTH) {
                return new SdpParseResult.Malformed(no, "the line is longer than " + MAX_LINE_LENGTH + " characters");
            }
            char type = line.charAt(0);
            if (line.length() < 2 || line.charAt(1) != '=' || type < 'a' || type > 'z') {
                return new SdpParseResult.Malformed(no, "a line must be a lower-case letter, '=' and a value");
            }
            String value = line.substring(2).strip();
            if (!sawVersion) {
                if (type != 'v' || !value.equals("0")) {
                    return new SdpParseResult.Malformed(no, "a session description starts with v=0");
                }
                sawVersion = true;
                continue;
            }
            switch (type) {
                case 'v' -> {
                    return new SdpParseResult.Malformed(no, "v= may appear only once, first");
                }
                case 'o' -> {
                    if (session != null || mLine != null) {
                        return new SdpParseResult.Malformed(no, "o= belongs to the session part");
                    }
                    if (value.split("\\s+").length != 6) {
                        return new SdpParseResult.Malformed(no, "o= needs six fields");
                    }
                    origin = value;
                }
                case 's' -> {
                    if (mLine == null) {
                        sessionName = value;
                    }
                }
                case 'c' -> {
                    String address = connectionAddress(value);
                    if (address == null) {
                        return new SdpParseResult.Malformed(no, "c= must be 'IN IP4|IP6 address'");
                    }
                    if (mLine == null) {
                        sessionConnection = address;
                    } else {
                        mConnection = address;
                    }
                }
                case 'a' -> {
                    SdpAttribute a = attribute(value);
                    if (a == null) {
                        return new SdpParseResult.Malformed(no, "an attribute needs a name");
                    }
                    (mLine == null ? sessionAttributes : mAttributes).add(a);
                }
                case 'm' -> {
                    if (++mediaCount > MAX_MEDIA) {
                        return new SdpParseResult.Malformed(no, "more than " + MAX_MEDIA + " media sections");
                    }
                    String[] t = value.split("\\s+");
                    if (t.length < 3) {
                        return new SdpParseResult.Malformed(no, "m= needs media, port, protocol and formats");
                    }
                    String port = t[1];
                    int slash = port.indexOf('/');
                    Integer p = SdpMedia.number(slash < 0 ? port : port.substring(0, slash), 0, 65535);
                    if (p == null) {
                        return new SdpParseResult.Malformed(no, "the m= port is not a number from 0 to 65535");
                    }
                    if (session == null) {
                        session = new SessionDescription(origin, sessionName, sessionConnection, sessionAttributes);
                    }
                    if (mLine != null) {
                        session.addMedia(media(mLine, mPort, mConnection, mAttributes, session));
                    }
                    mLine = t;
                    mPort = p;
                    mConnection = null;
                    mAttributes = new ArrayList<>();
                }
                default -> {
                    // b=, t=, r=, z=, k=, i=, u=, e=, p= and future types carry nothing we act on (RFC 8866 §5)
                }
            }
        }
        if (!sawVersion) {
            return new SdpParseResult.Malformed(0, "the session description is empty");
        }
        if (origin == null) {
            return new SdpParseResult.Malformed(0, "the session description has no o= line");
        }
        if (session == null) {
            session = new SessionDescription(origin, sessionName, sessionConnection, sessionAttributes);
        }
        if (mLine != null) {
            session.addMedia(media(mLine, mPort, mConnection, mAttributes, session));
        }
        return new SdpParseResult.Parsed(session);
    }

    private static SdpMedia media(String[] t, int port, String connection, List<SdpAttribute> attributes,
                                  SessionDescription session) {
        List<String> formats = List.of(t).subList(3, t.length);
        return new SdpMedia(t[0].toLowerCase(java.util.Locale.ROOT), port, t[2], formats, connection, attributes,
                session);
    }

    /** {@code IN IP4 addr[/ttl]}: the address, or null. */
    private static String connectionAddress(String value) {
        String[] t = value.split("\\s+");
        if (t.length != 3 || !t[0].equals("IN") || !(t[1].equals("IP4") || t[1].equals("IP6")) || t[2].isEmpty()) {
            return null;
        }
        int slash = t[2].indexOf('/');
        return slash < 0 ? t[2] : t[2].substring(0, slash);
    }

    private static SdpAttribute attribute(String value) {
        int colon = value.indexOf(':');
        String name = colon < 0 ? value : value.substring(0, colon);
        if (name.isEmpty() || name.indexOf(' ') >= 0) {
            return null;
        }
        return new SdpAttribute(name, colon < 0 ? null : value.substring(colon + 1));
    }
}
