package io.mediaplane.discord.dave;

import io.mediaplane.discord.VoiceOpcode;
import java.util.Arrays;

/**
 * Codecs of the DAVE gateway payloads. Binary server frames are {@code [u16 BE sequence][u8 opcode][payload]}
 * (the sequence feeds the heartbeat's {@code seq_ack}); opcodes 29 and 30 start their payload with a
 * {@code u16 BE transition_id}. JSON payloads are flat objects of integers ({@code transition_id},
 * {@code protocol_version}, {@code epoch}), read here without a JSON library. Parsers never throw: malformed
 * input gives {@code null} or {@code -1}.
 */
public final class DaveMessages {
    private DaveMessages() {}

    /** A binary frame from the voice gateway. */
    public record ServerBinary(int sequence, int opcode, byte[] payload) {
        public VoiceOpcode voiceOpcode() {
            return VoiceOpcode.of(opcode);
        }
    }

    /** A commit (29) or welcome (30) payload: the transition id and the MLS bytes. */
    public record Transition(int transitionId, byte[] message) {}

    /** Splits a binary server frame; null when shorter than its 3-byte header. */
    public static ServerBinary parseServerBinary(byte[] frame) {
        if (frame == null || frame.length < 3) {
            return null;
        }
        int seq = (frame[0] & 0xFF) << 8 | (frame[1] & 0xFF);
        return new ServerBinary(seq, frame[2] & 0xFF, Arrays.copyOfRange(frame, 3, frame.length));
    }

    /** Splits an opcode 29/30 payload; null when shorter than the transition id. */
    public static Transition parseTransition(byte[] payload) {
        if (payload == null || payload.length < 2) {
            return null;
        }
        int id = (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF);
        return new Transition(id, Arrays.copyOfRange(payload, 2, payload.length));
    }

    /** A binary client frame: {@code [u8 opcode][payload]}. */
    public static byte[] clientBinary(VoiceOpcode op, byte[]... parts) {
        int n = 1;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        out[0] = (byte) op.code();
        int at = 1;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** The {@code d} object of opcodes 23 and 31: {@code {"transition_id":N}}. */
    public static String transitionIdJson(int transitionId) {
        return "{\"transition_id\":" + transitionId + "}";
    }

    /** A whole client JSON message {@code {"op":N,"d":{…}}}. */
    public static String clientJson(VoiceOpcode op, String data) {
        return "{\"op\":" + op.code() + ",\"d\":" + data + "}";
    }

    /**
     * The non-negative integer value of {@code "field"} in a flat JSON object (as the gateway sends for opcodes
     * 21, 22, 24), or -1 when absent or not a plain integer below 2^53.
     */
    public static long intField(String json, String field) {
        if (json == null) {
            return -1;
        }
        String key = "\"" + field + "\"";
        int at = json.indexOf(key);
        while (at >= 0) {
            int i = at + key.length();
            while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
                i++;
            }
            if (i < json.length() && json.charAt(i) == ':') {
                i++;
                while (i < json.length() && Character.isWhitespace(json.charAt(i))) {
                    i++;
                }
                long v = 0;
                int digits = 0;
                while (i < json.length() && json.charAt(i) >= '0' && json.charAt(i) <= '9' && digits < 16) {
                    v = v * 10 + (json.charAt(i) - '0');
                    i++;
                    digits++;
                }
                boolean ended = i >= json.length() || ",} \t\r\n".indexOf(json.charAt(i)) >= 0;
                return digits > 0 && ended ? v : -1;
            }
            at = json.indexOf(key, at + 1);
        }
        return -1;
    }
}
