package io.mediaplane.stream;

import io.mediaplane.buffer.PacketBuffer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One media frame (an access unit, or one audio packet): codec, timestamps, flags, and its bytes at
 * {@code [offset(), offset() + length())} of {@link #segment()}; optionally the RTP packets it arrived in, so an
 * egress can forward them unchanged.
 *
 * <p><b>Life cycle.</b> A {@link FramePool} hands out a writable frame holding one reference. The owner fills
 * {@link #writableSegment()} and its metadata, then gives the reference to {@link Publisher#publish(Frame)}, which
 * seals it: from then on it is immutable and shared. Every holder calls {@link #release()} once per reference it
 * holds; the last release returns the memory to its pool and releases the attached packets. Readers that find a
 * frame in a shared slot use {@link #tryRetain()}, which fails once the frame was freed.
 *
 * <p>Offsets are absolute within {@link #segment()} (the pool's slab), like {@link PacketBuffer}, so reading a
 * frame creates no slice object; {@link #data()} makes one for convenience.
 */
public final class Frame {
    public static final int KEYFRAME = 1;
    /** The frame carries the complete codec configuration (H.264 SPS and PPS, or the equivalent). */
    public static final int CONFIG = 2;

    private static final VarHandle REFS;

    static {
        try {
            REFS = MethodHandles.lookup().findVarHandle(Frame.class, "refs", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final FramePool pool;
    private final int sizeClass;
    private final int slot;
    private final MemorySegment writable;
    private final MemorySegment readable;
    private final long slotStart;
    private final int capacity;
    private final Arena arena; // only for a frame larger than every pooled class
    private final EndReason endReason; // only for the end-of-publication marker kept in a ring slot

    private long offset;
    private int length;
    private Codec codec;
    private long pts;
    private long dts;
    private int flags;
    private boolean sealed;
    private PacketBuffer[] packets = NO_PACKETS;
    private int packetCount;
    @SuppressWarnings("unused") // accessed through REFS
    private volatile int refs;

    private static final PacketBuffer[] NO_PACKETS = new PacketBuffer[0];

    Frame(FramePool pool, int sizeClass, int slot, MemorySegment writable, MemorySegment readable, long slotStart,
            int capacity, Arena arena) {
        this.pool = pool;
        this.sizeClass = sizeClass;
        this.slot = slot;
        this.writable = writable;
        this.readable = readable;
        this.slotStart = slotStart;
        this.capacity = capacity;
        this.arena = arena;
        this.endReason = null;
    }

    /** A marker that sits in a ring slot where a publication ended; never freed. */
    private Frame(EndReason reason) {
        this.pool = null;
        this.sizeClass = -1;
        this.slot = -1;
        this.writable = MemorySegment.NULL;
        this.readable = MemorySegment.NULL;
        this.slotStart = 0;
        this.capacity = 0;
        this.arena = null;
        this.endReason = reason;
        this.sealed = true;
        this.refs = 1;
    }

    static final Frame ENDED = new Frame(EndReason.PUBLISHER_ENDED);
    static final Frame REPLACED = new Frame(EndReason.PUBLISHER_REPLACED);
    static final Frame REGISTRY_CLOSED = new Frame(EndReason.REGISTRY_CLOSED);

    /** Called by the pool when it hands the frame out: one reference, writable, empty. */
    void reset(Codec codec, long pts, long dts, int flags, int length) {
        this.codec = codec;
        this.pts = pts;
        this.dts = dts;
        this.flags = flags;
        this.offset = slotStart;
        this.length = length;
        this.sealed = false;
        this.packetCount = 0;
        REFS.setRelease(this, 1);
    }

    // ---- metadata

    public Codec codec() {
        return codec;
    }

    public MediaKind kind() {
        return codec.kind();
    }

    /** Presentation timestamp in {@link Codec#clockRate()} ticks. */
    public long pts() {
        return pts;
    }

    /** Decoding timestamp in {@link Codec#clockRate()} ticks (equal to pts without B-frames). */
    public long dts() {
        return dts;
    }

    public int flags() {
        return flags;
    }

    /** Decodable on its own (every audio frame; an IDR / key picture for video). */
    public boolean isKeyframe() {
        return (flags & KEYFRAME) != 0;
    }

    public boolean isConfig() {
        return (flags & CONFIG) != 0;
    }

    // ---- bytes

    /** The read-only slab the frame's bytes lie in; see {@link #offset()}. */
    public MemorySegment segment() {
        return readable;
    }

    public long offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** The bytes as a read-only slice (allocates a slice object; the hot path uses segment/offset/length). */
    public MemorySegment data() {
        return readable.asSlice(offset, length);
    }

    /** A copy of the bytes, for tests and logs. */
    public byte[] toArray() {
        return data().toArray(ValueLayout.JAVA_BYTE);
    }

    /** The largest {@link #length(int)} this frame can take. */
    public int capacity() {
        return capacity;
    }

    /** The writable slab, until the frame is published; write at {@code [offset(), offset() + capacity())}. */
    public MemorySegment writableSegment() {
        checkWritable();
        return writable;
    }

    /** Sets the length after writing; only before publishing. */
    public Frame length(int newLength) {
        checkWritable();
        if (newLength < 0 || newLength > capacity) {
            throw new IndexOutOfBoundsException("length " + newLength + " exceeds capacity " + capacity);
        }
        this.length = newLength;
        return this;
    }

    /** Copies {@code len} bytes from {@code src} at {@code off} into the frame and sets its length. */
    public Frame copyFrom(MemorySegment src, long off, int len) {
        length(len);
        MemorySegment.copy(src, off, writable, offset, len);
        return this;
    }

    public Frame copyFrom(byte[] bytes) {
        length(bytes.length);
        MemorySegment.copy(bytes, 0, writable, ValueLayout.JAVA_BYTE, offset, bytes.length);
        return this;
    }

    // ---- RTP packets for passthrough

    /**
     * Attaches the RTP packets this frame arrived in; ownership of each passes to the frame, which releases them
     * when it is freed. Only before publishing. Egress reads them and never writes into them.
     */
    public Frame attachPacket(PacketBuffer packet) {
        checkWritable();
        if (packetCount == packets.length) {
            packets = java.util.Arrays.copyOf(packets, Math.max(8, packets.length * 2));
        }
        packets[packetCount++] = packet;
        return this;
    }

    public int packetCount() {
        return packetCount;
    }

    public PacketBuffer packet(int index) {
        java.util.Objects.checkIndex(index, packetCount);
        return packets[index];
    }

    // ---- references

    /** Takes one more reference; throws if the frame was already freed (a use-after-release bug). */
    public Frame retain() {
        if (!tryRetain()) {
            throw new IllegalStateException("frame used after its last release");
        }
        return this;
    }

    /** Takes one more reference unless the frame was already freed. */
    public boolean tryRetain() {
        while (true) {
            int r = (int) REFS.getVolatile(this);
            if (r <= 0) {
                return false;
            }
            if (REFS.compareAndSet(this, r, r + 1)) {
                return true;
            }
        }
    }

    /** Gives back one reference; the last one frees the frame. */
    public void release() {
        if (endReason != null) {
            return;
        }
        int left = (int) REFS.getAndAdd(this, -1) - 1;
        if (left == 0) {
            free();
        } else if (left < 0) {
            REFS.getAndAdd(this, 1);
            throw new IllegalStateException("frame released more often than retained");
        }
    }

    /** References held now (for tests and diagnostics; racy by nature). */
    public int referenceCount() {
        return (int) REFS.getVolatile(this);
    }

    public boolean isSealed() {
        return sealed;
    }

    boolean isEndMarker() {
        return endReason != null;
    }

    EndReason endReason() {
        return endReason;
    }

    void seal() {
        if (sealed) {
            throw new IllegalStateException("frame was already published");
        }
        if ((int) REFS.getVolatile(this) != 1) {
            throw new IllegalStateException("publish takes the only reference of an unpublished frame; it has "
                    + (int) REFS.getVolatile(this));
        }
        sealed = true;
    }

    private void free() {
        for (int i = 0; i < packetCount; i++) {
            packets[i].release();
            packets[i] = null;
        }
        packetCount = 0;
        if (arena != null) {
            arena.close();
        }
        pool.free(this);
    }

    int sizeClass() {
        return sizeClass;
    }

    int slot() {
        return slot;
    }

    boolean isOversize() {
        return arena != null;
    }

    private void checkWritable() {
        if (sealed) {
            throw new IllegalStateException("a published frame is read-only");
        }
    }

    @Override
    public String toString() {
        if (endReason != null) {
            return "Frame[end: " + endReason + "]";
        }
        return "Frame[" + codec + " pts=" + pts + " len=" + length + (isKeyframe() ? " key" : "")
                + (isConfig() ? " config" : "") + "]";
    }
}
