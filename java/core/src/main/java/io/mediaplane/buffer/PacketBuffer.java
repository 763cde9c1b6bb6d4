package io.mediaplane.buffer;

import java.lang.foreign.MemorySegment;

/**
 * One slot of a {@link PacketPool}: a packet's bytes at {@code [offset(), offset() + length())} of the pool's
 * slab, with room before and after to grow in place.
 *
 * <p>Ownership: exactly one owner at a time. The owner may read and write the bytes, pass the buffer on (and
 * then not touch it), or {@link #release()} it. Releasing twice, or using a released buffer, is a bug and
 * throws {@link IllegalStateException}. Views ({@code RtpPacket}, {@code RtcpCompound}) borrow
 * {@code (segment(), offset(), length())} and never outlive the owner's use.
 *
 * <p>Offsets are absolute within {@link #segment()} (the slab), so views and native batch calls need no slice
 * objects.
 */
public final class PacketBuffer {
    private final PacketPool pool;
    private final int index;
    private final long slotStart;
    private long offset;
    private int length;
    private boolean owned;

    PacketBuffer(PacketPool pool, int index, long slotStart) {
        this.pool = pool;
        this.index = index;
        this.slotStart = slotStart;
    }

    void claim() {
        owned = true;
        offset = slotStart + pool.headroom();
        length = 0;
    }

    /** The pool's slab; this packet's bytes start at {@link #offset()}. */
    public MemorySegment segment() {
        checkOwned();
        return pool.slab();
    }

    /** Where this packet starts in {@link #segment()}. */
    public long offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** The slot this buffer occupies, for batch I/O descriptors. */
    public int slot() {
        return index;
    }

    public PacketPool pool() {
        return pool;
    }

    /** Bytes free before the packet (for prepending headers). */
    public int headroom() {
        return (int) (offset - slotStart);
    }

    /** Bytes free after the packet (for tags, nonces, padding). */
    public int tailroom() {
        return (int) (slotStart + pool.stride() - offset - length);
    }

    /** Sets the packet length, e.g. after a receive wrote into {@link #writableLength()} bytes. */
    public PacketBuffer length(int newLength) {
        checkOwned();
        if (newLength < 0 || newLength > length + tailroom()) {
            throw new IndexOutOfBoundsException("length " + newLength + " exceeds slot (max "
                    + (length + tailroom()) + ")");
        }
        this.length = newLength;
        return this;
    }

    /** How many bytes can be written from {@link #offset()} to the end of the slot. */
    public int writableLength() {
        return length + tailroom();
    }

    /** Grows the packet at the front by {@code n} bytes taken from the headroom; returns the new offset. */
    public long prepend(int n) {
        checkOwned();
        if (n < 0 || n > headroom()) {
            throw new IndexOutOfBoundsException("cannot prepend " + n + " bytes; headroom is " + headroom());
        }
        offset -= n;
        length += n;
        return offset;
    }

    /** Grows the packet at the end by {@code n} bytes taken from the tailroom; returns where they start. */
    public long append(int n) {
        checkOwned();
        if (n < 0 || n > tailroom()) {
            throw new IndexOutOfBoundsException("cannot append " + n + " bytes; tailroom is " + tailroom());
        }
        long at = offset + length;
        length += n;
        return at;
    }

    /** Removes {@code n} bytes from the front (e.g. a header once parsed); they become headroom. */
    public void trimFront(int n) {
        checkOwned();
        if (n < 0 || n > length) {
            throw new IndexOutOfBoundsException("cannot trim " + n + " of " + length + " bytes");
        }
        offset += n;
        length -= n;
    }

    /** Removes {@code n} bytes from the end (e.g. an auth tag once verified); they become tailroom. */
    public void trimBack(int n) {
        checkOwned();
        if (n < 0 || n > length) {
            throw new IndexOutOfBoundsException("cannot trim " + n + " of " + length + " bytes");
        }
        length -= n;
    }

    /** Copies {@code bytes} in as the whole packet, starting after the default headroom. */
    public PacketBuffer put(byte[] bytes) {
        checkOwned();
        offset = slotStart + pool.headroom();
        length = 0;
        length(bytes.length);
        MemorySegment.copy(bytes, 0, pool.slab(), java.lang.foreign.ValueLayout.JAVA_BYTE, offset, bytes.length);
        return this;
    }

    /** A copy of the packet's bytes (for tests and logging; never on the hot path). */
    public byte[] toArray() {
        checkOwned();
        return pool.slab().asSlice(offset, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** Returns the slot to its pool. The caller must not touch this buffer afterwards. */
    public void release() {
        checkOwned();
        owned = false;
        pool.release(index);
    }

    public boolean isOwned() {
        return owned;
    }

    private void checkOwned() {
        if (!owned) {
            throw new IllegalStateException("packet buffer " + index + " used after release");
        }
    }
}
