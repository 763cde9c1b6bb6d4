package io.mediaplane.discord;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One parsed text frame of the voice gateway: {@code {"op": n, "d": ..., "seq": s}}. {@code seq} is -1 when the
 * message carries none (only v8+ server messages that the server would re-send on Resume are numbered).
 * {@code opcode} is null for a number we do not know (kept in {@code op}).
 */
public record GatewayMessage(int op, VoiceOpcode opcode, long seq, JsonNode d) {
}
