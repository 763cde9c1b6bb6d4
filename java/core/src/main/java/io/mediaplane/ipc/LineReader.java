package io.mediaplane.ipc;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into {@code \n}-terminated lines, holding at most {@link #MAX_LINE_BYTES} of one line: a
 * longer line is skipped to its end without being kept and reported as {@link Status#TOO_LARGE}. A trailing
 * {@code \r} is removed; a last line without {@code \n} before end of input still counts. Not thread-safe: one
 * reader thread owns it.
 */
public final class LineReader {
    /** clankvox's limit: lines over 8 MiB are refused with {@code input_too_large}. */
    public static final int MAX_LINE_BYTES = 8 * 1024 * 1024;

    public enum Status { LINE, TOO_LARGE, END }

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] chunk = new byte[64 * 1024];
    private int chunkPos;
    private int chunkLimit;
    private byte[] line;
    private int lineLength;
    private long discardedLength;

    public LineReader(InputStream in) {
        this(in, MAX_LINE_BYTES);
    }

    public LineReader(InputStream in, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.line = new byte[Math.min(8 * 1024, maxLineBytes + 1)];
    }

    /**
     * Reads the next line. After {@link Status#LINE}, {@link #buffer()} holds it in {@code [0, length())} until
     * the next call; after {@link Status#TOO_LARGE}, {@link #length()} is the refused line's length.
     */
    public Status next() throws IOException {
        lineLength = 0;
        discardedLength = 0;
        boolean overflowing = false;
        boolean sawAny = false;
        while (true) {
            if (chunkPos == chunkLimit) {
                int n = in.read(chunk, 0, chunk.length);
                if (n < 0) {
                    if (!sawAny) {
                        return Status.END;
                    }
                    return finish(overflowing);
                }
                chunkPos = 0;
                chunkLimit = n;
                continue;
            }
            sawAny = true;
            int nl = indexOfNewline(chunkPos, chunkLimit);
            int end = nl < 0 ? chunkLimit : nl;
            int count = end - chunkPos;
            if (!overflowing && lineLength + (long) count > maxLineBytes + 1L) {
                // +1 leaves room for a '\r' that the limit does not count
                overflowing = true;
                discardedLength = lineLength;
                lineLength = 0;
            }
            if (overflowing) {
                discardedLength += count;
            } else {
                append(chunkPos, count);
            }
            chunkPos = end;
            if (nl >= 0) {
                chunkPos = nl + 1;
                return finish(overflowing);
            }
        }
    }

    private Status finish(boolean overflowing) {
        if (overflowing) {
            return Status.TOO_LARGE;
        }
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
            lineLength--;
        }
        if (lineLength > maxLineBytes) {
            discardedLength = lineLength;
            lineLength = 0;
            return Status.TOO_LARGE;
        }
        return Status.LINE;
    }

    private int indexOfNewline(int from, int to) {
        for (int i = from; i < to; i++) {
            if (chunk[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void append(int from, int count) {
        int needed = lineLength + count;
        if (needed > line.length) {
            line = Arrays.copyOf(line, (int) Math.min(Math.max(needed, (long) line.length * 2), maxLineBytes + 1L));
        }
        System.arraycopy(chunk, from, line, lineLength, count);
        lineLength = needed;
    }

    public byte[] buffer() {
        return line;
    }

    /** The line's length after {@link Status#LINE}; the refused line's length after {@link Status#TOO_LARGE}. */
    public long length() {
        return lineLength > 0 || discardedLength == 0 ? lineLength : discardedLength;
    }
}
