package io.mediaplane.discord.dave;

/**
 * The DAVE protocol frame (Discord DAVE protocol, "Protocol frame format"; libdave {@code frame_processors.cpp}):
 *
 * <pre>
 * [media frame: unencrypted ranges in place, the rest replaced by ciphertext of the same length]
 * [8-byte truncated AES-128-GCM tag]
 * [ULEB128 truncated nonce (u32)]
 * [ULEB128 (offset, size) pairs of the unencrypted ranges, ascending, not overlapping]
 * [u8 supplemental size = 8 + nonce bytes + range bytes + 1 + 2]
 * [0xFA 0xFA]
 * </pre>
 *
 * The 12-byte AES-GCM IV is 8 zero bytes followed by the truncated nonce as a little-endian u32 (libdave copies the
 * host-order integer). The additional data is the unencrypted ranges joined; the plaintext the rest joined.
 *
 * <p>{@link #parse} reads an incoming frame's trailer; it is the parser of outside input and never throws.
 */
public final class SecureFrame {
    public static final int TAG_LENGTH = 8;
    /** {@code FA FA}, the frame's last two bytes. */
    public static final int MAGIC = 0xFAFA;
    public static final int MAGIC_LENGTH = 2;
    /** Tag + size byte + magic: the smallest supplemental section (no nonce bytes counted, as libdave checks). */
    public static final int MIN_SUPPLEMENTAL_LENGTH = TAG_LENGTH + 1 + MAGIC_LENGTH;
    /** libdave's {@code kTransformPaddingBytes}: room for nonce and range bytes beyond the fixed part. */
    public static final int TRANSFORM_PADDING = 64;
    /** At most this many unencrypted ranges fit the 255-byte supplemental section (two 1-byte LEB128s each). */
    public static final int MAX_RANGES = 128;
    /** Opus silence frame {@code F8 FF FE}: always passed through unencrypted (libdave {@code kOpusSilencePacket}). */
    public static final byte[] OPUS_SILENCE = {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE};

    private SecureFrame() {}

    /** Writes the IV for a truncated nonce: 8 zero bytes, then the nonce little-endian. */
    public static void iv(int truncatedNonce, byte[] iv) {
        iv[8] = (byte) truncatedNonce;
        iv[9] = (byte) (truncatedNonce >>> 8);
        iv[10] = (byte) (truncatedNonce >>> 16);
        iv[11] = (byte) (truncatedNonce >>> 24);
    }

    public static boolean isOpusSilence(byte[] frame, int length) {
        return length == 3 && frame[0] == OPUS_SILENCE[0] && frame[1] == OPUS_SILENCE[1] && frame[2] == OPUS_SILENCE[2];
    }

    /** The parts of a parsed frame; reused across frames. */
    public static final class Parsed {
        /** Bytes before the supplemental section: interleaved clear and encrypted bytes. */
        public int mediaLength;
        public int tagOffset;
        public int truncatedNonce;
        public int rangeCount;
        public final int[] rangeOffset = new int[MAX_RANGES];
        public final int[] rangeSize = new int[MAX_RANGES];
        /** Sum of the range sizes: the additional data's length. */
        public int clearLength;
        final long[] value = new long[1];
    }

    /**
     * Parses the trailer of {@code frame[0, length)}; {@code false} when it is not a well-formed DAVE frame (too
     * short, no magic, supplemental size out of bounds, nonce not a LEB128 u32, ranges not ascending, overlapping
     * or outside the media part). Stricter than libdave in one respect: ranges must end inside the media part, not
     * merely inside the whole frame.
     */
    public static boolean parse(byte[] frame, int length, Parsed out) {
        if (length < MIN_SUPPLEMENTAL_LENGTH || frame.length < length) {
            return false;
        }
        if ((frame[length - 1] & 0xFF) != 0xFA || (frame[length - 2] & 0xFF) != 0xFA) {
            return false;
        }
        int supplemental = frame[length - 3] & 0xFF;
        if (supplemental < MIN_SUPPLEMENTAL_LENGTH || supplemental > length) {
            return false;
        }
        int start = length - supplemental;
        int end = length - 3; // nonce and ranges end before the size byte
        long[] value = out.value;
        int at = start + TAG_LENGTH;
        long n = Leb128.read(frame, at, end, value);
        if (n < 0 || Long.compareUnsigned(value[0], 0xFFFF_FFFFL) > 0) {
            return false;
        }
        int nonce = (int) value[0];
        at += (int) n;
        int count = 0;
        int clear = 0;
        int previousEnd = 0;
        while (at < end) {
            if (count == MAX_RANGES) {
                return false;
            }
            long o = Leb128.read(frame, at, end, value);
            if (o < 0) {
                return false;
            }
            long offset = value[0];
            at += (int) o;
            long s = Leb128.read(frame, at, end, value);
            if (s < 0) {
                return false;
            }
            long size = value[0];
            at += (int) s;
            if (offset < previousEnd || offset > start || size < 0 || size > start - offset) {
                return false; // also rejects values ≥ 2^63, which compare negative
            }
            out.rangeOffset[count] = (int) offset;
            out.rangeSize[count] = (int) size;
            previousEnd = (int) (offset + size);
            clear += (int) size;
            count++;
        }
        out.mediaLength = start;
        out.tagOffset = start;
        out.truncatedNonce = nonce;
        out.rangeCount = count;
        out.clearLength = clear;
        return true;
    }
}
