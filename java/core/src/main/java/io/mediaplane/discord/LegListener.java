package io.mediaplane.discord;

import java.util.Set;

/**
 * What a leg reports. Every method has an empty default, so a listener implements only what it needs. Calls for
 * one leg come from that leg's threads: control events (state, gateway) from its gateway thread in order, video
 * frames from its UDP receive thread. A listener must not block; an exception it throws is caught and counted
 * (see {@link LegStats#listenerFailures()}), never propagated into the leg.
 */
public interface LegListener {

    /** The leg moved from {@code from} to {@code to}; {@code reason} says why (a close code, an error) or is null. */
    default void onStateChange(DiscordLeg leg, LegState from, LegState to, String reason) {
    }

    /**
     * The gateway closed the WebSocket with {@code code} ({@link VoiceCloseCode#describe}); the state change that
     * follows says whether the leg resumes, reconnects or stops.
     */
    default void onGatewayClosed(DiscordLeg leg, int code, String reason) {
    }

    /** Malformed or unexpected gateway input, or a local failure that did not stop the leg. */
    default void onError(DiscordLeg leg, LegError error, String message) {
    }

    /** Users in the call (OP11 Clients Connect); cumulative set in {@link DiscordLeg#connectedUsers()}. */
    default void onClientsConnect(DiscordLeg leg, Set<Long> userIds) {
    }

    /** A user left (OP13 Client Disconnect). Their video has ended, reported by {@link #onVideoEnd} first. */
    default void onClientDisconnect(DiscordLeg leg, long userId) {
    }

    /** A user's speaking flags changed (server OP5), binding {@code ssrc} to {@code userId}. */
    default void onSpeaking(DiscordLeg leg, long userId, int ssrc, int flags) {
    }

    /** A user announced or changed video (server OP12). */
    default void onVideoState(DiscordLeg leg, VideoState state) {
    }

    /** One received video frame; see {@link VideoFrame} for how long its bytes live. */
    default void onVideoFrame(DiscordLeg leg, VideoFrame frame) {
    }

    /** A user's video stopped: OP12 without streams, their disconnect, or the leg closing. {@code ssrc} 0: all. */
    default void onVideoEnd(DiscordLeg leg, long userId, int ssrc) {
    }

    /** The server asked us (a sender) for layer qualities (server OP15): SSRC → 0..100, {@code any} for the rest. */
    default void onMediaSinkWants(DiscordLeg leg, java.util.Map<Integer, Integer> qualities, int any) {
    }

    /** The publish pipeline's state changed ({@code playing}/{@code paused}/{@code idle}). */
    default void onPublishState(DiscordLeg leg, PublishState state, String reason) {
    }
}
