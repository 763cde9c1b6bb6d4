package io.mediaplane.ipc;

/**
 * What the IPC daemon drives: the Discord transport legs and what flows through them. Methods are called from the
 * daemon's command thread in command order and must not block on the network: connecting happens in the
 * background and reports through events ({@code transport_state}, {@code ready}, {@code error} with the role's
 * connect-failed code). Events go to the {@link java.util.function.Consumer} the backend was created with, from any
 * thread.
 */
public interface MediaBackend extends AutoCloseable {
    /** Connects a leg, replacing a connected one of the same role. */
    void connect(TransportRole role, LegCredentials credentials);

    /** Disconnects a leg if one is connected; a {@code transport_state} {@code disconnected} follows. */
    void disconnect(TransportRole role, String reason);

    void subscribeVideo(Command.SubscribeUserVideo subscription);

    void unsubscribeVideo(String userId);

    /**
     * Publishes a URL's video (through FFmpeg; a page URL is first resolved by yt-dlp when {@code resolvedDirectUrl}
     * is false) on the {@code stream_publish} leg, as soon as that leg is ready.
     */
    void publishUrl(String url, boolean resolvedDirectUrl);

    /** Starts publishing PNG frames that {@link #publishFrame} then pushes. */
    void publishFramesStart(String mimeType);

    void publishFrame(byte[] png, long capturedAtMs);

    void publishStop();

    void publishPause();

    void publishResume();

    /** Closes every leg and ends every thread the backend started; events may still be emitted while closing. */
    @Override
    void close();
}
