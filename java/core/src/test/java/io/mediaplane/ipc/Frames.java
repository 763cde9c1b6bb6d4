package io.mediaplane.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads output frames {@code [u8 kind][u32 LE length][payload]} the way a control plane does. */
final class Frames {
    static final ObjectMapper JSON = new ObjectMapper();

    record Frame(int kind, byte[] payload) {
        JsonNode json() {
            try {
                return JSON.readTree(payload);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        String type() {
            return json().path("type").asText();
        }
    }

    private final DataInputStream in;

    Frames(InputStream in) {
        this.in = new DataInputStream(in);
    }

    /** The next frame, or null at a clean end of input (between frames). */
    Frame next() throws IOException {
        int kind = in.read();
        if (kind < 0) {
            return null;
        }
        byte[] len = new byte[4];
        in.readFully(len);
        long length = (len[0] & 0xFFL) | (len[1] & 0xFFL) << 8 | (len[2] & 0xFFL) << 16 | (len[3] & 0xFFL) << 24;
        if (length > Integer.MAX_VALUE) {
            throw new EOFException("frame length " + length);
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(kind, payload);
    }
}
