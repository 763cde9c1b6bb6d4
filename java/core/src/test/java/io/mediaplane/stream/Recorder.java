package io.mediaplane.stream;

import java.util.ArrayList;
import java.util.List;

/** Records what a subscription delivers. */
final class Recorder implements FrameHandler {
    final List<Long> numbers = new ArrayList<>();
    final List<Long> sequences = new ArrayList<>();
    final List<Boolean> replays = new ArrayList<>();
    final List<Boolean> keyframes = new ArrayList<>();
    final List<Boolean> configs = new ArrayList<>();
    final List<long[]> gaps = new ArrayList<>();
    final List<EndReason> ends = new ArrayList<>();
    /** Per delivered frame: whether a gap came right before it. */
    final List<Boolean> afterGap = new ArrayList<>();
    private boolean gapPending;

    @Override
    public void onFrame(Frame frame, long sequence, boolean replay) {
        numbers.add(StreamFixture.number(frame));
        sequences.add(sequence);
        replays.add(replay);
        keyframes.add(frame.isKeyframe());
        configs.add(frame.isConfig());
        afterGap.add(gapPending);
        gapPending = false;
    }

    @Override
    public void onGap(long skippedFrames, long resumeSequence) {
        gaps.add(new long[] {skippedFrames, resumeSequence});
        gapPending = true;
    }

    @Override
    public void onEnd(EndReason reason) {
        ends.add(reason);
    }

    /** Polls until nothing more is delivered now. */
    Recorder drain(Subscription s) {
        while (s.poll(this, 64) > 0) {
            // keep going
        }
        return this;
    }
}
