package io.mediaplane.discord;

import io.mediaplane.codec.H264AccessUnitReader;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Cuts a raw H264 Annex-B byte stream arriving in arbitrary chunks (FFmpeg's {@code -f h264} on a pipe) into
 * access units, with {@link H264AccessUnitReader}'s boundary rules (H.264 §7.4.1.2.3). The last unit in the
 * buffer may still grow, so it is held back until the next one begins or {@link #finish} is called.
 */
public final class AccessUnitSplitter {
    private final Consumer<byte[]> sink;
    private final int maxAccessUnit;
    private final H264AccessUnitReader reader = new H264AccessUnitReader();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(256 << 10);
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
        pending.write(data, off, len);
        byte[] b = pending.toByteArray();
        reader.reset(MemorySegment.ofArray(b), 0, b.length);
        long unitStart = -1;
        int unitLength = 0;
        while (reader.next()) {
            if (unitStart >= 0) {
                emit(b, unitStart, unitLength);
            }
            unitStart = reader.unitOffset();
            unitLength = reader.unitLength();
        }
        pending.reset();
        if (unitStart >= 0) {
            if (b.length - unitStart > maxAccessUnit) {
                dropped++;
            } else {
                pending.write(b, (int) unitStart, (int) (b.length - unitStart));
            }
        } else if (b.length <= maxAccessUnit) {
            pending.write(b, 0, b.length); // no start code yet
        }
    }

    /** Delivers what is buffered (end of stream). */
    public void finish() {
        byte[] b = pending.toByteArray();
        pending.reset();
        reader.reset(MemorySegment.ofArray(b), 0, b.length);
        while (reader.next()) {
            emit(b, reader.unitOffset(), reader.unitLength());
        }
    }

    private void emit(byte[] b, long offset, int length) {
        if (length > maxAccessUnit) {
            dropped++;
            return;
        }
        sink.accept(Arrays.copyOfRange(b, (int) offset, (int) offset + length));
    }
}
