package io.mediaplane.webrtc;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@code application/trickle-ice-sdpfrag} body (RFC 8840 §4.4, RFC 9725 §4.3): ICE credentials (new ones
 * mean an ICE restart) and candidates, optionally under {@code a=mid}. Parsed line by line; never throws.
 */
public record IceFragment(String ufrag, String pwd, List<IceCandidate> candidates, boolean endOfCandidates) {

    public IceFragment {
        candidates = List.copyOf(candidates);
    }

    /** The fragment, or null with the reason in {@code error[0]} when a line is not SDP or a candidate is malformed. */
    public static IceFragment parse(String text, String[] error) {
        String ufrag = null;
        String pwd = null;
        boolean end = false;
        List<IceCandidate> candidates = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        if (lines.length > SdpParser.MAX_LINES) {
            error[0] = "the fragment has too many lines";
            return null;
        }
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                error[0] = "line " + (i + 1) + " is not an SDP line";
                return null;
            }
            if (line.startsWith("a=ice-ufrag:")) {
                ufrag = line.substring(12).strip();
            } else if (line.startsWith("a=ice-pwd:")) {
                pwd = line.substring(10).strip();
            } else if (line.startsWith("a=candidate:")) {
                IceCandidate c = IceCandidate.parse(line.substring(2));
                if (c == null) {
                    error[0] = "line " + (i + 1) + " is not a valid candidate (RFC 8839 §5.1)";
                    return null;
                }
                candidates.add(c);
            } else if (line.equals("a=end-of-candidates")) {
                end = true;
            }
        }
        if (ufrag == null != (pwd == null)) {
            error[0] = "an ICE restart needs both a=ice-ufrag and a=ice-pwd";
            return null;
        }
        return new IceFragment(ufrag, pwd, candidates, end);
    }
}
