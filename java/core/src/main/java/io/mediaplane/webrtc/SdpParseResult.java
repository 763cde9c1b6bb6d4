package io.mediaplane.webrtc;

/** The outcome of {@link SdpParser#parse}: a description, or the line that made the text unusable and why. */
public sealed interface SdpParseResult {

    record Parsed(SessionDescription description) implements SdpParseResult { }

    /** {@code line} is 1-based (0 when the text as a whole is at fault); {@code reason} is a sentence for a person. */
    record Malformed(int line, String reason) implements SdpParseResult {
        @Override
        public String toString() {
            return line > 0 ? "line " + line + ": " + reason : reason;
        }
    }
}
