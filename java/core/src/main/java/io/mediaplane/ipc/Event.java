package io.mediaplane.ipc;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An event to the control plane, one record per {@link EventType}, serialised as a JSON object whose first field
 * is {@code type}, then the record's fields under their wire names; {@code null} fields are left out (the wire's
 * optional fields). Binary payloads ({@code frameBase64}, {@code jpegBase64}) are held as bytes and written as
 * standard padded base64 straight into the output.
 */
@JsonPropertyOrder({"type"})
public sealed interface Event {
    @JsonIgnore
    EventType eventType();

    @JsonProperty("type")
    default String type() {
        return eventType().wireName();
    }

    /** Lower-case wire spelling shared by the status enums. */
    interface WireEnum {
        @JsonValue
        default String wireName() {
            return ((Enum<?>) this).name().toLowerCase(Locale.ROOT);
        }
    }

    enum ConnectionStatus implements WireEnum { READY, DISCONNECTED, RECONNECTING }

    enum TransportStatus implements WireEnum { CONNECTING, READY, FAILED, DISCONNECTED, RECONNECTING, PLAYING, PAUSED }

    enum PlayerStatus implements WireEnum { IDLE, PLAYING, PAUSED }

    enum TtsPlaybackStatus implements WireEnum { BUFFERED, IDLE }

    /** The voice transport is ready. */
    record Ready() implements Event {
        public EventType eventType() { return EventType.READY; }
    }

    /** A main-gateway payload for the control plane to send, e.g. OP4 voice state update. */
    record AdapterSend(ObjectNode payload) implements Event {
        public EventType eventType() { return EventType.ADAPTER_SEND; }
    }

    record ConnectionState(ConnectionStatus status) implements Event {
        public EventType eventType() { return EventType.CONNECTION_STATE; }
    }

    record TransportState(TransportRole role, TransportStatus status, String reason) implements Event {
        public EventType eventType() { return EventType.TRANSPORT_STATE; }
    }

    record PlayerState(PlayerStatus status) implements Event {
        public EventType eventType() { return EventType.PLAYER_STATE; }
    }

    record PlaybackArmed(String reason) implements Event {
        public EventType eventType() { return EventType.PLAYBACK_ARMED; }
    }

    record TtsPlaybackState(TtsPlaybackStatus status) implements Event {
        public EventType eventType() { return EventType.TTS_PLAYBACK_STATE; }
    }

    record SpeakingStart(String userId) implements Event {
        public EventType eventType() { return EventType.SPEAKING_START; }
    }

    record SpeakingEnd(String userId) implements Event {
        public EventType eventType() { return EventType.SPEAKING_END; }
    }

    /**
     * Binary user audio (frame kind 1): {@code [u64 LE user_id][u16 LE signal_peak_abs][u32 LE
     * signal_active_sample_count][u32 LE signal_sample_count][s16le mono PCM]}.
     */
    record UserAudio(long userId, int signalPeakAbs, long signalActiveSampleCount, long signalSampleCount,
                     byte[] pcm) implements Event {
        public EventType eventType() { return EventType.USER_AUDIO; }
    }

    record UserAudioEnd(String userId) implements Event {
        public EventType eventType() { return EventType.USER_AUDIO_END; }
    }

    record MaxResolution(Integer width, Integer height, String type) {}

    record VideoStream(long ssrc, Long rtxSsrc, String rid, Integer quality, String streamType, Boolean active,
                       Integer maxBitrate, Integer maxFramerate, MaxResolution maxResolution) {}

    record UserVideoState(String userId, Long audioSsrc, Long videoSsrc, String codec, List<VideoStream> streams)
            implements Event {
        public EventType eventType() { return EventType.USER_VIDEO_STATE; }
    }

    /** An encoded frame (Annex-B access unit for H264, a whole frame for VP8), forwarded undecoded. */
    record UserVideoFrame(String userId, long ssrc, String codec, boolean keyframe,
                          @JsonProperty("frameBase64") byte[] frame, long rtpTimestamp, String streamType, String rid,
                          boolean daveDecrypted) implements Event {
        public EventType eventType() { return EventType.USER_VIDEO_FRAME; }
    }

    /** A decoded picture as JPEG with its change score against the previous emitted one. */
    record DecodedVideoFrame(String userId, long ssrc, int width, int height,
                             @JsonProperty("jpegBase64") byte[] jpeg, long rtpTimestamp, String streamType,
                             String rid, double changeScore, double emaChangeScore,
                             @JsonProperty("isSceneCut") boolean isSceneCut) implements Event {
        public EventType eventType() { return EventType.DECODED_VIDEO_FRAME; }
    }

    record UserVideoEnd(String userId, Long ssrc) implements Event {
        public EventType eventType() { return EventType.USER_VIDEO_END; }
    }

    record ClientDisconnect(String userId) implements Event {
        public EventType eventType() { return EventType.CLIENT_DISCONNECT; }
    }

    record MusicIdle() implements Event {
        public EventType eventType() { return EventType.MUSIC_IDLE; }
    }

    record MusicError(String message) implements Event {
        public EventType eventType() { return EventType.MUSIC_ERROR; }
    }

    record MusicGainReached(float gain) implements Event {
        public EventType eventType() { return EventType.MUSIC_GAIN_REACHED; }
    }

    /**
     * {@code code} and {@code message} as clankvox sends them; {@code field} (the offending field of an {@code
     * invalid_request}) and {@code command} (the command type an error answers, when known) are additions a
     * clankvox control plane ignores.
     */
    record Error(ErrorCode code, String message, String field, String command) implements Event {
        public EventType eventType() { return EventType.ERROR; }

        public static Error of(ErrorCode code, String message) {
            return new Error(code, message, null, null);
        }
    }

    record BufferDepth(long ttsSamples, long musicSamples) implements Event {
        public EventType eventType() { return EventType.BUFFER_DEPTH; }
    }

    record Log(String level, String target, String message, Map<String, String> fields) implements Event {
        public EventType eventType() { return EventType.LOG; }
    }
}
