package io.mediaplane.webrtc;

import io.mediaplane.net.DtlsFingerprint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One media description ({@code m=} line and the lines up to the next one, RFC 8866 §5.14), with the WebRTC
 * attributes looked up on demand. Session-level ICE and fingerprint attributes apply to every media section
 * that has none of its own (RFC 8839 §5.4, RFC 8122 §5), so the lookups fall back to the session.
 */
public final class SdpMedia {
    private final String kind;
    private final int port;
    private final String proto;
    private final List<String> formats;
    private final String connectionAddress;
    private final List<SdpAttribute> attributes;
    private final SessionDescription session;

    SdpMedia(String kind, int port, String proto, List<String> formats, String connectionAddress,
             List<SdpAttribute> attributes, SessionDescription session) {
        this.kind = kind;
        this.port = port;
        this.proto = proto;
        this.formats = List.copyOf(formats);
        this.connectionAddress = connectionAddress;
        this.attributes = List.copyOf(attributes);
        this.session = session;
    }

    /** {@code audio}, {@code video}, {@code application}, ... as written, lower case. */
    public String kind() {
        return kind;
    }

    public int port() {
        return port;
    }

    public String proto() {
        return proto;
    }

    /** The format list: RTP payload type numbers for RTP profiles. */
    public List<String> formats() {
        return formats;
    }

    /** The {@code c=} address of this section, else the session's; null if neither has one. */
    public String connectionAddress() {
        return connectionAddress != null ? connectionAddress : session.connectionAddress();
    }

    public List<SdpAttribute> attributes() {
        return attributes;
    }

    /** The first value of attribute {@code name}, or null. */
    public String attribute(String name) {
        return SdpAttribute.first(attributes, name);
    }

    public boolean hasAttribute(String name) {
        return attribute(name) != null;
    }

    /** Every value of attribute {@code name}, in order. */
    public List<String> attributes(String name) {
        return SdpAttribute.all(attributes, name);
    }

    private String orSession(String name) {
        String v = attribute(name);
        return v != null ? v : session.attribute(name);
    }

    public String mid() {
        return attribute("mid");
    }

    /** The direction attribute of this section, else the session's, else sendrecv (RFC 8866 §6.7). */
    public Direction direction() {
        Direction d = SdpAttribute.direction(attributes);
        if (d == null) {
            d = session.direction();
        }
        return d != null ? d : Direction.SENDRECV;
    }

    public String iceUfrag() {
        return orSession("ice-ufrag");
    }

    public String icePwd() {
        return orSession("ice-pwd");
    }

    /** Fingerprints of this section, else of the session (several are allowed, RFC 8122 §5). */
    public List<DtlsFingerprint> fingerprints() {
        List<String> values = attributes("fingerprint");
        if (values.isEmpty()) {
            values = session.attributes("fingerprint");
        }
        List<DtlsFingerprint> out = new ArrayList<>();
        for (String v : values) {
            try {
                out.add(DtlsFingerprint.parse(v));
            } catch (IllegalArgumentException unusable) {
                // an unknown hash function or a malformed digest: this one cannot authenticate anything
            }
        }
        return out;
    }

    /** The {@code a=setup} value (RFC 4145 §4), or null if absent (then RFC 5763 §5 makes the offerer actpass). */
    public String setup() {
        return orSession("setup");
    }

    public boolean rtcpMux() {
        return hasAttribute("rtcp-mux");
    }

    public List<IceCandidate> candidates() {
        List<IceCandidate> out = new ArrayList<>();
        for (String v : attributes("candidate")) {
            IceCandidate c = IceCandidate.parse(v);
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    /** The {@code a=msid} value ({@code stream-id [track-id]}, RFC 8830), or null. */
    public String msid() {
        return attribute("msid");
    }

    /** Codecs in format-list order (the offerer's preference), with their rtpmap, fmtp and rtcp-fb lines. */
    public List<RtpCodec> codecs() {
        Map<Integer, String[]> rtpmap = new LinkedHashMap<>();
        Map<Integer, String> fmtp = new LinkedHashMap<>();
        Map<Integer, List<String>> feedback = new LinkedHashMap<>();
        List<String> wildcardFeedback = new ArrayList<>();
        for (SdpAttribute a : attributes) {
            if (a.value() == null) {
                continue;
            }
            String v = a.value();
            int sp = v.indexOf(' ');
            switch (a.name()) {
                case "rtpmap" -> {
                    Integer pt = payloadType(sp < 0 ? v : v.substring(0, sp));
                    if (pt != null && sp > 0) {
                        rtpmap.putIfAbsent(pt, v.substring(sp + 1).trim().split("/"));
                    }
                }
                case "fmtp" -> {
                    Integer pt = payloadType(sp < 0 ? v : v.substring(0, sp));
                    if (pt != null) {
                        fmtp.putIfAbsent(pt, sp < 0 ? "" : v.substring(sp + 1).trim());
                    }
                }
                case "rtcp-fb" -> {
                    if (sp > 0) {
                        String id = v.substring(0, sp);
                        String fb = v.substring(sp + 1).trim().toLowerCase(Locale.ROOT);
                        if (id.equals("*")) {
                            wildcardFeedback.add(fb);
                        } else {
                            Integer pt = payloadType(id);
                            if (pt != null) {
                                feedback.computeIfAbsent(pt, k -> new ArrayList<>()).add(fb);
                            }
                        }
                    }
                }
                default -> { }
            }
        }
        List<RtpCodec> out = new ArrayList<>();
        for (String f : formats) {
            Integer pt = payloadType(f);
            if (pt == null) {
                continue;
            }
            String[] map = rtpmap.get(pt);
            String name;
            int clock;
            int channels = 1;
            if (map != null && map.length >= 2) {
                name = map[0];
                try {
                    clock = Integer.parseInt(map[1]);
                    if (map.length >= 3) {
                        channels = Integer.parseInt(map[2]);
                    }
                } catch (NumberFormatException e) {
                    continue; // a payload type we cannot describe is not offered to us (RFC 3264 §6.1)
                }
            } else if (pt < 35) {
                continue; // static payload types (RFC 3551): nothing we forward
            } else {
                continue;
            }
            List<String> fb = new ArrayList<>(wildcardFeedback);
            fb.addAll(feedback.getOrDefault(pt, List.of()));
            out.add(new RtpCodec(pt, name, clock, channels, RtpCodec.parseFmtp(fmtp.get(pt)), fb));
        }
        return out;
    }

    /** {@code a=extmap} entries as URI → id (RFC 8285 §8); direction suffixes and extension attributes dropped. */
    public Map<String, Integer> extensions() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String v : attributes("extmap")) {
            String[] t = v.trim().split("\\s+");
            if (t.length < 2) {
                continue;
            }
            String id = t[0];
            int slash = id.indexOf('/');
            if (slash >= 0) {
                id = id.substring(0, slash);
            }
            Integer n = number(id, 1, 255);
            if (n != null) {
                out.putIfAbsent(t[1], n);
            }
        }
        return out;
    }

    /** The SSRCs announced by {@code a=ssrc} lines, first-seen order (RFC 5576 §4.1). */
    public List<Long> ssrcs() {
        List<Long> out = new ArrayList<>();
        for (String v : attributes("ssrc")) {
            int sp = v.indexOf(' ');
            Long s = ssrc(sp < 0 ? v : v.substring(0, sp));
            if (s != null && !out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The {@code a=ssrc-group:FID primary repair} pairs (RFC 5576 §4.2, RFC 4588 §8.1): primary → repair SSRC. */
    public Map<Long, Long> fidGroups() {
        Map<Long, Long> out = new LinkedHashMap<>();
        for (String v : attributes("ssrc-group")) {
            String[] t = v.trim().split("\\s+");
            if (t.length == 3 && t[0].equals("FID")) {
                Long p = ssrc(t[1]);
                Long r = ssrc(t[2]);
                if (p != null && r != null) {
                    out.put(p, r);
                }
            }
        }
        return out;
    }

    static Integer payloadType(String s) {
        return number(s, 0, 127);
    }

    static Integer number(String s, int min, int max) {
        long v = decimal(s);
        return v < min || v > max ? null : (int) v;
    }

    static Long ssrc(String s) {
        long v = decimal(s);
        return v < 0 || v > 0xFFFF_FFFFL ? null : v;
    }

    /** Up to ten decimal digits as a number, else -1 (SDP numbers are unsigned, RFC 8866 §9). */
    private static long decimal(String s) {
        if (s.isEmpty() || s.length() > 10) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }
}
