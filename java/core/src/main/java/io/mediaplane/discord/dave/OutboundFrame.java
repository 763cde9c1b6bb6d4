package io.mediaplane.discord.dave;

import io.mediaplane.codec.AnnexB;
import io.mediaplane.crypto.TruncatedTagAesGcm;
import io.mediaplane.stream.Codec;
import java.lang.foreign.MemorySegment;

/**
 * Splits one outgoing frame into the bytes a packetizer and depacketizer must read in the clear (the additional
 * data) and the bytes to encrypt, by codec (libdave {@code codec_utils.cpp}; the decryptor is codec-agnostic):
 *
 * <ul>
 *   <li>Opus, VP9, unknown: everything encrypted.
 *   <li>VP8 (RFC 7741 §4.3): the first 10 bytes clear on a key frame (P bit 0), else the first byte.
 *   <li>H264 (Annex B): every start code re-emitted as {@code 00 00 00 01} (the receiving depacketizer writes
 *       4-byte start codes); slice and IDR NAL units (types 1, 5) keep the NAL header and the bytes covering
 *       {@code first_mb_in_slice}, {@code slice_type} and {@code pic_parameter_set_id} (H.264 §7.3.3) clear;
 *       every other NAL unit is clear.
 *   <li>H265: VCL NAL units (type &lt; 32) keep their 2-byte header clear; others are clear.
 *   <li>AV1: OBU headers (with extension byte and a re-encoded LEB128 size) clear, payloads encrypted; temporal
 *       delimiter, tile list and padding OBUs dropped; the last OBU loses its size field.
 * </ul>
 *
 * Adjacent clear bytes form one range, as libdave's {@code OutboundFrameProcessor} merges them. One instance per
 * encryptor, reused.
 */
final class OutboundFrame {
    private static final byte[] LONG_START_CODE = {0, 0, 0, 1};

    byte[] clear = new byte[1024];
    int clearLength;
    /**
     * The additional data (all of {@link #clear}) and the bytes to encrypt, as sections of the input frame with their
     * place in the output: they are encrypted straight from the frame into the output, never gathered.
     */
    final TruncatedTagAesGcm.Sections sections = new TruncatedTagAesGcm.Sections(SecureFrame.MAX_RANGES + 1);
    /** Bytes to encrypt. */
    int plainLength;
    final int[] rangeOffset = new int[SecureFrame.MAX_RANGES];
    final int[] rangeSize = new int[SecureFrame.MAX_RANGES];
    int rangeCount;
    /** Length of the frame being built (clear + encrypted bytes so far). */
    int frameIndex;
    /** Set when more ranges were needed than the trailer can describe. */
    private boolean overflow;

    void reset() {
        clearLength = 0;
        plainLength = 0;
        sections.clear();
        rangeCount = 0;
        frameIndex = 0;
        overflow = false;
    }

    /** Fills the clear and encrypted parts for {@code codec}; a frame the rules cannot parse is encrypted whole. */
    void process(Codec codec, byte[] frame, int length) {
        reset();
        boolean ok = switch (codec) {
            case OPUS, VP9 -> encryptAll(frame, length);
            case VP8 -> vp8(frame, length);
            case H264 -> h264(frame, length);
            case H265 -> h265(frame, length);
            case AV1 -> av1(frame, length);
        };
        if (!ok || overflow) {
            reset(); // libdave: a frame the codec rules reject is encrypted whole
            encryptAll(frame, length);
        }
        sections.aad(0, clearLength);
    }

    /** Bytes of the LEB128 (offset, size) pairs. */
    int rangesSize() {
        int n = 0;
        for (int i = 0; i < rangeCount; i++) {
            n += Leb128.size(rangeOffset[i]) + Leb128.size(rangeSize[i]);
        }
        return n;
    }

    void addClear(byte[] src, int offset, int length) {
        if (length <= 0) {
            return;
        }
        if (rangeCount > 0 && rangeOffset[rangeCount - 1] + rangeSize[rangeCount - 1] == frameIndex) {
            rangeSize[rangeCount - 1] += length;
        } else if (rangeCount == SecureFrame.MAX_RANGES) {
            overflow = true;
            return;
        } else {
            rangeOffset[rangeCount] = frameIndex;
            rangeSize[rangeCount] = length;
            rangeCount++;
        }
        clear = ensure(clear, clearLength + length);
        System.arraycopy(src, offset, clear, clearLength, length);
        clearLength += length;
        frameIndex += length;
    }

    /** {@code length} bytes of the input frame at {@code offset} are encrypted into the output here. */
    void addEncrypted(int offset, int length) {
        if (length <= 0) {
            return;
        }
        if (!sections.data(offset, frameIndex, length)) {
            overflow = true;
            return;
        }
        plainLength += length;
        frameIndex += length;
    }

    /** Writes the clear ranges into the output frame at their offsets (the ciphertext goes between them). */
    void writeClear(byte[] out) {
        int c = 0;
        for (int i = 0; i < rangeCount; i++) {
            System.arraycopy(clear, c, out, rangeOffset[i], rangeSize[i]);
            c += rangeSize[i];
        }
    }

    static byte[] ensure(byte[] a, int size) {
        if (a.length >= size) {
            return a;
        }
        return java.util.Arrays.copyOf(a, Math.max(size, a.length * 2));
    }

    private boolean encryptAll(byte[] frame, int length) {
        addEncrypted(0, length);
        return true;
    }

    private boolean vp8(byte[] frame, int length) {
        if (length == 0) {
            return true;
        }
        int header = (frame[0] & 0x01) == 0 ? 10 : 1; // P (inverse key frame flag), RFC 7741 §4.3
        header = Math.min(header, length);
        addClear(frame, 0, header);
        addEncrypted(header, length - header);
        return true;
    }

    /**
     * libdave {@code FindNextH26XNaluIndex}: the first {@code 00 00 01} at or after {@code from} whose first byte is
     * before {@code length - 3}; returns the NAL unit's start packed with the start code's size (3, or 4 when a zero
     * byte precedes it) as {@code start << 3 | size}, or -1.
     */
    private static long nextNalUnit(byte[] frame, int length, int from) {
        if (length < 3 || from >= length - 3) {
            return -1;
        }
        long hit = AnnexB.findStartCode(MemorySegment.ofArray(frame), from, length);
        if (hit >= length - 3) {
            return -1;
        }
        int i = (int) hit;
        int size = i >= 1 && frame[i - 1] == 0 ? 4 : 3;
        return ((long) (i + 3) << 3) | size;
    }

    private boolean h264(byte[] frame, int length) {
        if (length < 4) {
            return false;
        }
        long nal = nextNalUnit(frame, length, 0);
        while (nal >= 0 && (nal >>> 3) < length - 1) {
            int start = (int) (nal >>> 3);
            int type = frame[start] & 0x1F;
            addClear(LONG_START_CODE, 0, LONG_START_CODE.length);
            long next = nextNalUnit(frame, length, start);
            int end = next >= 0 ? (int) (next >>> 3) - (int) (next & 7) : length;
            if (type == 1 || type == 5) {
                int header = 1 + bytesCoveringPpsId(frame, start + 1, length);
                header = Math.min(header, end - start);
                addClear(frame, start, header);
                addEncrypted(start + header, end - start - header);
            } else {
                addClear(frame, start, end - start);
            }
            nal = next;
        }
        return true;
    }

    /**
     * libdave {@code BytesCoveringH264PPS}: bytes from {@code offset} that cover the first three exp-Golomb values
     * of the slice header, skipping emulation prevention bytes ({@code 00 00 03}, H.264 §7.4.1); 0 when a value has
     * 32 or more leading zero bits.
     */
    static int bytesCoveringPpsId(byte[] frame, int offset, int end) {
        long size = end - offset;
        long bit = 0;
        int zeros = 0;
        int values = 0;
        while (bit < size * 8 && values < 3) {
            int bitIndex = (int) (bit % 8);
            int byteIndex = (int) (bit / 8);
            int b = frame[offset + byteIndex] & 0xFF;
            if (bitIndex == 0 && byteIndex >= 2 && b == 0x03 && frame[offset + byteIndex - 1] == 0
                    && frame[offset + byteIndex - 2] == 0) {
                bit += 8;
                continue;
            }
            if ((b & (1 << (7 - bitIndex))) == 0) {
                zeros++;
                bit++;
                if (zeros >= 32) {
                    return 0;
                }
            } else {
                values++;
                bit += 1 + zeros;
                zeros = 0;
            }
        }
        return (int) (bit / 8) + 1;
    }

    private boolean h265(byte[] frame, int length) {
        if (length < 5) {
            return false;
        }
        long nal = nextNalUnit(frame, length, 0);
        while (nal >= 0 && (nal >>> 3) < length - 1) {
            int start = (int) (nal >>> 3);
            int type = (frame[start] & 0x7E) >> 1;
            addClear(LONG_START_CODE, 0, LONG_START_CODE.length);
            long next = nextNalUnit(frame, length, start);
            int end = next >= 0 ? (int) (next >>> 3) - (int) (next & 7) : length;
            if (type < 32) {
                int header = Math.min(2, end - start);
                addClear(frame, start, header);
                addEncrypted(start + header, end - start - header);
            } else {
                addClear(frame, start, end - start);
            }
            nal = next;
        }
        return true;
    }

    private final byte[] one = new byte[1];
    private final byte[] leb = new byte[Leb128.MAX_SIZE];
    private final long[] value = new long[1];

    private boolean av1(byte[] frame, int length) {
        int i = 0;
        while (i < length) {
            int headerIndex = i;
            int header = frame[i++] & 0xFF;
            boolean hasExtension = (header & 0b100) != 0;
            boolean hasSize = (header & 0b010) != 0;
            int type = (header & 0b0111_1000) >> 3;
            if (hasExtension) {
                i++;
            }
            if (i >= length) {
                return false;
            }
            long payloadSize;
            if (hasSize) {
                long n = Leb128.read(frame, i, length, value);
                if (n < 0) {
                    return false;
                }
                i += (int) n;
                payloadSize = value[0];
            } else {
                payloadSize = length - i;
            }
            int payloadIndex = i;
            if (payloadSize < 0 || payloadSize > length - i) {
                return false;
            }
            i += (int) payloadSize;
            if (type != 2 && type != 8 && type != 15) { // temporal delimiter, tile list, padding: dropped
                boolean withoutSize = false;
                if (i == length && hasSize) {
                    header &= ~0b010;
                    withoutSize = true;
                }
                one[0] = (byte) header;
                addClear(one, 0, 1);
                if (hasExtension) {
                    addClear(frame, headerIndex + 1, 1);
                }
                if (hasSize && !withoutSize) {
                    addClear(leb, 0, Leb128.write(payloadSize, leb, 0));
                }
                addEncrypted(payloadIndex, (int) payloadSize);
            }
        }
        return true;
    }

    /**
     * libdave {@code ValidateEncryptedFrame}, slightly stricter: for H264/H265 no encrypted section (with two bytes
     * of context each side) nor the trailer may hold {@code 00 00 01}, or a packetizer would split the frame there.
     */
    boolean startCodeFree(byte[] frame, int length) {
        MemorySegment s = MemorySegment.ofArray(frame);
        int encryptedStart = 0;
        for (int i = 0; i < rangeCount; i++) {
            if (encryptedStart == rangeOffset[i]) {
                encryptedStart += rangeSize[i];
                continue;
            }
            int from = Math.max(0, encryptedStart - 2);
            int to = Math.min(rangeOffset[i] + 2, length);
            if (AnnexB.findStartCode(s, from, to) < to) {
                return false;
            }
            encryptedStart = rangeOffset[i] + rangeSize[i];
        }
        if (encryptedStart == length) {
            return true;
        }
        int from = Math.max(0, encryptedStart - 2);
        return AnnexB.findStartCode(s, from, length) >= length;
    }
}
