package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Source description, PT 202 (RFC 3550 §6.5): SC chunks, each an SSRC/CSRC followed by items
 * {@code (type, length, text)} and ended by a null octet plus null padding to the next 32-bit boundary.
 *
 * <pre>
 * |V=2|P|    SC   |  PT=SDES=202  |             length            |
 * |                          SSRC/CSRC_1                          |
 * |                           SDES items                          |
 * |                              ...                              |
 * </pre>
 *
 * {@link #wrap} walks every chunk and item once, so the item cursor ({@link #nextItem}) and the lookups
 * ({@link #findItem}, {@link #cname}) stay inside the packet without checks of their own.
 */
public final class RtcpSdes extends RtcpPacketView {
    /** Type and length octets before an item's text (§6.5). */
    public static final int ITEM_HEADER_LENGTH = 2;
    public static final int MAX_ITEM_LENGTH = 255;

    private long next;
    private boolean inChunk;
    private int chunksLeft;
    private int chunkSsrc;
    private long item = -1;

    @Override
    public PacketStatus wrap(MemorySegment seg, long off, int available) {
        PacketStatus s = wrapHeader(seg, off, available, RtcpPacketType.SDES.code(), -1, RtcpHeader.LENGTH);
        if (!s.ok()) {
            return s;
        }
        long pos = off + RtcpHeader.LENGTH;
        long end = off + contentLength;
        for (int c = count(); c > 0; c--) {
            if (end - pos < 4) {
                return fail(PacketStatus.BAD_COUNT);
            }
            pos += 4;
            while (true) {
                if (pos >= end) {
                    // §6.5: every item list ends with a null octet
                    return fail(PacketStatus.BAD_FORMAT);
                }
                if (Bytes.u8(seg, pos) == RtcpSdesItemType.END.code()) {
                    pos = alignedAfterEnd(off, pos);
                    if (pos > end) {
                        return fail(PacketStatus.BAD_FORMAT);
                    }
                    break;
                }
                if (end - pos < ITEM_HEADER_LENGTH || end - pos - ITEM_HEADER_LENGTH < Bytes.u8(seg, pos + 1)) {
                    return fail(PacketStatus.BAD_FORMAT);
                }
                pos += ITEM_HEADER_LENGTH + Bytes.u8(seg, pos + 1);
            }
        }
        if (pos != end) {
            // the length field covers exactly SC chunks (§6.5); anything else means SC or a length is wrong
            return fail(PacketStatus.BAD_COUNT);
        }
        rewindItems();
        return PacketStatus.OK;
    }

    /** §6.5: after the null octet, null padding up to the next 32-bit boundary of the packet. */
    private static long alignedAfterEnd(long packetOffset, long endOctet) {
        return packetOffset + ((endOctet + 1 - packetOffset + 3) & ~3L);
    }

    public int chunkCount() {
        return count();
    }

    /** The SSRC/CSRC of chunk {@code index} (a walk over the chunks before it). */
    public int chunkSsrc(int index) {
        Objects.checkIndex(index, count());
        long pos = offset + RtcpHeader.LENGTH;
        for (int c = 0; c < index; c++) {
            pos = skipChunk(pos);
        }
        return Bytes.i32(segment, pos);
    }

    private long skipChunk(long chunk) {
        long pos = chunk + 4;
        while (Bytes.u8(segment, pos) != RtcpSdesItemType.END.code()) {
            pos += ITEM_HEADER_LENGTH + Bytes.u8(segment, pos + 1);
        }
        return alignedAfterEnd(offset, pos);
    }

    /** Restarts the item cursor before the first item of the first chunk. */
    public void rewindItems() {
        next = offset + RtcpHeader.LENGTH;
        inChunk = false;
        chunksLeft = count();
        item = -1;
    }

    /** Moves the cursor to the next item, across chunks (empty chunks are passed over); false at the end. */
    public boolean nextItem() {
        while (true) {
            if (inChunk) {
                if (Bytes.u8(segment, next) != RtcpSdesItemType.END.code()) {
                    item = next;
                    next += ITEM_HEADER_LENGTH + Bytes.u8(segment, next + 1);
                    return true;
                }
                next = alignedAfterEnd(offset, next);
                inChunk = false;
            }
            if (chunksLeft == 0) {
                item = -1;
                return false;
            }
            chunkSsrc = Bytes.i32(segment, next);
            next += 4;
            chunksLeft--;
            inChunk = true;
        }
    }

    /** The SSRC/CSRC of the chunk holding the current item. */
    public int itemSsrc() {
        return chunkSsrc;
    }

    /** The current item's type code (see {@link RtcpSdesItemType#of}). */
    public int itemType() {
        checkItem();
        return Bytes.u8(segment, item);
    }

    /** Where the current item's text starts. */
    public long itemValueOffset() {
        checkItem();
        return item + ITEM_HEADER_LENGTH;
    }

    public int itemValueLength() {
        checkItem();
        return Bytes.u8(segment, item + 1);
    }

    /** The current item's text, decoded as UTF-8 (§6.5); allocates. */
    public String itemText() {
        checkItem();
        byte[] text = segment.asSlice(item + ITEM_HEADER_LENGTH, Bytes.u8(segment, item + 1))
                .toArray(ValueLayout.JAVA_BYTE);
        return new String(text, StandardCharsets.UTF_8);
    }

    private void checkItem() {
        if (item < 0) {
            throw new IllegalStateException("no current SDES item: call nextItem() or findItem() first");
        }
    }

    /** Puts the cursor on the first item of type {@code type} in the chunk for {@code ssrc}; false if none. */
    public boolean findItem(int ssrc, int type) {
        rewindItems();
        while (nextItem()) {
            if (chunkSsrc == ssrc && Bytes.u8(segment, item) == type) {
                return true;
            }
        }
        return false;
    }

    /** The CNAME (§6.5.1) of {@code ssrc}, or null if this packet carries none for it; allocates. */
    public String cname(int ssrc) {
        return findItem(ssrc, RtcpSdesItemType.CNAME.code()) ? itemText() : null;
    }

    /** Writes an SDES packet with no chunks (SC=0); returns 4. Add chunks with {@link #appendChunk}. */
    public static int writeEmpty(MemorySegment s, long off) {
        RtcpHeader.checkRoom(s, off, RtcpHeader.LENGTH);
        return RtcpHeader.write(s, off, false, 0, RtcpPacketType.SDES.code(), RtcpHeader.LENGTH);
    }

    /**
     * Appends an empty chunk for {@code ssrc} to the SDES packet at {@code packetOffset}: the SSRC, then the null
     * octet ending its (empty) item list padded to 32 bits (§6.5). Returns the 8 bytes added.
     */
    public static int appendChunk(MemorySegment s, long packetOffset, int ssrc) {
        checkAppendable(s, packetOffset);
        int sc = RtcpHeader.count(s, packetOffset);
        if (sc == RtcpHeader.MAX_COUNT) {
            throw new IllegalStateException("an SDES packet holds at most 31 chunks (5-bit SC)");
        }
        int length = RtcpHeader.packetLength(s, packetOffset);
        long end = packetOffset + length;
        RtcpHeader.checkRoom(s, end, 8);
        Bytes.put32(s, end, ssrc);
        Bytes.put32(s, end + 4, 0);
        RtcpHeader.setCount(s, packetOffset, sc + 1);
        RtcpHeader.setPacketLength(s, packetOffset, length + 8);
        return 8;
    }

    /**
     * Appends an item to the last chunk of the SDES packet at {@code packetOffset}, keeping the null end octet
     * and the 32-bit padding after it (§6.5). Returns the bytes the packet grew by.
     */
    public static int appendItem(MemorySegment s, long packetOffset, int type, byte[] value) {
        if (type <= RtcpSdesItemType.END.code() || type > 0xFF) {
            throw new IllegalArgumentException("SDES item type must be 1..255: " + type);
        }
        if (value.length > MAX_ITEM_LENGTH) {
            throw new IllegalArgumentException("SDES item text is at most 255 octets: " + value.length);
        }
        checkAppendable(s, packetOffset);
        int sc = RtcpHeader.count(s, packetOffset);
        if (sc == 0) {
            throw new IllegalStateException("append a chunk before its items");
        }
        long endOctet = -1;
        long pos = packetOffset + RtcpHeader.LENGTH;
        for (int c = 0; c < sc; c++) {
            pos += 4;
            while (Bytes.u8(s, pos) != RtcpSdesItemType.END.code()) {
                pos += ITEM_HEADER_LENGTH + Bytes.u8(s, pos + 1);
            }
            endOctet = pos;
            pos = alignedAfterEnd(packetOffset, pos);
        }
        int oldLength = RtcpHeader.packetLength(s, packetOffset);
        long itemEnd = endOctet + ITEM_HEADER_LENGTH + value.length;
        long newEnd = alignedAfterEnd(packetOffset, itemEnd);
        RtcpHeader.checkRoom(s, endOctet, newEnd - endOctet);
        Bytes.put8(s, endOctet, type);
        Bytes.put8(s, endOctet + 1, value.length);
        MemorySegment.copy(value, 0, s, ValueLayout.JAVA_BYTE, endOctet + ITEM_HEADER_LENGTH, value.length);
        s.asSlice(itemEnd, newEnd - itemEnd).fill((byte) 0);
        int newLength = (int) (newEnd - packetOffset);
        RtcpHeader.setPacketLength(s, packetOffset, newLength);
        return newLength - oldLength;
    }

    private static void checkAppendable(MemorySegment s, long packetOffset) {
        if (RtcpHeader.packetType(s, packetOffset) != RtcpPacketType.SDES.code()) {
            throw new IllegalArgumentException("not an SDES packet: PT " + RtcpHeader.packetType(s, packetOffset));
        }
        if (RtcpHeader.padding(s, packetOffset)) {
            throw new IllegalStateException("cannot append to a padded packet");
        }
    }

    /** Writes the usual one-chunk SDES carrying just a CNAME (§6.5.1, required in every compound, §6.1). */
    public static int writeCname(MemorySegment s, long off, int ssrc, byte[] cname) {
        RtcpHeader.checkRoom(s, off, cnameLength(cname.length));
        int n = writeEmpty(s, off);
        n += appendChunk(s, off, ssrc);
        n += appendItem(s, off, RtcpSdesItemType.CNAME.code(), cname);
        return n;
    }

    /** The size of the packet {@link #writeCname} writes for a CNAME of {@code textLength} octets. */
    public static int cnameLength(int textLength) {
        return RtcpHeader.LENGTH + 4 + ((ITEM_HEADER_LENGTH + textLength + 1 + 3) & ~3);
    }
}
