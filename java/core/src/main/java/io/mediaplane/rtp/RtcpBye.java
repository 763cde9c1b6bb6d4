package io.mediaplane.rtp;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Goodbye, PT 203 (RFC 3550 §6.6): SC sources leaving, optionally with a reason.
 *
 * <pre>
 * |V=2|P|    SC   |   PT=BYE=203  |             length            |
 * |                           SSRC/CSRC                           |
 * :                              ...                              :
 * |     length    |               reason for leaving            ... (opt)
 * </pre>
 */
public final class RtcpBye extends RtcpPacketView {
    public static final int MAX_REASON_LENGTH = 255;

    @Override
    public PacketStatus wrap(MemorySegment seg, long off, int available) {
        PacketStatus s = wrapHeader(seg, off, available, RtcpPacketType.BYE.code(), -1, RtcpHeader.LENGTH);
        if (!s.ok()) {
            return s;
        }
        int ssrcEnd = RtcpHeader.LENGTH + 4 * count();
        if (ssrcEnd > contentLength) {
            return fail(PacketStatus.BAD_COUNT);
        }
        if (ssrcEnd < contentLength && ssrcEnd + 1 + Bytes.u8(seg, off + ssrcEnd) > contentLength) {
            return fail(PacketStatus.BAD_FORMAT);
        }
        return PacketStatus.OK;
    }

    public int ssrcCount() {
        return count();
    }

    public int ssrc(int index) {
        Objects.checkIndex(index, count());
        return Bytes.i32(segment, offset + RtcpHeader.LENGTH + 4L * index);
    }

    /** Whether octets follow the SSRC list: a reason, possibly empty (§6.6). */
    public boolean hasReason() {
        return RtcpHeader.LENGTH + 4 * count() < contentLength;
    }

    /** Where the reason text starts; meaningful only if {@link #hasReason}. */
    public long reasonOffset() {
        return offset + RtcpHeader.LENGTH + 4L * count() + 1;
    }

    public int reasonLength() {
        return hasReason() ? Bytes.u8(segment, reasonOffset() - 1) : 0;
    }

    /** The reason as UTF-8 text (§6.6), or null without one; allocates. */
    public String reason() {
        if (!hasReason()) {
            return null;
        }
        byte[] text = segment.asSlice(reasonOffset(), reasonLength()).toArray(ValueLayout.JAVA_BYTE);
        return new String(text, StandardCharsets.UTF_8);
    }

    /** The size of a BYE for {@code ssrcCount} sources and a reason of {@code reasonLength} octets (-1: none). */
    public static int length(int ssrcCount, int reasonLength) {
        return RtcpHeader.LENGTH + 4 * ssrcCount + (reasonLength < 0 ? 0 : (1 + reasonLength + 3) & ~3);
    }

    /**
     * Writes a BYE for {@code ssrcs[0..count)} with an optional {@code reason} (null for none), null-padded to
     * 32 bits (§6.6). Returns the bytes written.
     */
    public static int write(MemorySegment s, long off, int[] ssrcs, int count, byte[] reason) {
        Objects.checkFromIndexSize(0, count, ssrcs.length);
        if (count > RtcpHeader.MAX_COUNT) {
            throw new IllegalArgumentException("a BYE holds at most 31 sources (5-bit SC): " + count);
        }
        if (reason != null && reason.length > MAX_REASON_LENGTH) {
            throw new IllegalArgumentException("BYE reason is at most 255 octets: " + reason.length);
        }
        int length = length(count, reason == null ? -1 : reason.length);
        RtcpHeader.checkRoom(s, off, length);
        RtcpHeader.write(s, off, false, count, RtcpPacketType.BYE.code(), length);
        long pos = off + RtcpHeader.LENGTH;
        for (int i = 0; i < count; i++, pos += 4) {
            Bytes.put32(s, pos, ssrcs[i]);
        }
        if (reason != null) {
            Bytes.put8(s, pos, reason.length);
            MemorySegment.copy(reason, 0, s, ValueLayout.JAVA_BYTE, pos + 1, reason.length);
            long textEnd = pos + 1 + reason.length;
            s.asSlice(textEnd, off + length - textEnd).fill((byte) 0);
        }
        return length;
    }
}
