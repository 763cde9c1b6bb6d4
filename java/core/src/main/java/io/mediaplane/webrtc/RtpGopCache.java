package io.mediaplane.webrtc;

import io.mediaplane.rtp.PacketStatus;
import io.mediaplane.rtp.RtpPacket;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The publisher's video RTP packets since its last keyframe started, as received (opened, before any rewrite), so
 * that a joining viewer can start from them at once ({@link LateJoin#GOP_REPLAY}) instead of waiting for the answer
 * to a keyframe request. Bounded in bytes: a group of pictures that outgrows the bound is dropped whole and the
 * cache stays empty until the next keyframe (a late joiner then asks for one, as without the cache).
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
    private int count;
    private int used;
    /** The cache starts with a keyframe's first packet and holds everything after it. */
    private volatile boolean valid;
    private int keyframeTimestamp;
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
            count = 0;
            used = 0;
            keyframeTimestamp = p.timestamp();
            valid = true;
        }
        if (!valid) {
            return;
        }
        int length = p.length();
        if (length > MAX_PACKET || used + length > maxBytes) {
            valid = false; // the group no longer fits: a partial one cannot start a decoder
            count = 0;
            used = 0;
            overflows.increment();
            return;
        }
        ensureCapacity(used + length);
        MemorySegment.copy(p.segment(), p.offset(), segment, used, length);
        if (count == offsets.length) {
            offsets = java.util.Arrays.copyOf(offsets, count * 2);
            lengths = java.util.Arrays.copyOf(lengths, count * 2);
        }
        offsets[count] = used;
        lengths[count] = length;
        count++;
        used += length;
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

    /**
     * Hands every cached packet, oldest first, to {@code sink} (a view valid during the call); false if empty. A view
     * of its own per call: several fan-out threads may replay to joining viewers at once while the receive thread,
     * the only writer, waits for them.
     */
    boolean replay(Consumer<RtpPacket> sink) {
        if (!valid || count == 0) {
            return false;
        }
        RtpPacket view = new RtpPacket();
        int n = count;
        for (int i = 0; i < n; i++) {
            if (view.wrap(segment, offsets[i], lengths[i]) == PacketStatus.OK) {
                sink.accept(view);
            }
        }
        replays.increment();
        return true;
    }
}
