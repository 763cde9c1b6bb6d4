package io.mediaplane.discord.dave;

/**
 * The voice gateway opcodes of DAVE (Discord voice gateway opcodes 21–31; DAVE protocol description, "Voice
 * gateway opcodes"). Binary ones travel as WebSocket binary frames: from the server {@code [u16 BE sequence][u8
 * opcode][payload]}, from the client {@code [u8 opcode][payload]}; the others are JSON {@code {"op": n, "d": {…}}}.
 */
public enum DaveOpcode {
    PREPARE_TRANSITION(21, "dave_protocol_prepare_transition", false, true),
    EXECUTE_TRANSITION(22, "dave_protocol_execute_transition", false, true),
    READY_FOR_TRANSITION(23, "dave_protocol_ready_for_transition", false, false),
    PREPARE_EPOCH(24, "dave_protocol_prepare_epoch", false, true),
    MLS_EXTERNAL_SENDER(25, "dave_mls_external_sender_package", true, true),
    MLS_KEY_PACKAGE(26, "dave_mls_key_package", true, false),
    MLS_PROPOSALS(27, "dave_mls_proposals", true, true),
    MLS_COMMIT_WELCOME(28, "dave_mls_commit_welcome", true, false),
    MLS_ANNOUNCE_COMMIT_TRANSITION(29, "dave_mls_announce_commit_transition", true, true),
    MLS_WELCOME(30, "dave_mls_welcome", true, true),
    MLS_INVALID_COMMIT_WELCOME(31, "dave_mls_invalid_commit_welcome", false, false);

    private static final DaveOpcode[] BY_CODE = new DaveOpcode[32];

    static {
        for (DaveOpcode op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;
    private final String meaning;
    private final boolean binary;
    private final boolean fromServer;

    DaveOpcode(int code, String meaning, boolean binary, boolean fromServer) {
        this.code = code;
        this.meaning = meaning;
        this.binary = binary;
        this.fromServer = fromServer;
    }

    public int code() {
        return code;
    }

    /** The name Discord's documentation gives the opcode. */
    public String meaning() {
        return meaning;
    }

    /** Carried in a binary WebSocket frame rather than JSON. */
    public boolean binary() {
        return binary;
    }

    /** Sent by the voice gateway (otherwise by the client). */
    public boolean fromServer() {
        return fromServer;
    }

    /** The opcode with {@code code}, or null when it is not a DAVE opcode. */
    public static DaveOpcode of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
