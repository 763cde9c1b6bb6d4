package io.mediaplane.discord;

/**
 * The life of one leg. The normal path is {@code IDLE → CONNECTING → IDENTIFYING → DISCOVERING →
 * SELECTING_PROTOCOL → READY}; a resumable close goes {@code READY → RESUMING → READY} (Hello, Resume, Resumed), a
 * lost session or UDP path {@code → RECONNECTING → IDENTIFYING …}; {@code DISCONNECTED} and {@code FAILED} are final.
 */
public enum LegState {
    IDLE("disconnected", false),
    /** WebSocket opening, waiting for Hello (OP8). */
    CONNECTING("connecting", false),
    /** Identify (OP0) sent, waiting for Ready (OP2). */
    IDENTIFYING("connecting", false),
    /** UDP IP discovery in progress. */
    DISCOVERING("connecting", false),
    /** Select Protocol (OP1) sent, waiting for Session Description (OP4). */
    SELECTING_PROTOCOL("connecting", false),
    /** Media can flow: transport key known, UDP path up. */
    READY("ready", false),
    /** Reconnecting the WebSocket to send Resume (OP7); UDP and keys are kept. */
    RESUMING("reconnecting", false),
    /** Starting over with a fresh Identify and UDP socket after a lost session or UDP path. */
    RECONNECTING("reconnecting", false),
    /** Closed by us, or by the server with a code that forbids reconnecting (4014, 4021, 4022). */
    DISCONNECTED("disconnected", true),
    /** Gave up: authentication failed, no usable encryption mode, or too many failed attempts. */
    FAILED("failed", true);

    private final String wireStatus;
    private final boolean terminal;

    LegState(String wireStatus, boolean terminal) {
        this.wireStatus = wireStatus;
        this.terminal = terminal;
    }

    /** The {@code transport_state.status} value clankvox's control protocol uses for this state. */
    public String wireStatus() {
        return wireStatus;
    }

    public boolean isTerminal() {
        return terminal;
    }
}
