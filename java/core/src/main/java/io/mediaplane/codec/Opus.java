package io.mediaplane.codec;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/** Opus packet framing (RFC 6716 §3.1-3.2) as far as an RTP endpoint needs it. */
public final class Opus {
    /** RFC 7587 §4.1: the RTP clock is always 48 kHz. */
    public static final int CLOCK_RATE = 48_000;

    private Opus() {}

    /** Samples at 48 kHz of one frame, from the TOC's configuration number (RFC 6716 §3.1, Table 2). */
    public static int samplesPerFrame(int toc) {
        int config = toc >>> 3;
        if (config < 12) { // SILK: 10, 20, 40, 60 ms
            return (config & 3) == 3 ? 2880 : 480 << (config & 3);
        }
        if (config < 16) { // Hybrid: 10, 20 ms
            return (config & 1) == 0 ? 480 : 960;
        }
        return 120 << (config & 3); // CELT: 2.5, 5, 10, 20 ms
    }

    /**
     * Samples at 48 kHz in the packet, or -1 if its framing is invalid (RFC 6716 §3.2: R1-R7 as far as lengths go;
     * at most 120 ms).
     */
    public static int samples(MemorySegment s, long offset, int length) {
        if (length < 1) {
            return -1;
        }
        int toc = Bytes.u8(s, offset);
        int frame = samplesPerFrame(toc);
        int frames;
        switch (toc & 3) {
            case 0 -> frames = 1;
            case 1 -> {
                if (((length - 1) & 1) != 0) { // R3: two frames of equal size
                    return -1;
                }
                frames = 2;
            }
            case 2 -> {
                if (length < 2) { // R4: a frame length follows the TOC
                    return -1;
                }
                int first = Bytes.u8(s, offset + 1);
                int used = 2;
                if (first >= 252) {
                    if (length < 3) {
                        return -1;
                    }
                    first += 4 * Bytes.u8(s, offset + 2);
                    used = 3;
                }
                if (used + first > length) {
                    return -1;
                }
                frames = 2;
            }
            default -> {
                if (length < 2) { // R6/R7: frame count byte
                    return -1;
                }
                frames = Bytes.u8(s, offset + 1) & 0x3F;
                if (frames == 0) {
                    return -1;
                }
            }
        }
        int total = frames * frame;
        return total > 5760 ? -1 : total; // R5: at most 120 ms
    }

    /** A DTX / comfort packet: TOC only, or TOC with an empty frame (RFC 6716 §3.2.1: a 0-length frame, "no data"). */
    public static boolean isDtx(int length) {
        return length <= 2;
    }
}
