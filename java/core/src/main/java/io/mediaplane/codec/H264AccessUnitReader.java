package io.mediaplane.codec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Splits an H.264 Annex B byte stream (a {@code .h264} file) held in a segment into access units, without copying:
 * each unit is reported as an offset and length, start codes included, ready for a decoder.
 *
 * <p>A new access unit begins (H.264 §7.4.1.2.3) at an access unit delimiter, SEI, SPS, PPS or NAL types 14–18,
 * or at the first slice of a new primary picture, once the current unit has a slice. A new picture is recognised by
 * {@code first_mb_in_slice == 0} (its Exp-Golomb code is the single bit 1), which holds for the streams encoders
 * write (slices in order, no arbitrary slice order). Bytes before the first start code are skipped.
 */
public final class H264AccessUnitReader {
    private MemorySegment data;
    private long position;
    private long end;
    private long unitOffset;
    private int unitLength;

    /** Starts reading {@code [offset, offset + length)} of {@code s}. */
    public H264AccessUnitReader reset(MemorySegment s, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > s.byteSize()) {
            throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + length) + ") outside a segment of "
                    + s.byteSize() + " bytes");
        }
        data = s;
        end = offset + length;
        position = AnnexB.findStartCode(s, offset, end);
        unitLength = 0;
        return this;
    }

    /**
     * Advances to the next access unit; false at the end of the data. Units longer than {@link Integer#MAX_VALUE}
     * bytes are not representable and end the stream.
     */
    public boolean next() {
        if (data == null) {
            throw new IllegalStateException("call reset first");
        }
        if (position >= end) {
            unitLength = 0;
            return false;
        }
        long start = position;
        boolean vcl = false;
        long sc = start;
        long boundary = end;
        while (sc < end) {
            long nal = sc + 3;
            if (nal >= end) {
                break;
            }
            int header = data.get(ValueLayout.JAVA_BYTE, nal) & 0xFF;
            int type = H264.type(header);
            boolean slice = type == H264.NON_IDR_SLICE || type == H264.IDR_SLICE;
            boolean startsUnit = slice
                    ? nal + 1 < end && (data.get(ValueLayout.JAVA_BYTE, nal + 1) & 0x80) != 0
                    : type == H264.SEI || type == H264.SPS || type == H264.PPS || type == H264.AUD
                            || (type >= 14 && type <= 18);
            if (vcl && startsUnit) {
                boundary = sc;
                break;
            }
            vcl |= slice;
            sc = AnnexB.findStartCode(data, nal, end);
        }
        if (boundary - start > Integer.MAX_VALUE) {
            position = end;
            unitLength = 0;
            return false;
        }
        unitOffset = start;
        unitLength = (int) (boundary - start);
        position = boundary;
        return true;
    }

    public long unitOffset() {
        return unitOffset;
    }

    public int unitLength() {
        return unitLength;
    }
}
