package io.mediaplane.discord;

import io.mediaplane.crypto.DiscordAeadMode;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything needed to connect one leg. The ids come from the main gateway: for {@link LegRole#VOICE}
 * VOICE_SERVER_UPDATE's {@code endpoint}/{@code token} with the guild id as {@code serverId} and
 * VOICE_STATE_UPDATE's {@code session_id}; for the stream roles STREAM_SERVER_UPDATE's {@code endpoint}/{@code
 * token}, STREAM_CREATE's {@code rtc_server_id} as {@code serverId} and the main voice {@code session_id}.
 *
 * @param endpoint           the voice server, {@code host[:port]} as Discord gives it (wss is implied), or a full
 *                           {@code ws://} / {@code wss://} URI
 * @param channelId          sent as Identify/Resume {@code channel_id} on gateway v9 (null leaves it out); for the
 *                           stream roles the DAVE group id, {@code rtc_server_id − 1}, computed by the caller
 * @param gatewayVersion     8 (the documented default) or 9
 * @param preferredMode      the transport mode to prefer when offered, null: AES-256-GCM when offered, else
 *                           XChaCha20-Poly1305 (the order Discord documents)
 * @param keepaliveInterval  how often a UDP keepalive goes out (@discordjs/voice: 5 s)
 * @param keepaliveMisses    unanswered keepalives in a row after which the UDP path counts as lost and the leg
 *                           reconnects
 * @param handshakeTimeout   the longest wait for each handshake step (Hello, Ready, IP discovery, Session
 *                           Description)
 * @param maxReconnectAttempts attempts in a row before the leg gives up ({@link LegState#FAILED})
 */
public record LegConfig(LegRole role, String endpoint, String serverId, long userId, String sessionId, String token,
        String channelId, int gatewayVersion, DiscordAeadMode preferredMode, FrameCrypto frameCrypto,
        DaveHook daveHook, Duration keepaliveInterval, int keepaliveMisses, Duration handshakeTimeout,
        int maxReconnectAttempts, PublishSettings publishSettings) {

    public LegConfig {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(frameCrypto, "frameCrypto");
        Objects.requireNonNull(daveHook, "daveHook");
        Objects.requireNonNull(keepaliveInterval, "keepaliveInterval");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(publishSettings, "publishSettings");
        if (gatewayVersion != 8 && gatewayVersion != 9) {
            throw new IllegalArgumentException("gateway version 8 or 9, not " + gatewayVersion);
        }
        if (gatewayVersion == 9 && channelId == null) {
            throw new IllegalArgumentException("gateway v9 requires channel_id in Identify and Resume");
        }
        if (keepaliveMisses < 1 || maxReconnectAttempts < 0) {
            throw new IllegalArgumentException("keepaliveMisses ≥ 1, maxReconnectAttempts ≥ 0");
        }
    }

    /** A builder with the defaults: v8, passthrough frame crypto, no DAVE, keepalive 5 s × 3, 10 s steps. */
    public static Builder builder(LegRole role, String endpoint, String serverId, long userId, String sessionId,
            String token) {
        return new Builder(role, endpoint, serverId, userId, sessionId, token);
    }

    /** Builds a {@link LegConfig}. */
    public static final class Builder {
        private final LegRole role;
        private final String endpoint;
        private final String serverId;
        private final long userId;
        private final String sessionId;
        private final String token;
        private String channelId;
        private int gatewayVersion = 8;
        private DiscordAeadMode preferredMode;
        private FrameCrypto frameCrypto = FrameCrypto.passthrough();
        private DaveHook daveHook = DaveHook.none();
        private Duration keepaliveInterval = Duration.ofSeconds(5);
        private int keepaliveMisses = 3;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private int maxReconnectAttempts = 5;
        private PublishSettings publishSettings = PublishSettings.DEFAULT;

        private Builder(LegRole role, String endpoint, String serverId, long userId, String sessionId,
                String token) {
            this.role = role;
            this.endpoint = endpoint;
            this.serverId = serverId;
            this.userId = userId;
            this.sessionId = sessionId;
            this.token = token;
        }

        public Builder channelId(String id) {
            this.channelId = id;
            return this;
        }

        public Builder gatewayVersion(int v) {
            this.gatewayVersion = v;
            return this;
        }

        public Builder preferredMode(DiscordAeadMode mode) {
            this.preferredMode = mode;
            return this;
        }

        public Builder frameCrypto(FrameCrypto crypto) {
            this.frameCrypto = crypto;
            return this;
        }

        public Builder daveHook(DaveHook hook) {
            this.daveHook = hook;
            return this;
        }

        public Builder keepalive(Duration interval, int misses) {
            this.keepaliveInterval = interval;
            this.keepaliveMisses = misses;
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        public Builder maxReconnectAttempts(int n) {
            this.maxReconnectAttempts = n;
            return this;
        }

        public Builder publishSettings(PublishSettings settings) {
            this.publishSettings = settings;
            return this;
        }

        public LegConfig build() {
            return new LegConfig(role, endpoint, serverId, userId, sessionId, token, channelId, gatewayVersion,
                    preferredMode, frameCrypto, daveHook, keepaliveInterval, keepaliveMisses, handshakeTimeout,
                    maxReconnectAttempts, publishSettings);
        }
    }
}
