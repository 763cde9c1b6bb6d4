package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * Appends an RFC 8285 extension block after an RTP header written by {@link RtpHeader#write}. Reusable:
 * {@link #begin}, any number of {@link #add}, then {@link #finish}, which pads the body to 32 bits, fills in the
 * preamble and sets the X bit. The payload goes after the returned header length.
 */
public final class RtpExtensionWriter {
    private MemorySegment segment;
    private long packet;
    private long body;
    private int bodyLength;
    private boolean twoByte;

    /**
     * Starts an extension block after the CSRC list of the header at {@code packetOffset}. Use the one-byte form
     * unless an id above 14 or an element longer than 16 bytes (or empty) is needed (§4.1).
     */
    public RtpExtensionWriter begin(MemorySegment s, long packetOffset, boolean twoByteForm) {
        this.segment = s;
        this.packet = packetOffset;
        this.body = packetOffset + RtpHeader.FIXED_LENGTH + 4L * RtpHeader.csrcCount(s, packetOffset)
                + RtpHeader.EXTENSION_PREAMBLE_LENGTH;
        this.bodyLength = 0;
        this.twoByte = twoByteForm;
        return this;
    }

    /** Adds element {@code id} of {@code length} bytes; returns the absolute offset where its data goes. */
    public long add(int id, int length) {
        if (segment == null) {
            throw new IllegalStateException("begin() first");
        }
        long at = body + bodyLength;
        if (twoByte) {
            if (id < 1 || id > 255 || length < 0 || length > 255) {
                throw new IllegalArgumentException("two-byte element: id 1..255, length 0..255; got " + id + ", " + length);
            }
            Bytes.put8(segment, at, id);
            Bytes.put8(segment, at + 1, length);
            bodyLength += 2 + length;
            return at + 2;
        }
        if (id < 1 || id > 14 || length < 1 || length > 16) {
            throw new IllegalArgumentException("one-byte element: id 1..14, length 1..16; got " + id + ", " + length);
        }
        Bytes.put8(segment, at, id << 4 | (length - 1));
        bodyLength += 1 + length;
        return at + 1;
    }

    /** Adds an element with the given bytes. */
    public void add(int id, byte[] data) {
        long at = add(id, data.length);
        MemorySegment.copy(data, 0, segment, java.lang.foreign.ValueLayout.JAVA_BYTE, at, data.length);
    }

    /** Pads, writes the preamble, sets X; returns the full header length (where the payload starts). */
    public int finish() {
        int padded = (bodyLength + 3) & ~3;
        for (int i = bodyLength; i < padded; i++) {
            Bytes.put8(segment, body + i, 0);
        }
        long preamble = body - RtpHeader.EXTENSION_PREAMBLE_LENGTH;
        Bytes.put16(segment, preamble, twoByte ? RtpExtensions.TWO_BYTE_PROFILE : RtpExtensions.ONE_BYTE_PROFILE);
        Bytes.put16(segment, preamble + 2, padded / 4);
        RtpHeader.setExtension(segment, packet, true);
        int headerLength = (int) (body - packet) + padded;
        segment = null;
        return headerLength;
    }
}
