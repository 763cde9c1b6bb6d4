package io.mediaplane.ipc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link MediaBackend} that records what the daemon asks of it, as text lines, so protocol tests can check the
 * daemon's mapping from commands to leg operations without a Discord server. It answers connects with the events a
 * leg would send, so the event path is exercised too.
 */
final class RecordingBackend implements MediaBackend {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Consumer<Event> events;
    volatile boolean closed;

    RecordingBackend(Consumer<Event> events) {
        this.events = events;
    }

    @Override
    public void connect(TransportRole role, LegCredentials c) {
        calls.add("connect " + role.wireName() + " " + c.endpoint() + " " + c.token() + " " + c.serverId() + " "
                + c.sessionId() + " " + c.userId() + " " + c.daveChannelId());
        events.accept(new Event.TransportState(role, Event.TransportStatus.CONNECTING, null));
    }

    @Override
    public void disconnect(TransportRole role, String reason) {
        calls.add("disconnect " + role.wireName() + " " + reason);
    }

    @Override
    public void subscribeVideo(Command.SubscribeUserVideo s) {
        calls.add("subscribeVideo " + s);
    }

    @Override
    public void unsubscribeVideo(String userId) {
        calls.add("unsubscribeVideo " + userId);
    }

    @Override
    public void publishUrl(String url, boolean resolvedDirectUrl) {
        calls.add("publishUrl " + url + " " + resolvedDirectUrl);
    }

    @Override
    public void publishFramesStart(String mimeType) {
        calls.add("publishFramesStart " + mimeType);
    }

    @Override
    public void publishFrame(byte[] png, long capturedAtMs) {
        calls.add("publishFrame " + new String(png, java.nio.charset.StandardCharsets.ISO_8859_1) + " " + capturedAtMs);
    }

    @Override
    public void publishStop() {
        calls.add("publishStop");
    }

    @Override
    public void publishPause() {
        calls.add("publishPause");
    }

    @Override
    public void publishResume() {
        calls.add("publishResume");
    }

    @Override
    public void close() {
        closed = true;
        calls.add("close");
    }
}
