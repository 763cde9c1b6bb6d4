package io.mediaplane.discord.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediaplane.buffer.Bytes;
import io.mediaplane.crypto.DiscordAeadMode;
import io.mediaplane.crypto.DiscordTransportCipher;
import io.mediaplane.discord.IpDiscovery;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * The server side of Discord's voice protocol, for tests: a voice gateway (v8 messages: Hello, Ready, Session
 * Description, Heartbeat ACK, Resumed, Speaking, Video, Clients Connect/Disconnect) over {@link WebSocketServer}
 * and one UDP socket per session (IP discovery, keepalive echo, {@code aead_*_rtpsize} transport crypto).
 *
 * <p>Sessions that identify with the same {@code server_id} share a room. RTP from one session is opened with its
 * key, given the SSRC the receiving session knows it by (each session has its own SSRC namespace, as each Discord
 * connection does) and sealed again with the receiver's key; Video announcements are relayed with the same
 * mapping and the sender's {@code user_id}; PLI/FIR go back to the sender with the SSRC mapped back.
 *
 * <p>Faults on demand: {@link #closeGateway} (a close code), {@link #crashGateway} (TCP drop, no close frame),
 * {@link #blackholeUdp} (the UDP path drops everything for a while, keepalive echoes included).
 *
 * <p>DAVE on demand ({@link #enableDave}): sessions whose Identify offers {@code max_dave_protocol_version} ≥ 1 get
 * {@code dave_protocol_version} 1 and the gateway's MLS role ({@link DaveRoom}); the MLS group id is Identify's
 * {@code channel_id}, or {@code server_id − 1} without one (a Go Live stream's rtc_server_id − 1). Media is relayed
 * as it comes, so DAVE frames stay end-to-end encrypted; {@link Session#daveFrames()} counts the video frames that
 * arrived with DAVE's {@code FA FA} trailer.
 */
public final class VoiceServerEmulator implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a session received, for assertions. */
    public record Received(int op, JsonNode d) {
    }

    private final WebSocketServer ws;
    private final List<String> modes;
    private final long heartbeatIntervalMs;
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final AtomicInteger nextSsrc = new AtomicInteger(1000);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicLong relayedPackets = new AtomicLong();
    private final AtomicLong feedbackForwarded = new AtomicLong();
    private final Map<String, DaveRoom> daveRooms = new ConcurrentHashMap<>();
    private volatile boolean dave;

    private VoiceServerEmulator(List<String> modes, long heartbeatIntervalMs, SSLContext tls) throws IOException {
        this.modes = List.copyOf(modes);
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        this.ws = new WebSocketServer(new Gateway(), tls);
    }

    /** An emulator offering both rtpsize modes, heartbeat interval 1 s, plain ws://. */
    public static VoiceServerEmulator start() throws IOException {
        return start(List.of(DiscordAeadMode.AES256_GCM_RTPSIZE.wireName(),
                DiscordAeadMode.XCHACHA20_POLY1305_RTPSIZE.wireName()), 1000, null);
    }

    public static VoiceServerEmulator start(List<String> modes, long heartbeatIntervalMs, SSLContext tls)
            throws IOException {
        return new VoiceServerEmulator(modes, heartbeatIntervalMs, tls);
    }

    /** Plays Discord's DAVE side for the sessions identifying from now on that offer it. */
    public VoiceServerEmulator enableDave() {
        dave = true;
        return this;
    }

    /** Commits announced (opcode 29) in room {@code serverId}. */
    public synchronized long daveCommits(String serverId) {
        DaveRoom r = daveRooms.get(serverId);
        return r == null ? 0 : r.commits();
    }

    /** DAVE transitions executed (opcode 22 sent to all their participants) in room {@code serverId}. */
    public synchronized long daveTransitions(String serverId) {
        DaveRoom r = daveRooms.get(serverId);
        return r == null ? 0 : r.executed();
    }

    /** DAVE Remove proposals sent (opcode 27) in room {@code serverId}: members that left. */
    public synchronized long daveRemovals(String serverId) {
        DaveRoom r = daveRooms.get(serverId);
        return r == null ? 0 : r.removals();
    }

    /** DAVE Add proposals revoked (opcode 27, operation 1) in room {@code serverId}. */
    public synchronized long daveRevocations(String serverId) {
        DaveRoom r = daveRooms.get(serverId);
        return r == null ? 0 : r.revocations();
    }

    /** The MLS epoch room {@code serverId}'s gateway believes its group is in (-1 without a room). */
    public synchronized long daveEpoch(String serverId) {
        DaveRoom r = daveRooms.get(serverId);
        return r == null ? -1 : r.epoch();
    }

    /**
     * The user left the call (Discord learns it from the main gateway's voice state): its session is dropped and its
     * gateway closed (4014: disconnected, no reconnect), the others in the room get client_disconnect (13) and, with
     * DAVE, the gateway's Remove proposal for its leaf (27) or the revocation of its uncommitted Add.
     */
    public synchronized void leave(String serverId, long userId) {
        Session s = session(serverId, userId);
        if (s == null) {
            return;
        }
        sessions.remove(s);
        WebSocketServer.Connection c = s.connection;
        if (c != null && c.isOpen()) {
            c.close(4014, "disconnected");
        }
        s.close();
        ObjectNode d = JSON.createObjectNode();
        d.put("user_id", Long.toUnsignedString(userId));
        for (Session o : sessions) {
            if (o.serverId.equals(serverId)) {
                o.send(VoiceOp.CLIENT_DISCONNECT, d);
            }
        }
        DaveRoom room = daveRooms.get(serverId);
        if (room != null && s.daveVersion > 0) {
            room.leave(s);
        }
    }

    /** The endpoint for a Java leg ({@code ws://127.0.0.1:port}). */
    public String endpoint() {
        return "ws://127.0.0.1:" + ws.port();
    }

    /** {@code 127.0.0.1:port}, the form Discord hands out (clients prepend wss://). */
    public String hostPort() {
        return "127.0.0.1:" + ws.port();
    }

    public List<Received> received() {
        return received;
    }

    public List<Received> received(int op) {
        return received.stream().filter(r -> r.op() == op).toList();
    }

    public long relayedPackets() {
        return relayedPackets.get();
    }

    /** PLI, FIR and NACK packets forwarded from a receiver to the sender they name. */
    public long feedbackForwarded() {
        return feedbackForwarded.get();
    }

    /** The current session of {@code userId} in room {@code serverId}, or null. */
    public Session session(String serverId, long userId) {
        for (Session s : sessions) {
            if (s.serverId.equals(serverId) && s.userId == userId) {
                return s;
            }
        }
        return null;
    }

    /** Closes the gateway WebSocket of that session with {@code code}. */
    public void closeGateway(String serverId, long userId, int code) {
        Session s = session(serverId, userId);
        if (s != null && s.connection != null) {
            s.connection.close(code, "emulator");
        }
    }

    /** Drops the TCP connection of that session without a close frame (the client sees 1006). */
    public void crashGateway(String serverId, long userId) {
        Session s = session(serverId, userId);
        if (s != null && s.connection != null) {
            s.connection.abort();
        }
    }

    /**
     * Impairs what is relayed to that session, from a seeded generator: about 8% of packets swapped with the next
     * one, 3% duplicated, and 5% held back and delivered two packets later as RTX (RFC 4588: original sequence
     * number first, on the announced RTX SSRC and payload type); an RTCP sender report every 40 packets.
     */
    public void impair(String serverId, long userId, long seed) {
        Session s = session(serverId, userId);
        if (s != null) {
            s.impairment = new Impairment(seed, false);
        }
    }

    /**
     * Drops about 5% of the H264 packets relayed to that session (seeded) and leaves their repair to the legs:
     * the receiver's NACK goes back to the sender, whose RTX answer is relayed like any packet.
     */
    public void dropH264(String serverId, long userId, long seed) {
        Session s = session(serverId, userId);
        if (s != null) {
            s.impairment = new Impairment(seed, true);
        }
    }

    /** {swapped, duplicated, retransmitted or dropped} so far on that session's impaired link. */
    public long[] impairmentCounts(String serverId, long userId) {
        Impairment imp = session(serverId, userId).impairment;
        synchronized (imp) {
            return new long[] {imp.swapped, imp.duplicated, imp.retransmitted};
        }
    }

    /** The state of one session's impaired link. */
    static final class Impairment {
        final java.util.Random random;
        final boolean dropOnly;
        byte[] held;
        final List<Object[]> pendingRtx = new ArrayList<>(); // {countdown int[], packet byte[]}
        int rtxSequence = 1000;
        int packets;
        long swapped;
        long duplicated;
        long retransmitted;

        Impairment(long seed, boolean dropOnly) {
            this.random = new java.util.Random(seed);
            this.dropOnly = dropOnly;
        }
    }

    /** Sends {@code text} as it is on that session's gateway WebSocket (malformed input on demand). */
    public void sendRawText(String serverId, long userId, String text) {
        session(serverId, userId).connection.sendText(text);
    }

    /** Sends a binary gateway frame as it is. */
    public void sendRawBinary(String serverId, long userId, byte[] frame) {
        session(serverId, userId).connection.sendBinary(frame);
    }

    /** Drops every datagram to and from that session for {@code duration}. */
    public void blackholeUdp(String serverId, long userId, Duration duration) {
        Session s = session(serverId, userId);
        if (s != null) {
            s.blackholeUntil = System.nanoTime() + duration.toNanos();
        }
    }

    @Override
    public void close() {
        ws.close();
        sessions.forEach(Session::close);
        sessions.clear();
    }

    /** One identified connection: its ids, SSRCs, UDP socket, transport key and what it received. */
    public final class Session {
        final String serverId;
        final String sessionId;
        final long userId;
        final int ssrc;
        final int videoSsrc;
        final int rtxSsrc;
        final DatagramSocket udp;
        final Thread udpThread;
        final Map<Long, Integer> mapped = new ConcurrentHashMap<>(); // (sender session id << 32 | ssrc) → ssrc here
        final Map<Integer, long[]> reverse = new ConcurrentHashMap<>(); // ssrc here → {sender index, ssrc}
        final List<byte[]> audioPayloads = new CopyOnWriteArrayList<>();
        final AtomicLong rtpReceived = new AtomicLong();
        final AtomicLong senderReports = new AtomicLong();
        final AtomicLong seq = new AtomicLong();
        final AtomicLong daveFrames = new AtomicLong();
        /** The last payload byte of this sender's previous video packet (-1: none). */
        private int previousLastByte = -1;
        final AtomicLong clearFrames = new AtomicLong();
        volatile int daveVersion;
        volatile long daveGroupId;
        final int index;
        volatile WebSocketServer.Connection connection;
        volatile InetSocketAddress peer;
        volatile DiscordTransportCipher cipher;
        volatile String mode;
        volatile ObjectNode video; // the session's last Video announcement
        volatile long blackholeUntil;
        volatile boolean closed;
        volatile Impairment impairment;
        volatile long lastRelayNanos;

        Session(String serverId, String sessionId, long userId, WebSocketServer.Connection c) throws IOException {
            this.serverId = serverId;
            this.sessionId = sessionId;
            this.userId = userId;
            this.connection = c;
            this.index = nextSsrc.getAndIncrement();
            this.ssrc = nextSsrc.getAndAdd(3);
            this.videoSsrc = ssrc + 1;
            this.rtxSsrc = ssrc + 2;
            this.udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            udp.setSoTimeout(20);
            this.udpThread = Thread.ofPlatform().daemon().name("emulator-udp-" + userId).start(this::udpLoop);
        }

        public int ssrc() {
            return ssrc;
        }

        public int videoSsrc() {
            return videoSsrc;
        }

        public long rtpReceived() {
            return rtpReceived.get();
        }

        /** RTCP sender reports about this session's video SSRC that opened with its key. */
        public long senderReports() {
            return senderReports.get();
        }

        /** Opus payloads this session sent, decrypted. */
        public List<byte[]> audioPayloads() {
            return audioPayloads;
        }

        public String mode() {
            return mode;
        }

        /** Video frames (marker packets of payload type 103) this session sent ending in DAVE's {@code FA FA}. */
        public long daveFrames() {
            return daveFrames.get();
        }

        /** Video frames this session sent without the DAVE trailer. */
        public long clearFrames() {
            return clearFrames.get();
        }

        /** The DAVE protocol version its Session Description carried. */
        public int daveVersion() {
            return daveVersion;
        }

        /** A binary gateway frame {@code [u16 BE seq][u8 op][payload]}; the sequence is shared with JSON messages. */
        void sendBinary(int op, byte[] payload) {
            long n = seq.incrementAndGet();
            byte[] frame = new byte[3 + payload.length];
            frame[0] = (byte) (n >>> 8);
            frame[1] = (byte) n;
            frame[2] = (byte) op;
            System.arraycopy(payload, 0, frame, 3, payload.length);
            WebSocketServer.Connection c = connection;
            if (c != null) {
                c.sendBinary(frame);
            }
        }

        int map(Session sender, int senderSsrc) {
            long key = (long) sender.index << 32 | (senderSsrc & 0xFFFFFFFFL);
            return mapped.computeIfAbsent(key, k -> {
                int m = nextSsrc.getAndIncrement() * 7 + 100_000;
                reverse.put(m, new long[] {sender.index, senderSsrc});
                return m;
            });
        }

        void send(VoiceOp op, JsonNode d) {
            ObjectNode root = JSON.createObjectNode();
            root.put("op", op.code);
            root.set("d", d);
            root.put("seq", seq.incrementAndGet());
            WebSocketServer.Connection c = connection;
            if (c != null) {
                c.sendText(root.toString());
            }
        }

        boolean blackholed() {
            return System.nanoTime() - blackholeUntil < 0;
        }

        private void udpLoop() {
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            while (!closed) {
                try {
                    p.setLength(buf.length);
                    udp.receive(p);
                } catch (SocketTimeoutException e) {
                    flushImpairment();
                    continue;
                } catch (IOException e) {
                    return;
                }
                flushImpairment();
                if (blackholed()) {
                    continue;
                }
                onDatagram(p);
            }
        }

        private void onDatagram(DatagramPacket p) {
            int len = p.getLength();
            MemorySegment s = MemorySegment.ofArray(java.util.Arrays.copyOf(p.getData(), len + 64));
            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
            if (IpDiscovery.isRequest(s, 0, len) && IpDiscovery.ssrc(s, 0) == ssrc) {
                peer = from;
                IpDiscovery.writeResponse(s, 0, ssrc, from);
                sendRaw(s, IpDiscovery.LENGTH, from);
                return;
            }
            if (len == 8) { // keepalive: echoed, as Discord's servers do
                peer = from;
                sendRaw(s, 8, from);
                return;
            }
            DiscordTransportCipher c = cipher;
            if (c == null || len < 12 || Bytes.u8(s, 0) >>> 6 != 2) {
                return;
            }
            peer = from;
            int b1 = Bytes.u8(s, 1);
            if (b1 >= 200 && b1 <= 206) {
                onRtcp(c, s, len, b1);
                return;
            }
            int n;
            synchronized (c) {
                n = c.openRtp(s, 0, len);
            }
            if (n < 0) {
                return;
            }
            rtpReceived.incrementAndGet();
            int pt = b1 & 0x7F;
            if (pt == 103) {
                countDaveTrailer(s, n, (b1 & 0x80) != 0);
            }
            if (pt == 120) {
                int header = 12 + 4 * (Bytes.u8(s, 0) & 0x0F);
                if ((Bytes.u8(s, 0) & 0x10) != 0) {
                    header += 4 + 4 * Bytes.u16(s, header + 2);
                }
                if (header <= n) {
                    audioPayloads.add(s.asSlice(header, n - header).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                }
            }
            int senderSsrc = Bytes.i32(s, 8);
            for (Session r : sessions) {
                if (r == this || !r.serverId.equals(serverId)) {
                    continue;
                }
                r.relay(this, senderSsrc, s, n);
            }
        }

        /**
         * Counts whether the frame ending in a marker packet carries DAVE's trailer (its last two bytes FA FA). The
         * trailer may straddle two packets: an FU-A whose last fragment is one byte (RFC 6184 §5.8: indicator,
         * header, one byte) has the trailer's first FA at the end of the packet before; so every video packet
         * leaves its last payload byte here.
         */
        private void countDaveTrailer(MemorySegment s, int n, boolean marker) {
            int end = n;
            if ((Bytes.u8(s, 0) & 0x20) != 0) { // RFC 3550 §5.1 padding: the last byte counts it
                end -= Bytes.u8(s, n - 1);
            }
            int header = 12 + 4 * (Bytes.u8(s, 0) & 0x0F);
            if ((Bytes.u8(s, 0) & 0x10) != 0 && header + 4 <= end) {
                header += 4 + 4 * Bytes.u16(s, header + 2);
            }
            if (end <= header) {
                return;
            }
            boolean fuA = (Bytes.u8(s, header) & 0x1F) == 28;
            int data = header + (fuA ? 2 : 0);
            int last = end > data ? Bytes.u8(s, end - 1) : -1;
            int beforeLast = end - 2 >= data ? Bytes.u8(s, end - 2) : previousLastByte;
            previousLastByte = last;
            if (!marker) {
                return;
            }
            if (last == 0xFA && beforeLast == 0xFA) {
                daveFrames.incrementAndGet();
            } else {
                clearFrames.incrementAndGet();
            }
        }

        private void relay(Session sender, int senderSsrc, MemorySegment plain, int length) {
            DiscordTransportCipher c = cipher;
            InetSocketAddress to = peer;
            if (c == null || to == null || blackholed() || closed) {
                return;
            }
            byte[] packet = plain.asSlice(0, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            Bytes.put32(MemorySegment.ofArray(packet), 8, map(sender, senderSsrc));
            Impairment imp = impairment;
            if (imp == null) {
                sealAndSend(packet);
                return;
            }
            synchronized (imp) {
                lastRelayNanos = System.nanoTime();
                double r = imp.random.nextDouble();
                if (imp.dropOnly) {
                    if ((packet[1] & 0x7F) == 103 && r < 0.05) {
                        imp.retransmitted++; // dropped: the legs must repair it
                    } else {
                        sealAndSend(packet);
                    }
                    return;
                }
                if (r < 0.05) {
                    imp.pendingRtx.add(new Object[] {new int[] {2}, toRtx(imp, sender, packet)});
                    imp.retransmitted++;
                } else if (r < 0.13 && imp.held == null) {
                    imp.held = packet;
                    imp.swapped++;
                } else {
                    sealAndSend(packet);
                    if (imp.held != null) {
                        sealAndSend(imp.held);
                        imp.held = null;
                    }
                    if (r > 0.97) {
                        sealAndSend(packet);
                        imp.duplicated++;
                    }
                }
                for (var it = imp.pendingRtx.iterator(); it.hasNext();) {
                    Object[] p = it.next();
                    if (--((int[]) p[0])[0] < 0) {
                        sealAndSend((byte[]) p[1]);
                        it.remove();
                    }
                }
                if (++imp.packets % 40 == 0) {
                    sendSenderReport();
                }
            }
        }

        /** Sends what the impairment still holds once the stream pauses (called from this session's UDP loop). */
        void flushImpairment() {
            Impairment imp = impairment;
            if (imp == null || System.nanoTime() - lastRelayNanos < 30_000_000L) {
                return;
            }
            synchronized (imp) {
                if (imp.held != null) {
                    sealAndSend(imp.held);
                    imp.held = null;
                }
                for (Object[] p : imp.pendingRtx) {
                    sealAndSend((byte[]) p[1]);
                }
                imp.pendingRtx.clear();
            }
        }

        /** RFC 4588 §4: same header (extension included) with RTX SSRC, PT and sequence, then OSN, then payload. */
        private byte[] toRtx(Impairment imp, Session sender, byte[] packet) {
            MemorySegment p = MemorySegment.ofArray(packet);
            int header = 12 + 4 * (packet[0] & 0x0F);
            if ((packet[0] & 0x10) != 0) {
                header += 4 + 4 * Bytes.u16(p, header + 2);
            }
            byte[] rtx = new byte[packet.length + 2];
            System.arraycopy(packet, 0, rtx, 0, header);
            MemorySegment r = MemorySegment.ofArray(rtx);
            rtx[1] = (byte) ((packet[1] & 0x80) | ((packet[1] & 0x7F) + 1));
            Bytes.put16(r, 2, imp.rtxSequence++);
            Bytes.put32(r, 8, map(sender, sender.rtxSsrc));
            Bytes.put16(r, header, Bytes.u16(p, 2));
            System.arraycopy(packet, header, rtx, header + 2, packet.length - header);
            return rtx;
        }

        private void sendSenderReport() {
            byte[] sr = new byte[28];
            MemorySegment s = MemorySegment.ofArray(sr);
            io.mediaplane.rtp.RtcpSenderReport.write(s, 0, ssrc, 0, 0, 0, 0);
            DiscordTransportCipher c = cipher;
            InetSocketAddress to = peer;
            MemorySegment copy = MemorySegment.ofArray(new byte[28 + 64]);
            MemorySegment.copy(s, 0, copy, 0, 28);
            int n;
            synchronized (c) {
                n = c.sealRtcp(copy, 0, 28, 28 + 64);
            }
            if (n > 0) {
                sendRaw(copy, n, to);
            }
        }

        private void sealAndSend(byte[] packet) {
            DiscordTransportCipher c = cipher;
            InetSocketAddress to = peer;
            if (c == null || to == null) {
                return;
            }
            MemorySegment copy = MemorySegment.ofArray(new byte[packet.length + 64]);
            MemorySegment.copy(MemorySegment.ofArray(packet), 0, copy, 0, packet.length);
            int n;
            synchronized (c) {
                n = c.sealRtp(copy, 0, packet.length, packet.length + 64);
            }
            if (n > 0) {
                sendRaw(copy, n, to);
                relayedPackets.incrementAndGet();
            }
        }

        private void onRtcp(DiscordTransportCipher c, MemorySegment s, int len, int pt) {
            int n;
            synchronized (c) {
                n = c.openRtcp(s, 0, len);
            }
            if (n >= 28 && pt == 200 && Bytes.i32(s, 4) == videoSsrc) {
                senderReports.incrementAndGet(); // opened (tag verified) and about this session's video
            }
            int fmt = Bytes.u8(s, 0) & 0x1F;
            if (n < 12 || pt != 206 && !(pt == 205 && fmt == 1)) { // PLI, FIR and generic NACK go to the sender
                return;
            }
            long mediaAt = fmt == 4 ? 12 : 8; // FIR names the SSRC in its FCI (RFC 5104 §4.3.1)
            if (mediaAt + 4 > n) {
                return;
            }
            long[] origin = reverse.get(Bytes.i32(s, mediaAt));
            if (origin == null) {
                return;
            }
            for (Session target : sessions) {
                if (target.index == origin[0]) {
                    Bytes.put32(s, mediaAt, origin[1]);
                    DiscordTransportCipher tc = target.cipher;
                    InetSocketAddress to = target.peer;
                    if (tc == null || to == null || target.blackholed()) {
                        return;
                    }
                    MemorySegment copy = MemorySegment.ofArray(new byte[n + 64]);
                    MemorySegment.copy(s, 0, copy, 0, n);
                    int m;
                    synchronized (tc) {
                        m = tc.sealRtcp(copy, 0, n, n + 64);
                    }
                    if (m > 0) {
                        target.sendRaw(copy, m, to);
                        feedbackForwarded.incrementAndGet();
                    }
                    return;
                }
            }
        }

        void sendRaw(MemorySegment s, int length, InetSocketAddress to) {
            if (blackholed()) {
                return;
            }
            byte[] b = s.asSlice(0, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            try {
                udp.send(new DatagramPacket(b, b.length, to));
            } catch (IOException e) {
                // the client went away
            }
        }

        void close() {
            closed = true;
            udp.close();
            try {
                udpThread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The server-side opcodes the emulator sends. */
    enum VoiceOp {
        READY(2), SESSION_DESCRIPTION(4), SPEAKING(5), HEARTBEAT_ACK(6), HELLO(8), RESUMED(9), CLIENTS_CONNECT(11),
        VIDEO(12), CLIENT_DISCONNECT(13), DAVE_EXECUTE_TRANSITION(22);

        final int code;

        VoiceOp(int code) {
            this.code = code;
        }
    }

    private final class Gateway implements WebSocketServer.Handler {
        @Override
        public void onOpen(WebSocketServer.Connection c) {
            ObjectNode hello = JSON.createObjectNode();
            hello.put("heartbeat_interval", heartbeatIntervalMs);
            ObjectNode root = JSON.createObjectNode();
            root.put("op", 8);
            root.set("d", hello);
            c.sendText(root.toString());
        }

        @Override
        public void onText(WebSocketServer.Connection c, String text) {
            JsonNode msg;
            try {
                msg = JSON.readTree(text);
            } catch (IOException e) {
                c.close(4002, "decode");
                return;
            }
            int op = msg.path("op").asInt(-1);
            JsonNode d = msg.path("d");
            received.add(new Received(op, d));
            synchronized (VoiceServerEmulator.this) {
                Session s = (Session) c.attachment;
                switch (op) {
                    case 0 -> identify(c, d);
                    case 1 -> selectProtocol(c, s, d);
                    case 3 -> {
                        ObjectNode ack = JSON.createObjectNode();
                        ack.set("t", d.path("t"));
                        ObjectNode root = JSON.createObjectNode();
                        root.put("op", 6);
                        root.set("d", ack);
                        c.sendText(root.toString());
                    }
                    case 5 -> speaking(s, d);
                    case 7 -> resume(c, d);
                    case 12 -> video(s, d);
                    case 23 -> {
                        DaveRoom room = s == null ? null : daveRooms.get(s.serverId);
                        if (room != null) {
                            room.onReadyForTransition(s, d.path("transition_id").asInt(-1));
                        }
                    }
                    case 31 -> {
                        DaveRoom room = s == null ? null : daveRooms.get(s.serverId);
                        if (room != null) {
                            room.onInvalidCommitWelcome(s);
                        }
                    }
                    default -> {
                        // 15 sink wants and others: recorded only
                    }
                }
            }
        }

        @Override
        public void onBinary(WebSocketServer.Connection c, byte[] data) {
            received.add(new Received(data.length > 0 ? data[0] & 0xFF : -1, null));
            synchronized (VoiceServerEmulator.this) {
                Session s = (Session) c.attachment;
                DaveRoom room = s == null ? null : daveRooms.get(s.serverId);
                if (room == null || s.daveVersion == 0 || data.length < 1) {
                    return;
                }
                byte[] payload = java.util.Arrays.copyOfRange(data, 1, data.length);
                switch (data[0] & 0xFF) {
                    case 26 -> room.onKeyPackage(s, payload);
                    case 28 -> room.onCommitWelcome(s, payload);
                    default -> {
                        // client binary opcodes end here; others are recorded only
                    }
                }
            }
        }

        @Override
        public void onClose(WebSocketServer.Connection c, int code) {
            Session s = (Session) c.attachment;
            if (s != null && s.connection == c) {
                s.connection = null; // kept for Resume
            }
        }

        private void identify(WebSocketServer.Connection c, JsonNode d) {
            String serverId = d.path("server_id").asText(null);
            String sessionId = d.path("session_id").asText(null);
            String token = d.path("token").asText(null);
            long userId;
            try {
                userId = Long.parseUnsignedLong(d.path("user_id").asText(""));
            } catch (NumberFormatException e) {
                c.close(4002, "user_id");
                return;
            }
            if (serverId == null || sessionId == null || token == null || token.isEmpty()) {
                c.close(4004, "authentication failed");
                return;
            }
            if (c.query().contains("v=9") && !d.hasNonNull("channel_id")) {
                c.close(4020, "channel_id required on v9");
                return;
            }
            Session old = session(serverId, userId);
            if (old != null) {
                sessions.remove(old);
                old.close();
                DaveRoom room = daveRooms.get(serverId);
                if (room != null) {
                    room.leave(old);
                }
            }
            Session s;
            try {
                s = new Session(serverId, sessionId, userId, c);
            } catch (IOException e) {
                c.close(4000, "udp");
                return;
            }
            c.attachment = s;
            sessions.add(s);
            if (dave && d.path("max_dave_protocol_version").asInt(0) >= 1) {
                s.daveVersion = 1;
                s.daveGroupId = d.hasNonNull("channel_id")
                        ? Long.parseUnsignedLong(d.path("channel_id").asText())
                        : Long.parseUnsignedLong(serverId) - 1;
            }
            ObjectNode ready = JSON.createObjectNode();
            ready.put("ssrc", s.ssrc);
            ready.put("ip", "127.0.0.1");
            ready.put("port", s.udp.getLocalPort());
            ArrayNode m = ready.putArray("modes");
            modes.forEach(m::add);
            ready.putArray("experiments");
            ArrayNode streams = ready.putArray("streams");
            ObjectNode st = streams.addObject();
            st.put("type", "video");
            st.put("rid", "100");
            st.put("ssrc", s.videoSsrc);
            st.put("rtx_ssrc", s.rtxSsrc);
            st.put("quality", 100);
            st.put("active", false);
            s.send(VoiceOp.READY, ready);
            // everyone else in the room learns about the newcomer, and the newcomer about everyone
            ObjectNode others = JSON.createObjectNode();
            ArrayNode ids = others.putArray("user_ids");
            for (Session o : sessions) {
                if (o != s && o.serverId.equals(serverId)) {
                    ids.add(Long.toUnsignedString(o.userId));
                    ObjectNode one = JSON.createObjectNode();
                    one.putArray("user_ids").add(Long.toUnsignedString(userId));
                    o.send(VoiceOp.CLIENTS_CONNECT, one);
                }
            }
            if (!ids.isEmpty()) {
                s.send(VoiceOp.CLIENTS_CONNECT, others);
            }
        }

        private void selectProtocol(WebSocketServer.Connection c, Session s, JsonNode d) {
            if (s == null) {
                c.close(4003, "not authenticated");
                return;
            }
            String mode = d.path("data").path("mode").asText("");
            if (!modes.contains(mode) || !"udp".equals(d.path("protocol").asText())) {
                c.close(4016, "unknown encryption mode");
                return;
            }
            byte[] key = new byte[32];
            RANDOM.nextBytes(key);
            ObjectNode sd = JSON.createObjectNode();
            sd.put("mode", mode);
            ArrayNode k = sd.putArray("secret_key");
            for (byte b : key) {
                k.add(b & 0xFF);
            }
            sd.put("dave_protocol_version", s.daveVersion);
            sd.put("video_codec", "H264");
            sd.put("audio_codec", "opus");
            sd.put("media_session_id", Long.toHexString(RANDOM.nextLong()));
            s.mode = mode;
            s.cipher = DiscordTransportCipher.builder(DiscordAeadMode.of(mode), key).build();
            s.send(VoiceOp.SESSION_DESCRIPTION, sd);
            if (s.daveVersion > 0) {
                daveRooms.computeIfAbsent(s.serverId, id -> new DaveRoom(s.daveGroupId)).onSessionDescription(s);
            }
            // announce the video already flowing in the room
            for (Session o : sessions) {
                if (o != s && o.serverId.equals(s.serverId) && o.video != null) {
                    s.send(VoiceOp.VIDEO, relayedVideo(o, s));
                }
            }
        }

        private void resume(WebSocketServer.Connection c, JsonNode d) {
            String serverId = d.path("server_id").asText("");
            String sessionId = d.path("session_id").asText("");
            for (Session s : sessions) {
                if (s.serverId.equals(serverId) && s.sessionId.equals(sessionId)
                        && (s.connection == null || !s.connection.isOpen())) {
                    s.connection = c;
                    c.attachment = s;
                    s.send(VoiceOp.RESUMED, JSON.nullNode());
                    return;
                }
            }
            c.close(4006, "session no longer valid");
        }

        private void speaking(Session s, JsonNode d) {
            if (s == null) {
                return;
            }
            for (Session o : sessions) {
                if (o != s && o.serverId.equals(s.serverId)) {
                    ObjectNode sp = JSON.createObjectNode();
                    sp.put("user_id", Long.toUnsignedString(s.userId));
                    sp.put("ssrc", Integer.toUnsignedLong(o.map(s, s.ssrc)));
                    sp.put("speaking", d.path("speaking").asInt(0));
                    o.send(VoiceOp.SPEAKING, sp);
                }
            }
        }

        private void video(Session s, JsonNode d) {
            if (s == null || !d.isObject()) {
                return;
            }
            s.video = (ObjectNode) d.deepCopy();
            for (Session o : sessions) {
                if (o != s && o.serverId.equals(s.serverId) && o.cipher != null) {
                    o.send(VoiceOp.VIDEO, relayedVideo(s, o));
                }
            }
        }

        /** {@code sender}'s announcement as {@code receiver} sees it: its user id, SSRCs in its namespace. */
        private ObjectNode relayedVideo(Session sender, Session receiver) {
            ObjectNode v = sender.video.deepCopy();
            v.put("user_id", Long.toUnsignedString(sender.userId));
            v.remove("rtx_ssrc");
            v.put("audio_ssrc", Integer.toUnsignedLong(receiver.map(sender, sender.ssrc)));
            long video = v.path("video_ssrc").asLong(0);
            v.put("video_ssrc", video == 0 ? 0 : Integer.toUnsignedLong(receiver.map(sender, (int) video)));
            for (JsonNode st : v.path("streams")) {
                ObjectNode o = (ObjectNode) st;
                long ssrc = o.path("ssrc").asLong(0);
                long rtx = o.path("rtx_ssrc").asLong(0);
                if (ssrc != 0) {
                    o.put("ssrc", Integer.toUnsignedLong(receiver.map(sender, (int) ssrc)));
                }
                if (rtx != 0) {
                    o.put("rtx_ssrc", Integer.toUnsignedLong(receiver.map(sender, (int) rtx)));
                }
            }
            return v;
        }
    }
}
