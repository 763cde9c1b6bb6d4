package io.mediaplane.discord;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * UDP IP discovery (Discord voice docs "IP Discovery"): a 74-byte request {@code [u16 1][u16 70][u32 ssrc][66
 * zero bytes]} and its response {@code [u16 2][u16 70][u32 ssrc][64-byte NUL-padded address][u16 port]}, all big
 * endian. The response is outside input: {@link #parseResponse} returns null for anything else.
 */
public final class IpDiscovery {
    public static final int LENGTH = 74;
    public static final int REQUEST = 1;
    public static final int RESPONSE = 2;
    private static final int BODY_LENGTH = 70;

    private IpDiscovery() {
    }

    /** Writes a request for {@code ssrc} at {@code s[offset..offset+74)}. */
    public static void writeRequest(MemorySegment s, long offset, int ssrc) {
        s.asSlice(offset, LENGTH).fill((byte) 0);
        Bytes.put16(s, offset, REQUEST);
        Bytes.put16(s, offset + 2, BODY_LENGTH);
        Bytes.put32(s, offset + 4, ssrc);
    }

    /** Writes a response (what a voice server sends) for {@code ssrc} seen from {@code address}. */
    public static void writeResponse(MemorySegment s, long offset, int ssrc, InetSocketAddress address) {
        s.asSlice(offset, LENGTH).fill((byte) 0);
        Bytes.put16(s, offset, RESPONSE);
        Bytes.put16(s, offset + 2, BODY_LENGTH);
        Bytes.put32(s, offset + 4, ssrc);
        byte[] ip = address.getAddress().getHostAddress().getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(MemorySegment.ofArray(ip), 0, s, offset + 8, Math.min(ip.length, 63));
        Bytes.put16(s, offset + 72, address.getPort());
    }

    /** Whether the datagram is a request (what a server answers). */
    public static boolean isRequest(MemorySegment s, long offset, int length) {
        return length == LENGTH && Bytes.u16(s, offset) == REQUEST && Bytes.u16(s, offset + 2) == BODY_LENGTH;
    }

    /** The SSRC of a request or response. */
    public static int ssrc(MemorySegment s, long offset) {
        return Bytes.i32(s, offset + 4);
    }

    /**
     * The external address in a response for {@code ssrc}, or null when the datagram is not one. The address is
     * read up to the first NUL (as @discordjs/voice does); it must be a literal IPv4 or IPv6 address, never a name
     * (no lookup happens on outside input).
     */
    public static Result parseResponse(MemorySegment s, long offset, int length, int ssrc) {
        if (length < LENGTH || Bytes.u16(s, offset) != RESPONSE || Bytes.u16(s, offset + 2) != BODY_LENGTH
                || Bytes.i32(s, offset + 4) != ssrc) {
            return null;
        }
        int end = 0;
        while (end < 64 && Bytes.u8(s, offset + 8 + end) != 0) {
            end++;
        }
        if (end == 0 || end == 64) {
            return null;
        }
        StringBuilder ip = new StringBuilder(end);
        for (int i = 0; i < end; i++) {
            char c = (char) Bytes.u8(s, offset + 8 + i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '.' || c == ':')) {
                return null;
            }
            ip.append(c);
        }
        int port = Bytes.u16(s, offset + 72);
        if (port == 0) {
            return null;
        }
        return new Result(ip.toString(), port);
    }

    /** The address and port the server saw. */
    public record Result(String address, int port) {
    }
}
