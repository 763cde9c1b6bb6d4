package io.mediaplane.ipc;

/**
 * What a Discord transport leg connects with. For the {@code voice} leg: serverId = guild id, daveChannelId = the
 * voice channel id. For Go Live legs: serverId = rtc_server_id, sessionId = the main voice session's id,
 * daveChannelId as the control plane computed it (rtc_server_id − 1).
 */
public record LegCredentials(String endpoint, String token, String serverId, String sessionId, String userId,
                             String daveChannelId) {
    /** The credentials without the token, for logs. */
    @Override
    public String toString() {
        return "LegCredentials[endpoint=" + endpoint + ", serverId=" + serverId + ", sessionId=" + sessionId
                + ", userId=" + userId + ", daveChannelId=" + daveChannelId + "]";
    }
}
