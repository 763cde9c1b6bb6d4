package io.mediaplane.codec;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Writes an IVF file (layout in {@link Ivf}): the file header, then one 12-byte frame header and the frame's bytes
 * per {@link #write}. On {@link #close} the header's frame count is filled in when the channel can seek (a file);
 * on a pipe it stays 0, which FFmpeg and libvpx accept. Not thread-safe: one writer per recording.
 */
public final class IvfWriter implements AutoCloseable {
    private final WritableByteChannel out;
    private final IvfHeader header;
    private final long headerPosition;
    private final ByteBuffer frameHeader = ByteBuffer.allocate(Ivf.FRAME_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private long frames;
    private boolean closed;

    /** Writes the file header to {@code out} at its current position; the writer closes {@code out} with itself. */
    public IvfWriter(WritableByteChannel out, IvfHeader header) throws IOException {
        this.out = Objects.requireNonNull(out, "out");
        this.header = Objects.requireNonNull(header, "header");
        this.headerPosition = out instanceof SeekableByteChannel sc ? sc.position() : -1;
        writeFully(encodeHeader(header));
    }

    /** Creates (or truncates) {@code file} and writes the file header. */
    public static IvfWriter create(Path file, IvfHeader header) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            return new IvfWriter(ch, header);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The 32-byte file header for {@code header}. */
    public static ByteBuffer encodeHeader(IvfHeader header) {
        ByteBuffer b = ByteBuffer.allocate(Ivf.FILE_HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(Ivf.SIGNATURE).putShort((short) 0).putShort((short) Ivf.FILE_HEADER_SIZE)
                .put(header.fourcc().getBytes(StandardCharsets.US_ASCII))
                .putShort((short) header.width()).putShort((short) header.height())
                .putInt((int) header.timebaseDenominator()).putInt((int) header.timebaseNumerator())
                .putInt((int) header.frameCount()).putInt(0);
        return b.flip();
    }

    /** Appends one frame, {@code [offset, offset + length)} of {@code frame}, stamped {@code timestamp} (time base units). */
    public void write(MemorySegment frame, long offset, int length, long timestamp) throws IOException {
        if (closed) {
            throw new IllegalStateException("IvfWriter is closed");
        }
        if (length < 0 || offset < 0 || offset + length > frame.byteSize()) {
            throw new IndexOutOfBoundsException("frame range [" + offset + ", " + (offset + length)
                    + ") outside a segment of " + frame.byteSize() + " bytes");
        }
        frameHeader.clear();
        frameHeader.putInt(length).putLong(timestamp).flip();
        writeFully(frameHeader);
        writeFully(frame.asSlice(offset, length).asByteBuffer());
        frames++;
    }

    public void write(byte[] frame, long timestamp) throws IOException {
        write(MemorySegment.ofArray(frame), 0, frame.length, timestamp);
    }

    /** Frames written so far. */
    public long frames() {
        return frames;
    }

    public IvfHeader header() {
        return header;
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (out) {
            if (out instanceof SeekableByteChannel sc && headerPosition >= 0 && frames <= 0xFFFF_FFFFL) {
                ByteBuffer count = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) frames).flip();
                long end = sc.position();
                sc.position(headerPosition + Ivf.OFF_FRAME_COUNT);
                writeFully(count);
                sc.position(end);
            }
        }
    }
}
