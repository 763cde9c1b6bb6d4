package io.mediaplane.webrtc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One payload format of a media section: {@code a=rtpmap} (RFC 8866 §6.6), its {@code a=fmtp} parameters and its
 * {@code a=rtcp-fb} values (RFC 4585 §4.2), lower-cased.
 */
public record RtpCodec(int payloadType, String name, int clockRate, int channels, Map<String, String> parameters,
                       List<String> feedback) {

    public RtpCodec {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        feedback = List.copyOf(feedback);
    }

    public boolean is(String encodingName) {
        return name.equalsIgnoreCase(encodingName);
    }

    public String parameter(String key) {
        return parameters.get(key.toLowerCase(Locale.ROOT));
    }

    public boolean hasFeedback(String value) {
        return feedback.contains(value);
    }

    /** {@code key=value;key=value}: keys lower-cased, values kept; a bare token (e.g. RED's {@code 111/111}) maps to "". */
    static Map<String, String> parseFmtp(String fmtp) {
        Map<String, String> out = new LinkedHashMap<>();
        if (fmtp == null) {
            return out;
        }
        for (String p : fmtp.split(";")) {
            String s = p.trim();
            if (s.isEmpty()) {
                continue;
            }
            int eq = s.indexOf('=');
            if (eq < 0) {
                out.putIfAbsent(s.toLowerCase(Locale.ROOT), "");
            } else {
                out.putIfAbsent(s.substring(0, eq).trim().toLowerCase(Locale.ROOT), s.substring(eq + 1).trim());
            }
        }
        return out;
    }
}
