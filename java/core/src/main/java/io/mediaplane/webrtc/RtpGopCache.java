package io.mediaplane.webrtc;

import io.mediaplane.rtp.PacketStatus;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.LongAdder;

/**
 * The publisher's video RTP packets since its last keyframe started, as received (opened, before any rewrite), so
 * that a joining viewer can start from them at once ({@link LateJoin#GOP_REPLAY}) instead of waiting for the answer
 * to a keyframe request. Bounded in bytes: a group of pictures that outgrows the bound is dropped whole and nothing
 * is replayed until the next keyframe (a late joiner then asks for one, as without the cache).
 *
 * <p>Written on the publisher's receive thread only; replayed inside the forwarding of a live packet, while that
 * thread does not write; {@link #holdsKeyframe()} may be read from any thread.
 */
final class RtpGopCache {
    /** Larger than any packet we take (an Ethernet-MTU datagram). */
    private static final int MAX_PACKET = 1600;

    private final int maxBytes;
    private byte[] data;
    private MemorySegment segment;
    private int[] offsets = new int[64];
    private int[] lengths = new int[64];
    /** Per packet: the index of its picture in {@link #frameTimestamps}. */
    private int[] frameOf = new int[64];
    /** The group's pictures' RTP timestamps, in the order their first packets came. */
    private int[] frameTimestamps = new int[64];
    private int frames;
    private int count;
    private int used;
    /** The cache starts with a keyframe's first packet and holds everything after it. */
    private volatile boolean valid;
    private int keyframeTimestamp;
    /** Counts the groups started and dropped, so a reference into an older group is not taken for a newer one. */
    private int epoch;
    final LongAdder overflows = new LongAdder();
    final LongAdder replays = new LongAdder();

    /** @param maxBytes the most packet bytes held (at least one packet's worth) */
    RtpGopCache(int maxBytes) {
        if (maxBytes < MAX_PACKET) {
            throw new IllegalArgumentException("maxBytes below one packet: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /**
     * One received video packet, in arrival order. A keyframe start (for H264 the SPS, PPS and IDR of one picture
     * share a timestamp, so only a start with a new timestamp begins a new group) empties the cache first.
     */
    void onPacket(RtpPacket p, boolean startsKeyframe) {
        if (startsKeyframe && !(valid && p.timestamp() == keyframeTimestamp)) {
            startGroup(p.timestamp());
        }
        if (!valid && count > 0 && p.timestamp() != frameTimestamps[frames - 1]) {
            if (p.timestamp() - frameTimestamps[frames - 1] < 0) {
                return; // a straggler of an older picture: no group to add it to
            }
            clear(); // without a group only the newest picture is held (see startGroup)
        }
        int length = p.length();
        if (length > MAX_PACKET || used + length > maxBytes) {
            if (valid) {
                valid = false; // the group no longer fits: a partial one cannot start a decoder
                epoch++;
                overflows.increment();
            }
            clear();
            return;
        }
        ensureCapacity(used + length);
        MemorySegment.copy(p.segment(), p.offset(), segment, used, length);
        if (count == offsets.length) {
            offsets = java.util.Arrays.copyOf(offsets, count * 2);
            lengths = java.util.Arrays.copyOf(lengths, count * 2);
            frameOf = java.util.Arrays.copyOf(frameOf, count * 2);
        }
        frameOf[count] = frameIndex(p.timestamp());
        offsets[count] = used;
        lengths[count] = length;
        count++;
        used += length;
    }

    private void clear() {
        count = 0;
        used = 0;
        frames = 0;
    }

    /**
     * Empties the cache for a group whose keyframe has timestamp {@code ts}, keeping that picture's packets that came
     * before its start: a start packet lost and retransmitted (RFC 4588) arrives after the rest of its picture (for
     * VP8 the only start packet is the frame's first), which would otherwise stay behind in the old group — or, with
     * no group (none yet, or the last one outgrew the bound), among the newest picture's packets, which are held
     * for this reason alone.
     */
    private void startGroup(int ts) {
        int from = count;
        while (from > 0 && frameTimestamps[frameOf[from - 1]] == ts) {
            from--;
        }
        int kept = count - from;
        if (kept > 0) {
            int base = offsets[from]; // the tail of the slab, in arrival order
            System.arraycopy(data, base, data, 0, used - base);
            for (int i = 0; i < kept; i++) {
                offsets[i] = offsets[from + i] - base;
                lengths[i] = lengths[from + i];
                frameOf[i] = 0;
            }
            used -= base;
            frameTimestamps[0] = ts;
            frames = 1;
        } else {
            used = 0;
            frames = 0;
        }
        count = kept;
        keyframeTimestamp = ts;
        valid = true;
        epoch++;
    }

    /**
     * The picture {@code ts} belongs to: a timestamp newer than the last picture's (RFC 3550 serial order) starts a
     * new one; a reordered packet joins the picture with its timestamp (or the newest older one).
     */
    private int frameIndex(int ts) {
        if (frames == 0 || ts - frameTimestamps[frames - 1] > 0) {
            if (frames == frameTimestamps.length) {
                frameTimestamps = java.util.Arrays.copyOf(frameTimestamps, frames * 2);
            }
            frameTimestamps[frames] = ts;
            return frames++;
        }
        int i = frames - 1;
        while (i > 0 && frameTimestamps[i] - ts > 0) {
            i--;
        }
        return i;
    }

    private void ensureCapacity(int needed) {
        if (data != null && data.length >= needed) {
            return;
        }
        int size = Math.min(maxBytes, Math.max(needed, data == null ? 64 * 1024 : data.length * 2));
        byte[] grown = new byte[size];
        if (data != null) {
            System.arraycopy(data, 0, grown, 0, used);
        }
        data = grown;
        segment = MemorySegment.ofArray(grown);
    }

    /** Whether a joining viewer could start from the cache now. */
    boolean holdsKeyframe() {
        return valid;
    }

    int packets() {
        return valid ? count : 0;
    }

    int bytes() {
        return valid ? used : 0;
    }

    /** Pictures in the cached group (a keyframe and the frames after it). */
    int frames() {
        return valid ? frames : 0;
    }

    /**
     * Receives one replayed packet, the publisher-clock timestamp it is to be sent with, and a reference that finds
     * the packet again ({@link #view}) while this group is cached.
     */
    @FunctionalInterface
    interface Sink {
        void accept(RtpPacket p, int timestamp, long reference);
    }

    /**
     * Wraps {@code into} around the packet {@code reference} (from a {@link Sink}) names, if its group is still
     * cached. References are negative, so they never equal a {@link io.mediaplane.buffer.PacketRing} ticket.
     */
    boolean view(long reference, RtpPacket into) {
        long r = -1 - reference;
        int index = (int) r;
        if (reference >= 0 || !valid || (int) (r >>> 32) != epoch || index < 0 || index >= count) {
            return false;
        }
        return into.wrap(segment, offsets[index], lengths[index]) == PacketStatus.OK;
    }

    private long reference(int index) {
        return -1 - (((long) epoch << 32) | index);
    }

    /**
     * Hands every cached packet, oldest first, to {@code sink} (a view valid during the call); false if empty. A view
     * of its own per call: several fan-out threads may replay to joining viewers at once while the receive thread,
     * the only writer, waits for them.
     *
     * <p>With {@code compress}, the pictures' timestamps are moved up to just before the newest one: picture
     * {@code i} of {@code n} gets the newest picture's timestamp minus {@code n - 1 - i} ticks. A receiver maps RTP
     * timestamps to playout times from the first picture it gets (RFC 3550 §6.4.1), so a group sent at once with its
     * original spacing would be played out over its whole length, leaving the viewer that far behind live for good;
     * compressed, every picture is due at once (the decoder still gets each one as a reference) and the newest is
     * live. Timestamps stay increasing and continue into the live packets. Without, each packet keeps its own.
     */
    boolean replay(boolean compress, Sink sink) {
        if (!valid || count == 0) {
            return false;
        }
        RtpPacket view = new RtpPacket();
        int n = count;
        int newestFrame = frames - 1;
        int newest = frameTimestamps[newestFrame];
        for (int i = 0; i < n; i++) {
            if (view.wrap(segment, offsets[i], lengths[i]) == PacketStatus.OK) {
                sink.accept(view, compress ? newest - (newestFrame - frameOf[i]) : view.timestamp(), reference(i));
            }
        }
        replays.increment();
        return true;
    }
}
