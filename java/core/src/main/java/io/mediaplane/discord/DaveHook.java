package io.mediaplane.discord;

import java.util.Set;

/**
 * Where a leg hands the DAVE part of the voice gateway (opcodes 21–31, the binary MLS frames, the member list) to
 * an end-to-end encryption session. The leg parses the framing ({@code [u16 BE seq][u8 op][payload]} for server
 * binary frames) and keeps the sequence number for heartbeats and Resume; what the payloads mean is the hook's.
 * Calls come from the leg's gateway thread, in arrival order. {@link #none()} ignores everything and announces
 * protocol version 0 (no E2EE).
 */
public interface DaveHook {

    /** The highest DAVE protocol version to announce in Identify ({@code max_dave_protocol_version}). */
    default int maxProtocolVersion() {
        return 0;
    }

    /** Session Description arrived with {@code dave_protocol_version}; a version above 0 starts MLS (OP26). */
    default void onSessionDescription(int daveProtocolVersion, GatewaySender sender) {
    }

    /** A JSON DAVE opcode (21, 22, 24, or 31 if a server sends it) with its {@code d} as JSON text. */
    default void onJson(VoiceOpcode opcode, String payloadJson, GatewaySender sender) {
    }

    /** A server binary frame: {@code opcode} (25, 27, 29, 30 …) and the bytes after the 3-byte prefix. */
    default void onBinary(int sequence, int opcode, byte[] payload, GatewaySender sender) {
    }

    /** Users that joined (OP11); MLS proposals should only add recognized users. */
    default void onClientsConnect(Set<Long> userIds) {
    }

    /** A user left (OP13). */
    default void onClientDisconnect(long userId) {
    }

    /** The gateway session was lost (not resumed): MLS state must start over on the next Session Description. */
    default void onSessionLost() {
    }

    /** A hook that does nothing: no E2EE negotiated. */
    static DaveHook none() {
        return None.INSTANCE;
    }

    /** The hook of {@link #none()}. */
    enum None implements DaveHook {
        INSTANCE
    }

    /** How the hook answers on the gateway: client binary frames are {@code [u8 op][payload]}, without seq. */
    interface GatewaySender {
        /** Sends {@code {"op":opcode,"d":payloadJson}}. */
        void sendJson(int opcode, String payloadJson);

        /** Sends a binary frame {@code [u8 opcode][payload]}. */
        void sendBinary(int opcode, byte[] payload);
    }
}
