package io.mediaplane.discord;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * Cuts a raw H264 Annex-B byte stream (FFmpeg's {@code -f h264} with {@code h264_metadata=aud=insert}) into access
 * units at access unit delimiters (NAL type 9, H.264 §7.4.1.2.3: an AUD starts every access unit when present).
 * Bytes arrive in arbitrary chunks; each complete unit (from one AUD up to the next) goes to the consumer.
 */
public final class AccessUnitSplitter {
    private final Consumer<byte[]> sink;
    private final int maxAccessUnit;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream(256 << 10);
    private long dropped;

    public AccessUnitSplitter(Consumer<byte[]> sink, int maxAccessUnit) {
        this.sink = sink;
        this.maxAccessUnit = maxAccessUnit;
    }

    /** Access units dropped for exceeding the maximum size. */
    public long dropped() {
        return dropped;
    }

    /** Feeds {@code data[off..off+len)}. */
    public void feed(byte[] data, int off, int len) {
        current.write(data, off, len);
        byte[] b = current.toByteArray();
        int start = 0;
        // find "00 00 01 09" (an AUD after any start code) past the unit's own leading AUD
        int searchFrom = firstAudEnd(b);
        for (int i = searchFrom; i + 3 < b.length; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1 && (b[i + 3] & 0x1F) == 9) {
                int cut = i > 0 && b[i - 1] == 0 ? i - 1 : i; // keep a 4-byte start code with its NAL
                emit(b, start, cut);
                start = cut;
                i = cut + 4;
            }
        }
        current.reset();
        current.write(b, start, b.length - start);
        if (current.size() > maxAccessUnit) {
            dropped++;
            current.reset();
        }
    }

    /** Delivers what is buffered as the last access unit (end of stream). */
    public void finish() {
        byte[] b = current.toByteArray();
        current.reset();
        if (b.length > 0) {
            emit(b, 0, b.length);
        }
    }

    private static int firstAudEnd(byte[] b) {
        for (int i = 0; i + 3 < b.length && i < 8; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                return i + 4;
            }
        }
        return 1;
    }

    private void emit(byte[] b, int from, int to) {
        if (to - from <= 4) {
            return;
        }
        byte[] au = java.util.Arrays.copyOfRange(b, from, to);
        sink.accept(au);
    }
}
