package io.mediaplane.codec;

import java.lang.foreign.MemorySegment;

/**
 * Receives each complete unit a depacketizer assembled: an H264 access unit in Annex-B, a VP8 frame, or an Opus
 * packet, at {@code [offset, offset + length)} of {@code data}. The bytes are the depacketizer's reused buffer and
 * valid only during the call: copy what must outlive it.
 */
@FunctionalInterface
public interface FrameSink {
    /**
     * @param timestamp    the RTP timestamp of the unit
     * @param keyframe     H264: an IDR slice is present; VP8: a key frame; Opus: always true
     * @param lostPackets  packets missing (by sequence number) since the previous delivered unit: non-zero means
     *                     something was lost before this unit and a decoder may need a keyframe (or Opus PLC).
     *                     Units dropped because a packet was malformed are not in it; they are counted in the
     *                     depacketizer's {@link PayloadCounters#droppedUnits()}
     */
    void accept(MemorySegment data, long offset, int length, int timestamp, boolean keyframe, int lostPackets);
}
