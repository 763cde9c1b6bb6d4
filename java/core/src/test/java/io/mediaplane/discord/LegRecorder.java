package io.mediaplane.discord;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** Records a leg's events for assertions. */
final class LegRecorder implements LegListener {
    record Transition(LegState from, LegState to, String reason) {
    }

    record Frame(long userId, int ssrc, boolean keyframe, int timestamp, int lostPackets, byte[] data,
            boolean endToEndEncrypted) {
    }

    final List<Transition> transitions = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    final List<Integer> closes = new CopyOnWriteArrayList<>();
    final List<VideoState> videoStates = new CopyOnWriteArrayList<>();
    final List<Frame> frames = new CopyOnWriteArrayList<>();
    final List<long[]> videoEnds = new CopyOnWriteArrayList<>();
    final List<Long> clients = new CopyOnWriteArrayList<>();
    final List<PublishState> publishStates = new CopyOnWriteArrayList<>();

    @Override
    public void onStateChange(DiscordLeg leg, LegState from, LegState to, String reason) {
        transitions.add(new Transition(from, to, reason));
    }

    @Override
    public void onGatewayClosed(DiscordLeg leg, int code, String reason) {
        closes.add(code);
    }

    @Override
    public void onError(DiscordLeg leg, LegError error, String message) {
        errors.add(error + ": " + message);
    }

    @Override
    public void onClientsConnect(DiscordLeg leg, java.util.Set<Long> userIds) {
        clients.addAll(userIds);
    }

    @Override
    public void onVideoState(DiscordLeg leg, VideoState state) {
        videoStates.add(state);
    }

    @Override
    public void onVideoFrame(DiscordLeg leg, VideoFrame frame) {
        frames.add(new Frame(frame.userId(), frame.ssrc(), frame.keyframe(), frame.rtpTimestamp(),
                frame.lostPackets(), frame.toByteArray(), frame.endToEndEncrypted()));
    }

    @Override
    public void onVideoEnd(DiscordLeg leg, long userId, int ssrc) {
        videoEnds.add(new long[] {userId, ssrc});
    }

    @Override
    public void onPublishState(DiscordLeg leg, PublishState state, String reason) {
        publishStates.add(state);
    }

    @Override
    public String toString() {
        return "transitions " + transitions + ", closes " + closes + ", errors " + errors;
    }

    List<LegState> states() {
        return transitions.stream().map(Transition::to).toList();
    }

    static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
