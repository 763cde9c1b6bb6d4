package io.mediaplane.webrtc;

/**
 * The sequence number and timestamp a viewer sees for one track (RFC 3550 §5.1: each SSRC's numbers are its
 * own). The publisher's numbers are shifted by offsets fixed at the first packet of each publication
 * ({@code generation}), chosen so that the viewer's numbers simply continue across a publisher reconnect: the
 * next sequence number, and a timestamp one frame interval later. Reordering within a publication is kept as is.
 * Single-threaded: the media port's receive thread.
 */
final class TrackRewriter {
    private final int frameTicks;
    private int generation = -1;
    private int seqOffset;
    private int tsOffset;
    private int lastSeq;
    private int lastTs;
    private boolean started;

    /**
     * @param frameTicks timestamp step assumed across a publisher switch (3000 = 1/30 s at 90 kHz, 960 = 20 ms
     *                   of Opus at 48 kHz)
     * @param firstSeq   the viewer's first sequence number (random, RFC 3550 §5.1)
     * @param firstTs    the viewer's first timestamp (random)
     */
    TrackRewriter(int frameTicks, int firstSeq, int firstTs) {
        this.frameTicks = frameTicks;
        this.lastSeq = (firstSeq - 1) & 0xFFFF;
        this.lastTs = firstTs - frameTicks;
    }

    /** Whether packets of {@code generation} already have offsets (false: the next {@link #rewrite} anchors). */
    boolean anchored(int generation) {
        return started && this.generation == generation;
    }

    /** Maps the publisher's {@code seq}; call {@link #timestamp} for the same packet right after. */
    int sequence(int generation, int seq, int ts) {
        if (!anchored(generation)) {
            this.generation = generation;
            seqOffset = (lastSeq + 1 - seq) & 0xFFFF;
            tsOffset = lastTs + frameTicks - ts;
            started = true;
        }
        int out = (seq + seqOffset) & 0xFFFF;
        if (((out - lastSeq) & 0xFFFF) < 0x8000) {
            lastSeq = out; // only forward moves advance the continuation point
        }
        return out;
    }

    int timestamp(int ts) {
        int out = ts + tsOffset;
        if (out - lastTs > 0) {
            lastTs = out;
        }
        return out;
    }

    int lastSequence() {
        return lastSeq;
    }

    /** The newest timestamp handed out (only forward moves count). */
    int lastTimestamp() {
        return lastTs;
    }
}
