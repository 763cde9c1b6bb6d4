package io.mediaplane.codec;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * The VP8 payload descriptor, RFC 7741 §4.2, with every optional field:
 *
 * <pre>
 *       0 1 2 3 4 5 6 7
 *      +-+-+-+-+-+-+-+-+
 *      |X|R|N|S|R| PID | (REQUIRED)
 *      +-+-+-+-+-+-+-+-+
 * X:   |I|L|T|K| RSV   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * I:   |M| PictureID   | (OPTIONAL, M=1: 15-bit picture id in two bytes)
 *      +-+-+-+-+-+-+-+-+
 * L:   |   TL0PICIDX   | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * T/K: |TID|Y| KEYIDX  | (OPTIONAL)
 *      +-+-+-+-+-+-+-+-+
 * </pre>
 *
 * A reusable, mutable value: {@link #parse} fills it from a payload (returning a status, never throwing), and
 * {@link #write} writes it. Absent fields read as -1.
 */
public final class Vp8PayloadDescriptor {
    /** Picture id absent, 7 bits (M=0) or 15 bits (M=1). */
    public enum PictureIdMode { NONE, BITS_7, BITS_15 }

    private boolean nonReference;
    private boolean startOfPartition;
    private int partitionIndex;
    private int pictureId = -1;
    private PictureIdMode pictureIdMode = PictureIdMode.NONE;
    private int tl0PicIdx = -1;
    private int temporalLayer = -1;
    private boolean layerSync;
    private int keyIndex = -1;
    private int length;

    /**
     * Reads the descriptor at the start of {@code [offset, offset + payloadLength)}. On {@link PayloadStatus#OK},
     * {@link #length()} is where the VP8 payload begins; it may be empty only if the caller allows it.
     */
    public PayloadStatus parse(MemorySegment s, long offset, int payloadLength) {
        if (payloadLength < 1) {
            return PayloadStatus.BAD_DESCRIPTOR;
        }
        int b = Bytes.u8(s, offset);
        nonReference = (b & 0x20) != 0;
        startOfPartition = (b & 0x10) != 0;
        partitionIndex = b & 0x07;
        pictureId = -1;
        pictureIdMode = PictureIdMode.NONE;
        tl0PicIdx = -1;
        temporalLayer = -1;
        layerSync = false;
        keyIndex = -1;
        int p = 1;
        if ((b & 0x80) != 0) {
            if (p >= payloadLength) {
                return PayloadStatus.BAD_DESCRIPTOR;
            }
            int x = Bytes.u8(s, offset + p++);
            if ((x & 0x80) != 0) { // I
                if (p >= payloadLength) {
                    return PayloadStatus.BAD_DESCRIPTOR;
                }
                int m = Bytes.u8(s, offset + p++);
                if ((m & 0x80) != 0) {
                    if (p >= payloadLength) {
                        return PayloadStatus.BAD_DESCRIPTOR;
                    }
                    pictureId = (m & 0x7F) << 8 | Bytes.u8(s, offset + p++);
                    pictureIdMode = PictureIdMode.BITS_15;
                } else {
                    pictureId = m;
                    pictureIdMode = PictureIdMode.BITS_7;
                }
            }
            if ((x & 0x40) != 0) { // L
                if (p >= payloadLength) {
                    return PayloadStatus.BAD_DESCRIPTOR;
                }
                tl0PicIdx = Bytes.u8(s, offset + p++);
            }
            if ((x & 0x30) != 0) { // T or K: one shared byte
                if (p >= payloadLength) {
                    return PayloadStatus.BAD_DESCRIPTOR;
                }
                int tk = Bytes.u8(s, offset + p++);
                if ((x & 0x20) != 0) {
                    temporalLayer = tk >>> 6;
                    layerSync = (tk & 0x20) != 0;
                }
                if ((x & 0x10) != 0) {
                    keyIndex = tk & 0x1F;
                }
            }
        }
        length = p;
        return PayloadStatus.OK;
    }

    /** The descriptor's size in bytes as it would be written now. */
    public int encodedLength() {
        boolean x = pictureIdMode != PictureIdMode.NONE || tl0PicIdx >= 0 || temporalLayer >= 0 || keyIndex >= 0;
        if (!x) {
            return 1;
        }
        return 2 + switch (pictureIdMode) {
            case NONE -> 0;
            case BITS_7 -> 1;
            case BITS_15 -> 2;
        } + (tl0PicIdx >= 0 ? 1 : 0) + (temporalLayer >= 0 || keyIndex >= 0 ? 1 : 0);
    }

    /** Writes the descriptor at {@code offset}; returns its length. */
    public int write(MemorySegment s, long offset) {
        boolean hasI = pictureIdMode != PictureIdMode.NONE;
        boolean hasL = tl0PicIdx >= 0;
        boolean hasT = temporalLayer >= 0;
        boolean hasK = keyIndex >= 0;
        boolean x = hasI || hasL || hasT || hasK;
        Bytes.put8(s, offset, (x ? 0x80 : 0) | (nonReference ? 0x20 : 0) | (startOfPartition ? 0x10 : 0) | partitionIndex);
        if (!x) {
            return 1;
        }
        Bytes.put8(s, offset + 1, (hasI ? 0x80 : 0) | (hasL ? 0x40 : 0) | (hasT ? 0x20 : 0) | (hasK ? 0x10 : 0));
        int p = 2;
        if (pictureIdMode == PictureIdMode.BITS_15) {
            Bytes.put16(s, offset + p, 0x8000 | pictureId & 0x7FFF);
            p += 2;
        } else if (pictureIdMode == PictureIdMode.BITS_7) {
            Bytes.put8(s, offset + p++, pictureId & 0x7F);
        }
        if (hasL) {
            Bytes.put8(s, offset + p++, tl0PicIdx);
        }
        if (hasT || hasK) {
            Bytes.put8(s, offset + p++, (hasT ? temporalLayer << 6 | (layerSync ? 0x20 : 0) : 0) | (hasK ? keyIndex : 0));
        }
        return p;
    }

    /** Bytes of descriptor read by the last successful {@link #parse}. */
    public int length() {
        return length;
    }

    /** N: the frame can be discarded without affecting others. */
    public boolean nonReference() {
        return nonReference;
    }

    /** S: this packet begins a VP8 partition. */
    public boolean startOfPartition() {
        return startOfPartition;
    }

    /** PID: the partition this packet belongs to (0..7). */
    public int partitionIndex() {
        return partitionIndex;
    }

    /** S=1 and PID=0: the first packet of a frame (§4.2). */
    public boolean startsFrame() {
        return startOfPartition && partitionIndex == 0;
    }

    public int pictureId() {
        return pictureId;
    }

    public PictureIdMode pictureIdMode() {
        return pictureIdMode;
    }

    public int tl0PicIdx() {
        return tl0PicIdx;
    }

    /** TID, or -1. */
    public int temporalLayer() {
        return temporalLayer;
    }

    /** Y: a layer sync point. */
    public boolean layerSync() {
        return layerSync;
    }

    /** KEYIDX, or -1. */
    public int keyIndex() {
        return keyIndex;
    }

    public Vp8PayloadDescriptor nonReference(boolean n) {
        nonReference = n;
        return this;
    }

    public Vp8PayloadDescriptor startOfPartition(boolean s) {
        startOfPartition = s;
        return this;
    }

    public Vp8PayloadDescriptor partitionIndex(int pid) {
        if ((pid & ~7) != 0) {
            throw new IllegalArgumentException("PID is 3 bits: " + pid);
        }
        partitionIndex = pid;
        return this;
    }

    /** Sets the picture id and how it is written; the value is masked to 7 or 15 bits. */
    public Vp8PayloadDescriptor pictureId(PictureIdMode mode, int id) {
        pictureIdMode = mode;
        pictureId = switch (mode) {
            case NONE -> -1;
            case BITS_7 -> id & 0x7F;
            case BITS_15 -> id & 0x7FFF;
        };
        return this;
    }

    /** TL0PICIDX (0..255), or -1 to leave it out. */
    public Vp8PayloadDescriptor tl0PicIdx(int v) {
        if (v < -1 || v > 255) {
            throw new IllegalArgumentException("TL0PICIDX is 8 bits: " + v);
        }
        tl0PicIdx = v;
        return this;
    }

    /** TID (0..3) and Y, or tid -1 to leave them out. */
    public Vp8PayloadDescriptor temporalLayer(int tid, boolean sync) {
        if (tid < -1 || tid > 3) {
            throw new IllegalArgumentException("TID is 2 bits: " + tid);
        }
        temporalLayer = tid;
        layerSync = tid >= 0 && sync;
        return this;
    }

    /** KEYIDX (0..31), or -1 to leave it out. */
    public Vp8PayloadDescriptor keyIndex(int v) {
        if (v < -1 || v > 31) {
            throw new IllegalArgumentException("KEYIDX is 5 bits: " + v);
        }
        keyIndex = v;
        return this;
    }

    /**
     * Whether a frame that begins with {@code firstByte} (the VP8 payload header, RFC 7741 §4.3) is a key frame:
     * the P bit, the lowest, is 0 for key frames.
     */
    public static boolean isKeyFrame(int firstByte) {
        return (firstByte & 0x01) == 0;
    }

    @Override
    public String toString() {
        return "Vp8PayloadDescriptor[N=" + nonReference + " S=" + startOfPartition + " PID=" + partitionIndex
                + " picId=" + pictureId + "(" + pictureIdMode + ") tl0=" + tl0PicIdx + " tid=" + temporalLayer
                + " Y=" + layerSync + " keyIdx=" + keyIndex + "]";
    }
}
