package io.mediaplane.discord;

/**
 * Voice gateway opcodes: Discord's documented table (voice-connections, opcodes-and-status-codes) plus the
 * undocumented video ones working clients use (12 Video, 14 Session Update, 15 Media Sink Wants, 18 Client Flags,
 * 20 Client Platform), and DAVE's 21–31 (DAVE protocol, "Voice gateway opcodes"). 25–30 travel as binary WebSocket
 * frames: from the server {@code [u16 BE sequence][u8 opcode][payload]}, from the client {@code [u8 opcode][payload]};
 * the others, 31 included, are JSON {@code {"op": n, "d": {…}}}.
 */
public enum VoiceOpcode {
    IDENTIFY(0, "Identify"),
    SELECT_PROTOCOL(1, "Select Protocol"),
    READY(2, "Ready"),
    HEARTBEAT(3, "Heartbeat"),
    SESSION_DESCRIPTION(4, "Session Description"),
    SPEAKING(5, "Speaking"),
    HEARTBEAT_ACK(6, "Heartbeat ACK"),
    RESUME(7, "Resume"),
    HELLO(8, "Hello"),
    RESUMED(9, "Resumed"),
    CLIENTS_CONNECT(11, "Clients Connect"),
    VIDEO(12, "Video"),
    CLIENT_DISCONNECT(13, "Client Disconnect"),
    SESSION_UPDATE(14, "Session Update"),
    MEDIA_SINK_WANTS(15, "Media Sink Wants"),
    VOICE_BACKEND_VERSION(16, "Voice Backend Version"),
    CLIENT_FLAGS(18, "Client Flags"),
    CLIENT_PLATFORM(20, "Client Platform"),
    DAVE_PREPARE_TRANSITION(21, "DAVE Prepare Transition"),
    DAVE_EXECUTE_TRANSITION(22, "DAVE Execute Transition"),
    DAVE_TRANSITION_READY(23, "DAVE Transition Ready"),
    DAVE_PREPARE_EPOCH(24, "DAVE Prepare Epoch"),
    DAVE_MLS_EXTERNAL_SENDER(25, "DAVE MLS External Sender"),
    DAVE_MLS_KEY_PACKAGE(26, "DAVE MLS Key Package"),
    DAVE_MLS_PROPOSALS(27, "DAVE MLS Proposals"),
    DAVE_MLS_COMMIT_WELCOME(28, "DAVE MLS Commit Welcome"),
    DAVE_MLS_ANNOUNCE_COMMIT_TRANSITION(29, "DAVE MLS Announce Commit Transition"),
    DAVE_MLS_WELCOME(30, "DAVE MLS Welcome"),
    DAVE_MLS_INVALID_COMMIT_WELCOME(31, "DAVE MLS Invalid Commit Welcome");

    private static final VoiceOpcode[] BY_CODE = new VoiceOpcode[32];

    static {
        for (VoiceOpcode op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;
    private final String meaning;

    VoiceOpcode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** Whether this opcode travels in a binary WebSocket frame (DAVE's MLS messages, 25–30) rather than JSON. */
    public boolean binary() {
        return code >= 25 && code <= 30;
    }

    /** Whether this opcode belongs to DAVE (21–31), whose handling is the {@link DaveHook}'s. */
    public boolean isDave() {
        return code >= 21;
    }

    /** The opcode of {@code code}, or null when it is not one we know. */
    public static VoiceOpcode of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
