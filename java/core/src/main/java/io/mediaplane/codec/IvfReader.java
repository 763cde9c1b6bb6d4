package io.mediaplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Reads an IVF file (layout in {@link Ivf}) held in a segment, frame by frame, without copying: each frame is
 * reported as an offset and length into that segment. Outside input: malformed data gives an {@link IvfStatus},
 * never an exception. One reader per thread; reusable through {@link #reset}.
 *
 * <pre>{@code
 * IvfReader r = new IvfReader();
 * if (r.reset(file, 0, file.byteSize()).ok()) {
 *     IvfStatus s;
 *     while ((s = r.next()).ok()) { decode(file, r.frameOffset(), r.frameLength(), r.timestamp()); }
 *     // s is END for a complete file, or the reason the rest was refused
 * }
 * }</pre>
 */
public final class IvfReader {
    /** Frames above this size are refused unless the constructor says otherwise (an 8K intra frame fits). */
    public static final int DEFAULT_MAX_FRAME_SIZE = 32 << 20;

    private final int maxFrameSize;
    private MemorySegment data;
    private long position;
    private long end;
    private IvfHeader header;
    private long frameOffset;
    private int frameLength;
    private long timestamp;
    private long frameIndex = -1;

    public IvfReader() {
        this(DEFAULT_MAX_FRAME_SIZE);
    }

    public IvfReader(int maxFrameSize) {
        if (maxFrameSize <= 0) {
            throw new IllegalArgumentException("maxFrameSize must be positive: " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
    }

    /** Parses the file header at {@code [offset, offset + length)} of {@code s}; frames follow with {@link #next}. */
    public IvfStatus reset(MemorySegment s, long offset, long length) {
        data = s;
        header = null;
        frameIndex = -1;
        frameLength = 0;
        if (offset < 0 || length < 0 || offset + length > s.byteSize()) {
            throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + length) + ") outside a segment of "
                    + s.byteSize() + " bytes");
        }
        end = offset + length;
        position = end;
        if (length < Ivf.FILE_HEADER_SIZE) {
            return IvfStatus.TOO_SHORT;
        }
        if (s.get(Ivf.U32, offset) != Ivf.SIGNATURE) {
            return IvfStatus.BAD_SIGNATURE;
        }
        if (s.get(Ivf.U16, offset + Ivf.OFF_VERSION) != 0) {
            return IvfStatus.UNSUPPORTED_VERSION;
        }
        int headerSize = s.get(Ivf.U16, offset + Ivf.OFF_HEADER_SIZE) & 0xFFFF;
        if (headerSize < Ivf.FILE_HEADER_SIZE || headerSize > length) {
            return IvfStatus.BAD_HEADER_SIZE;
        }
        int width = s.get(Ivf.U16, offset + Ivf.OFF_WIDTH) & 0xFFFF;
        int height = s.get(Ivf.U16, offset + Ivf.OFF_HEIGHT) & 0xFFFF;
        long rate = s.get(Ivf.U32, offset + Ivf.OFF_RATE) & 0xFFFF_FFFFL;
        long scale = s.get(Ivf.U32, offset + Ivf.OFF_SCALE) & 0xFFFF_FFFFL;
        if (width == 0 || height == 0) {
            return IvfStatus.BAD_DIMENSIONS;
        }
        byte[] fourcc = new byte[4];
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, offset + Ivf.OFF_FOURCC, fourcc, 0, 4);
        for (int i = 0; i < 4; i++) {
            fourcc[i] &= 0x7F; // the header record takes ASCII; a stray high bit is not worth refusing a file for
        }
        // a zero time base would make timestamps meaningless; FFmpeg and libvpx then fall back to 1/30 s
        header = new IvfHeader(new String(fourcc, StandardCharsets.US_ASCII), width, height,
                scale == 0 ? 1 : scale, rate == 0 ? 30 : rate, s.get(Ivf.U32, offset + Ivf.OFF_FRAME_COUNT) & 0xFFFF_FFFFL);
        position = offset + headerSize;
        return IvfStatus.OK;
    }

    /** Advances to the next frame: {@link IvfStatus#OK} with the frame's place in {@link #frameOffset}/{@link #frameLength}. */
    public IvfStatus next() {
        if (header == null) {
            throw new IllegalStateException("no valid IVF header: call reset first and check its status");
        }
        frameLength = 0;
        long remaining = end - position;
        if (remaining == 0) {
            return IvfStatus.END;
        }
        if (remaining < Ivf.FRAME_HEADER_SIZE) {
            position = end;
            return IvfStatus.TRUNCATED_FRAME_HEADER;
        }
        long size = data.get(Ivf.U32, position) & 0xFFFF_FFFFL;
        long ts = data.get(Ivf.U64, position + 4);
        if (size > maxFrameSize) {
            position = end;
            return IvfStatus.FRAME_TOO_LARGE;
        }
        if (size > remaining - Ivf.FRAME_HEADER_SIZE) {
            position = end;
            return IvfStatus.TRUNCATED_FRAME;
        }
        frameOffset = position + Ivf.FRAME_HEADER_SIZE;
        frameLength = (int) size;
        timestamp = ts;
        frameIndex++;
        position = frameOffset + size;
        return IvfStatus.OK;
    }

    /** The file header read by the last successful {@link #reset}, or null. */
    public IvfHeader header() {
        return header;
    }

    /** The segment the frames are in. */
    public MemorySegment data() {
        return data;
    }

    public long frameOffset() {
        return frameOffset;
    }

    public int frameLength() {
        return frameLength;
    }

    /** The current frame's timestamp in units of the header's time base (signed, as libvpx writes it). */
    public long timestamp() {
        return timestamp;
    }

    /** Index of the current frame, counting from 0. */
    public long frameIndex() {
        return frameIndex;
    }

    /** The current frame as a slice of {@link #data()} (no copy). */
    public MemorySegment frame() {
        return data.asSlice(frameOffset, frameLength);
    }
}
