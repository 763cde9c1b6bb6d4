package io.mediaplane.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EventWriterTest {
    private static List<Frames.Frame> frames(byte[] bytes) throws IOException {
        Frames reader = new Frames(new ByteArrayInputStream(bytes));
        List<Frames.Frame> out = new ArrayList<>();
        for (Frames.Frame f; (f = reader.next()) != null; ) {
            out.add(f);
        }
        return out;
    }

    private static JsonNode json(Event e) throws IOException {
        List<Frames.Frame> f = frames(EventWriter.frame(e));
        assertThat(f).hasSize(1);
        assertThat(f.get(0).kind()).isZero();
        return f.get(0).json();
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aJsonFrameIsKindZeroThenLittleEndianLengthThenUtf8JsonWithTypeFirst() {
        byte[] frame = EventWriter.frame(new Event.SpeakingStart("1234567890123456789"));
        String json = "{\"type\":\"speaking_start\",\"userId\":\"1234567890123456789\"}";
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer expected = ByteBuffer.allocate(5 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        expected.put((byte) 0).putInt(payload.length).put(payload);
        assertThat(frame).isEqualTo(expected.array());
    }

    @Test
    void userAudioIsKindOneWithClankvoxsBinaryHeader() throws IOException {
        byte[] pcm = {1, 2, 3, 4};
        byte[] frame = EventWriter.frame(new Event.UserAudio(0x0102030405060708L, 0xABCD, 0x11223344L, 0x55667788L, pcm));
        ByteBuffer expected = ByteBuffer.allocate(5 + 18 + 4).order(ByteOrder.LITTLE_ENDIAN);
        expected.put((byte) 1).putInt(22).putLong(0x0102030405060708L).putShort((short) 0xABCD)
                .putInt(0x11223344).putInt(0x55667788).put(pcm);
        assertThat(frame).isEqualTo(expected.array());
    }

    @Test
    void eventsCarryClankvoxsFieldNamesAndLeaveOutAbsentOptionalFields() throws IOException {
        JsonNode decoded = json(new Event.DecodedVideoFrame("9", 4242, 1280, 720, new byte[] {(byte) 0xFF, (byte) 0xD8, 0},
                90000, "screen", null, 0.5, 0.25, true));
        assertThat(fieldNames(decoded)).containsExactly("type", "userId", "ssrc", "width", "height", "jpegBase64",
                "rtpTimestamp", "streamType", "changeScore", "emaChangeScore", "isSceneCut");
        assertThat(decoded.get("jpegBase64").asText()).isEqualTo("/9gA");
        assertThat(decoded.get("isSceneCut").asBoolean()).isTrue();

        JsonNode frame = json(new Event.UserVideoFrame("9", 7, "VP8", true, new byte[] {1, 2, 3, 4}, 3000, null, "100", false));
        assertThat(fieldNames(frame)).containsExactly("type", "userId", "ssrc", "codec", "keyframe", "frameBase64",
                "rtpTimestamp", "rid", "daveDecrypted");
        assertThat(frame.get("frameBase64").asText()).isEqualTo("AQIDBA==");

        JsonNode state = json(new Event.UserVideoState("9", 1L, null, "H264", List.of(new Event.VideoStream(11, 12L, "100",
                100, "screen", true, 2_500_000, 30, new Event.MaxResolution(1280, 720, "fixed")))));
        assertThat(state.toString()).isEqualTo("{\"type\":\"user_video_state\",\"userId\":\"9\",\"audioSsrc\":1,"
                + "\"codec\":\"H264\",\"streams\":[{\"ssrc\":11,\"rtxSsrc\":12,\"rid\":\"100\",\"quality\":100,"
                + "\"streamType\":\"screen\",\"active\":true,\"maxBitrate\":2500000,\"maxFramerate\":30,"
                + "\"maxResolution\":{\"width\":1280,\"height\":720,\"type\":\"fixed\"}}]}");

        assertThat(json(new Event.TransportState(TransportRole.STREAM_WATCH, Event.TransportStatus.RECONNECTING, "4015"))
                .toString()).isEqualTo("{\"type\":\"transport_state\",\"role\":\"stream_watch\",\"status\":\"reconnecting\",\"reason\":\"4015\"}");
        assertThat(json(new Event.ConnectionState(Event.ConnectionStatus.READY)).toString())
                .isEqualTo("{\"type\":\"connection_state\",\"status\":\"ready\"}");
        assertThat(json(new Event.Ready()).toString()).isEqualTo("{\"type\":\"ready\"}");
        assertThat(json(Event.Error.of(ErrorCode.INPUT_TOO_LARGE, "m")).toString())
                .isEqualTo("{\"type\":\"error\",\"code\":\"input_too_large\",\"message\":\"m\"}");
        assertThat(json(new Event.UserVideoEnd("9", null)).toString()).isEqualTo("{\"type\":\"user_video_end\",\"userId\":\"9\"}");
        assertThat(json(new Event.PlayerState(Event.PlayerStatus.IDLE)).get("status").asText()).isEqualTo("idle");
        assertThat(json(new Event.TtsPlaybackState(Event.TtsPlaybackStatus.BUFFERED)).get("status").asText()).isEqualTo("buffered");
        assertThat(json(new Event.BufferDepth(1, 2)).toString()).isEqualTo("{\"type\":\"buffer_depth\",\"ttsSamples\":1,\"musicSamples\":2}");
        assertThat(json(new Event.Log("info", "t", "m", Map.of("k", "v"))).toString())
                .isEqualTo("{\"type\":\"log\",\"level\":\"info\",\"target\":\"t\",\"message\":\"m\",\"fields\":{\"k\":\"v\"}}");
        assertThat(json(new Event.AdapterSend(JsonNodeFactory.instance.objectNode().put("op", 4))).toString())
                .isEqualTo("{\"type\":\"adapter_send\",\"payload\":{\"op\":4}}");
        assertThat(json(new Event.MusicGainReached(0.5f)).toString()).isEqualTo("{\"type\":\"music_gain_reached\",\"gain\":0.5}");
    }

    @Test
    void everyJsonEventTypeSerialisesUnderItsWireName() throws IOException {
        List<Event> samples = List.of(new Event.Ready(), new Event.AdapterSend(JsonNodeFactory.instance.objectNode()),
                new Event.ConnectionState(Event.ConnectionStatus.DISCONNECTED),
                new Event.TransportState(TransportRole.VOICE, Event.TransportStatus.READY, null),
                new Event.PlayerState(Event.PlayerStatus.PLAYING), new Event.PlaybackArmed("connection_ready"),
                new Event.TtsPlaybackState(Event.TtsPlaybackStatus.IDLE), new Event.SpeakingStart("1"),
                new Event.SpeakingEnd("1"), new Event.UserAudioEnd("1"),
                new Event.UserVideoState("1", null, null, null, List.of()),
                new Event.UserVideoFrame("1", 1, "H264", false, new byte[0], 0, null, null, false),
                new Event.DecodedVideoFrame("1", 1, 2, 2, new byte[0], 0, null, null, 0, 0, false),
                new Event.UserVideoEnd("1", 2L), new Event.ClientDisconnect("1"), new Event.MusicIdle(),
                new Event.MusicError("x"), new Event.MusicGainReached(1), Event.Error.of(ErrorCode.INVALID_JSON, "x"),
                new Event.BufferDepth(0, 0), new Event.Log("info", "t", "m", Map.of()));
        List<EventType> covered = new ArrayList<>();
        for (Event e : samples) {
            assertThat(json(e).get("type").asText()).isEqualTo(e.eventType().wireName());
            covered.add(e.eventType());
        }
        covered.add(EventType.USER_AUDIO); // binary, checked above
        assertThat(covered).containsExactlyInAnyOrder(EventType.values());
    }

    /** An output that blocks its first write until released, so lanes fill deterministically. */
    private static final class GatedOutput extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public synchronized void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (this) {
                bytes.write(b, off, len);
            }
        }
    }

    @Test
    void videoLaneDropsTheNewestWhenFullControlNeverDropsAndControlIsWrittenFirst() throws Exception {
        GatedOutput out = new GatedOutput();
        EventWriter w = new EventWriter(out, 4, 64, () -> { });
        assertThat(w.emit(new Event.SpeakingStart("first"))).isTrue();
        assertThat(out.entered.await(30, TimeUnit.SECONDS)).isTrue(); // the writer holds "first", blocked in write
        int accepted = 0;
        for (int i = 0; i < 100; i++) {
            if (w.emit(new Event.UserVideoFrame("u", i, "H264", false, new byte[] {(byte) i}, i, null, null, false))) {
                accepted++;
            }
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(w.emit(new Event.SpeakingEnd("c" + i))).isTrue();
        }
        for (int i = 0; i < 10; i++) {
            w.emit(new Event.UserAudio(i, 0, 0, 0, new byte[0]));
        }
        assertThat(accepted).isEqualTo(64);
        assertThat(w.counters(EventType.Lane.VIDEO).dropped()).isEqualTo(36);
        assertThat(w.counters(EventType.Lane.AUDIO).dropped()).isEqualTo(6);
        assertThat(w.counters(EventType.Lane.CONTROL).dropped()).isZero();
        out.release.countDown();
        w.close();

        List<Frames.Frame> written = frames(out.bytes.toByteArray());
        assertThat(written).hasSize(1 + 1000 + 4 + 64);
        assertThat(written.get(0).json().get("userId").asText()).isEqualTo("first");
        for (int i = 0; i < 1000; i++) {
            assertThat(written.get(1 + i).json().get("userId").asText()).isEqualTo("c" + i);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(written.get(1001 + i).kind()).isEqualTo(1);
        }
        for (int i = 0; i < 64; i++) { // the oldest 64 video frames, in order
            assertThat(written.get(1005 + i).json().get("ssrc").asLong()).isEqualTo(i);
        }
        assertThat(w.counters(EventType.Lane.VIDEO).written()).isEqualTo(64);
        assertThat(w.counters(EventType.Lane.CONTROL).written()).isEqualTo(1001);
    }

    @Test
    void aFailedOutputIsReportedOnceAndLaterEventsAreDroppedAndCounted() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch failed = new CountDownLatch(1);
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        EventWriter w = new EventWriter(broken, () -> {
            failures.incrementAndGet();
            failed.countDown();
        });
        w.emit(new Event.Ready());
        assertThat(failed.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(w.emit(new Event.Ready())).isFalse();
        w.close();
        assertThat(failures.get()).isEqualTo(1);
        assertThat(w.failure()).isPresent();
        assertThat(w.counters(EventType.Lane.CONTROL).dropped()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void closeWritesEverythingQueuedAndEndsTheThread() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventWriter w = new EventWriter(out, () -> { });
        for (int i = 0; i < 500; i++) {
            w.emit(new Event.ClientDisconnect(Integer.toString(i)));
        }
        w.close();
        List<Frames.Frame> written = frames(out.toByteArray());
        assertThat(written).hasSize(500);
        Iterator<Frames.Frame> it = written.iterator();
        for (int i = 0; i < 500; i++) {
            assertThat(it.next().json().get("userId").asText()).isEqualTo(Integer.toString(i));
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("mediaplane-ipc-writer"));
        assertThat(w.emit(new Event.Ready())).isFalse();
    }
}
