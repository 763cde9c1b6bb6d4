package io.mediaplane.discord;

/**
 * Why the voice gateway closed a WebSocket, and what a client does about it. Discord's documented codes
 * (opcodes-and-status-codes); @discordjs/voice and Discord-video-stream resume on 4015 and on any code below 4000
 * (a transport-level close), which is the rule here too.
 */
public enum VoiceCloseCode {
    UNKNOWN_OPCODE(4001, "Unknown opcode", Action.RECONNECT),
    DECODE_FAILED(4002, "Failed to decode payload", Action.RECONNECT),
    NOT_AUTHENTICATED(4003, "Not authenticated", Action.RECONNECT),
    AUTHENTICATION_FAILED(4004, "Authentication failed", Action.GIVE_UP),
    ALREADY_AUTHENTICATED(4005, "Already authenticated", Action.RECONNECT),
    SESSION_NO_LONGER_VALID(4006, "Session no longer valid", Action.RECONNECT),
    SESSION_TIMEOUT(4009, "Session timeout", Action.RECONNECT),
    SERVER_NOT_FOUND(4011, "Server not found", Action.GIVE_UP),
    UNKNOWN_PROTOCOL(4012, "Unknown protocol", Action.GIVE_UP),
    DISCONNECTED(4014, "Disconnected (channel deleted, kicked, or moved); do not reconnect", Action.GIVE_UP),
    VOICE_SERVER_CRASHED(4015, "Voice server crashed; resume", Action.RESUME),
    UNKNOWN_ENCRYPTION_MODE(4016, "Unknown encryption mode", Action.GIVE_UP),
    E2EE_REQUIRED(4017, "End-to-end encryption (DAVE) protocol required", Action.GIVE_UP),
    BAD_REQUEST(4020, "Bad request", Action.GIVE_UP),
    RATE_LIMITED(4021, "Disconnected: rate limited; do not reconnect", Action.GIVE_UP),
    CALL_TERMINATED(4022, "Disconnected: call terminated; do not reconnect", Action.GIVE_UP);

    /** What the leg does after the close. */
    public enum Action {
        /** Reconnect and send Resume (OP7) with the same session: the server re-sends what was missed (v8). */
        RESUME,
        /** Reconnect with a fresh Identify: the session is gone but the credentials may still be good. */
        RECONNECT,
        /** Stop and report: reconnecting cannot help or is forbidden. */
        GIVE_UP
    }

    private final int code;
    private final String meaning;
    private final Action action;

    VoiceCloseCode(int code, String meaning, Action action) {
        this.code = code;
        this.meaning = meaning;
        this.action = action;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    public Action action() {
        return action;
    }

    /** The close code {@code code} stands for, or null (a transport-level or unknown code). */
    public static VoiceCloseCode of(int code) {
        for (VoiceCloseCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }

    /** What to do after a close with {@code code}: any code below 4000 resumes, unknown 4xxx codes reconnect. */
    public static Action actionFor(int code) {
        if (code < 4000) {
            return Action.RESUME;
        }
        VoiceCloseCode c = of(code);
        return c == null ? Action.RECONNECT : c.action;
    }

    /** A readable description of {@code code} for events and logs. */
    public static String describe(int code) {
        VoiceCloseCode c = of(code);
        return c != null ? code + " " + c.meaning : code < 4000 ? code + " transport closed" : code + " unknown";
    }
}
