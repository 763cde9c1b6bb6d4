package io.mediaplane.net;

import io.mediaplane.crypto.SrtpContext;
import io.mediaplane.crypto.SrtpKeyingMaterial;
import io.mediaplane.crypto.SrtpProfile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One WebRTC peer's transport on a {@link MediaPort}: an ICE-lite agent (RFC 8445 §2.5), a DTLS-SRTP endpoint
 * (RFC 5764) and the SRTP context it keys. Made by {@link MediaPort#register}; the session above it (WHIP/WHEP)
 * gets opened RTP/RTCP through its {@link TransportListener} and sends already-sealed packets with
 * {@link #send}.
 *
 * <p><b>Lifecycle</b> ({@link TransportState}): NEW until an authenticated binding request gives the peer's
 * address; CONNECTING while DTLS runs; CONNECTED when SRTP keys exist ({@link #srtp()}); CLOSED on
 * {@link #close()}, consent expiry (RFC 7675), a DTLS close/alert or a failed handshake — then its ufrag and
 * address mappings are gone from the port, its DTLS thread has ended and its SRTP context is closed.
 *
 * <p><b>Threads.</b> The port's receive thread delivers packets and runs ICE; the DTLS handshake runs on one
 * virtual thread per transport, started on the first DTLS record (server) or the first validated address
 * (client), ended on close. {@link #send} may be called from any thread. {@link #srtp()}: seal on one
 * thread (the caller's); the receive thread opens.
 */
public final class PeerTransport implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PeerTransport.class.getName());
    private final MediaPort port;
    private final TransportListener listener;
    private final PortCounters counters = new PortCounters();
    private final CompletableFuture<TransportState> connected = new CompletableFuture<>();
    private final CompletableFuture<TransportEndReason> closed = new CompletableFuture<>();
    /** Addresses that sent an authenticated binding request: the valid pairs of a lite agent (RFC 8445 §7.3). */
    private final List<PeerAddress> validated = new CopyOnWriteArrayList<>();
    private final DtlsEndpoint dtls;
    private final DtlsRole dtlsRole;
    private final DtlsFingerprint remoteFingerprint;
    private final List<SrtpProfile> srtpProfiles;

    private volatile IceCredentials local;
    private volatile IceCredentials remote;
    private volatile TransportState state = TransportState.NEW;
    private volatile TransportEndReason endReason;
    private volatile String endDetail;
    private volatile PeerAddress selected;
    private volatile boolean nominated;
    private volatile SrtpContext srtp;
    private volatile long lastConsentNanos;
    /**
     * SRTP/SRTCP that arrived during the handshake, opened once our keys exist (receive thread only). A peer that
     * is the DTLS client has its keys as soon as our Finished reaches it and sends media at once, while we are
     * still exporting and deriving ours (RFC 5764 §4.2): without this its first packets, usually its keyframe,
     * were lost. Packets it protected before it had keys (GStreamer's dtlssrtpenc uses a random key until then)
     * fail to open and are counted as {@link PortEvent#SRTP_NOT_READY}, which is what they are.
     */
    private final ArrayDeque<EarlyPacket> early = new ArrayDeque<>();
    /** Serialises sealing (any thread) with the context's close, so a packet is never sealed by a closed context. */
    private final java.util.concurrent.locks.ReentrantLock sealLock = new java.util.concurrent.locks.ReentrantLock();
    private final java.util.concurrent.atomic.AtomicLongArray sendCounts =
            new java.util.concurrent.atomic.AtomicLongArray(SendStatus.values().length);

    PeerTransport(MediaPort port, TransportConfig config, TransportListener listener, long now) {
        this.port = port;
        this.listener = listener;
        this.local = config.local();
        this.remote = config.remote();
        this.dtlsRole = config.dtlsRole();
        this.remoteFingerprint = config.remoteFingerprint();
        this.srtpProfiles = config.srtpProfiles();
        this.lastConsentNanos = now;
        this.dtls = new DtlsEndpoint(this, port.options()::certificate, port.options().handshakeTimeout());
    }

    // ---------------------------------------------------------------- public API

    public IceCredentials localCredentials() {
        return local;
    }

    public IceCredentials remoteCredentials() {
        return remote;
    }

    public DtlsRole dtlsRole() {
        return dtlsRole;
    }

    /** The fingerprint the peer's certificate must match. */
    public DtlsFingerprint remoteFingerprint() {
        return remoteFingerprint;
    }

    /** Ours, for the answer's {@code a=fingerprint}. */
    public DtlsFingerprint localFingerprint() {
        return port.options().certificate().fingerprint();
    }

    public TransportState state() {
        return state;
    }

    /** Why it ended, or null while live. */
    public TransportEndReason endReason() {
        return endReason;
    }

    /** A sentence on the end (alert, mismatch detail), or null. */
    public String endDetail() {
        return endDetail;
    }

    /** Where packets go: the nominated address, else the first validated one; null before ICE. */
    public PeerAddress remoteAddress() {
        return selected;
    }

    /** Whether the controlling peer nominated {@link #remoteAddress()} with USE-CANDIDATE. */
    public boolean nominated() {
        return nominated;
    }

    /** Addresses validated by authenticated binding requests (each is mapped to this transport on the port). */
    public List<PeerAddress> validatedAddresses() {
        return List.copyOf(validated);
    }

    /**
     * The SRTP context keyed by DTLS-SRTP, or null before {@link TransportState#CONNECTED}. It is closed when the
     * transport ends, after which sealing with it throws; and one context must not seal on two threads at once.
     * {@link #sealAndSend} takes care of both.
     */
    public SrtpContext srtp() {
        return srtp;
    }

    /** The negotiated profile, or null before CONNECTED. */
    public SrtpProfile srtpProfile() {
        SrtpContext s = srtp;
        return s == null ? null : s.profile();
    }

    /** Completes with CONNECTED when DTLS-SRTP is up, or with CLOSED if the transport ends first. */
    public CompletableFuture<TransportState> whenConnected() {
        return connected;
    }

    /** Completes with the reason when the transport has ended and freed everything. */
    public CompletableFuture<TransportEndReason> whenClosed() {
        return closed;
    }

    /** Datagrams this transport handled and dropped, by outcome. */
    public PortCounters counters() {
        return counters;
    }

    /**
     * Sends one datagram (an SRTP/SRTCP packet sealed by the caller) to {@link #remoteAddress()}.
     *
     * @return 1 when sent, {@code -errno} from the socket (see {@link UdpStatus#of}), or {@code -ENOTCONN} when
     *         ICE has no address yet or the transport is closed
     */
    public int send(MemorySegment packet, long offset, int length) {
        PeerAddress to = selected;
        if (to == null || state == TransportState.CLOSED) {
            return -io.mediaplane.ffi.Errno.ENOTCONN;
        }
        return port.send(to, packet, offset, length);
    }

    /**
     * Seals {@code packet[offset, offset+length)} in place with this transport's SRTP context (RTP, or SRTCP when
     * {@code rtcp}; {@code capacity} bytes from {@code offset} are writable, room for the tag) and sends it to
     * {@link #remoteAddress()}. Safe from any thread and against the transport ending concurrently (then
     * {@link SendStatus#NOT_CONNECTED}). The buffer is the caller's own (never a packet shared with other viewers:
     * sealing writes into it).
     */
    public SendStatus sealAndSend(MemorySegment packet, long offset, int length, int capacity, boolean rtcp) {
        int sealed = seal(packet, offset, length, capacity, rtcp);
        if (sealed < 0) {
            return countSend(sealed == SEAL_NOT_CONNECTED ? SendStatus.NOT_CONNECTED : SendStatus.SEAL_REFUSED);
        }
        return countSend(send(packet, offset, sealed) >= 0 ? SendStatus.SENT : SendStatus.SOCKET_ERROR);
    }

    /** {@link #seal}: no SRTP keys yet, or the transport has ended. */
    static final int SEAL_NOT_CONNECTED = -1;
    /** {@link #seal}: the context refused the packet. */
    static final int SEAL_REFUSED = -2;

    /**
     * Seals in place under the lock that serialises every use of this transport's SRTP context for sending with
     * its close, for {@link #sealAndSend} and {@link SrtpSendBatch}.
     *
     * @return the sealed length, {@link #SEAL_NOT_CONNECTED} or {@link #SEAL_REFUSED}
     */
    int seal(MemorySegment packet, long offset, int length, int capacity, boolean rtcp) {
        int sealed;
        sealLock.lock();
        try {
            SrtpContext c = srtp;
            if (c == null || state != TransportState.CONNECTED) {
                return SEAL_NOT_CONNECTED;
            }
            sealed = rtcp ? c.sealRtcp(packet, offset, length, capacity) : c.sealRtp(packet, offset, length, capacity);
        } finally {
            sealLock.unlock();
        }
        return sealed < 0 ? SEAL_REFUSED : sealed;
    }

    /** How many packets sealed for this transport ({@link #sealAndSend}, {@link SrtpSendBatch}) ended with {@code status}. */
    public long sendCount(SendStatus status) {
        return sendCounts.get(status.ordinal());
    }

    SendStatus countSend(SendStatus s) {
        sendCounts.getAndIncrement(s.ordinal());
        return s;
    }

    /**
     * ICE restart (RFC 8445 §9, WHIP PATCH): new credentials on both sides; validated addresses are kept until
     * the peer checks again, DTLS and SRTP continue.
     *
     * @throws IllegalArgumentException when the new local ufrag is already registered on the port
     */
    public void restartIce(IceCredentials newLocal, IceCredentials newRemote) {
        if (newLocal.pwd() == null) {
            throw new IllegalArgumentException("our ICE password is needed");
        }
        port.renameUfrag(this, local.ufrag(), newLocal.ufrag());
        this.local = newLocal;
        this.remote = newRemote;
    }

    /** Ends the transport: DTLS close_notify if connected, mappings removed, thread ended, SRTP closed. */
    @Override
    public void close() {
        end(TransportEndReason.CLOSED_LOCALLY, null);
    }

    /**
     * Takes {@code remote} as the nominated pair without a check from it: for our controlling side facing an
     * ICE-lite peer, which never sends checks (RFC 8445 §2.5), once our own binding request to it was sent.
     * Starts the DTLS handshake when we are the client.
     */
    public void useRemoteCandidate(PeerAddress remote) {
        port.runOnReceiveThread(() -> onBindingRequest(remote, true, port.options().clock().nanos()));
    }

    // ---------------------------------------------------------------- from the port's receive thread

    /**
     * An authenticated binding request from {@code from} (already verified by the port): the address becomes a
     * valid pair; USE-CANDIDATE nominates it (RFC 8445 §7.3.1.5, regular nomination from the controlling peer).
     */
    void onBindingRequest(PeerAddress from, boolean useCandidate, long now) {
        lastConsentNanos = now;
        if (state == TransportState.CLOSED) {
            return;
        }
        if (!validated.contains(from)) {
            validated.add(from);
            port.mapAddress(from, this);
        }
        if (selected == null || (useCandidate && (!nominated || !from.equals(selected)))) {
            selected = from;
            nominated |= useCandidate;
        }
        if (state == TransportState.NEW) {
            changeState(TransportState.CONNECTING);
        }
        if (dtlsRole == DtlsRole.CLIENT) {
            dtls.start();
        }
    }

    void onDtls(byte[] a, int off, int len) {
        if (state == TransportState.CLOSED) {
            count(PortEvent.DTLS_LATE);
            return;
        }
        count(dtls.offer(a, off, len));
    }

    /**
     * An SRTP (or, with {@code rtcp}, SRTCP) packet from a validated address: opened in place, then delivered;
     * during the handshake, held (a copy) until the keys exist.
     */
    void onSrtp(MemorySegment s, long off, int len, boolean rtcp, long now) {
        SrtpContext c = srtp;
        if (c == null) {
            if (state == TransportState.CONNECTING) {
                if (early.size() == MAX_EARLY_PACKETS) {
                    early.poll();
                    count(PortEvent.SRTP_NOT_READY);
                }
                early.add(new EarlyPacket(s.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE), rtcp));
            } else {
                count(PortEvent.SRTP_NOT_READY);
            }
            return;
        }
        if (!early.isEmpty()) {
            openEarly();
        }
        open(c, s, off, len, rtcp, now, false);
    }

    /** Opens the packets held during the handshake, in arrival order; drops them if the transport has ended. */
    private void openEarly() {
        SrtpContext c = srtp;
        EarlyPacket p;
        while ((p = early.poll()) != null) {
            if (c == null || state == TransportState.CLOSED) { // srtp is set just before the state changes
                count(PortEvent.SRTP_NOT_READY);
            } else {
                open(c, MemorySegment.ofArray(p.data()), 0, p.data().length, p.rtcp(), port.options().clock().nanos(),
                        true);
            }
        }
    }

    private void open(SrtpContext c, MemorySegment s, long off, int len, boolean rtcp, long now, boolean held) {
        int r = rtcp ? c.openRtcp(s, off, len) : c.openRtp(s, off, len);
        if (r < 0) {
            count(held ? PortEvent.SRTP_NOT_READY : PortEvent.SRTP_REFUSED);
            return;
        }
        lastConsentNanos = now; // authenticated media also shows the peer is alive
        count(rtcp ? PortEvent.RTCP : PortEvent.RTP);
        try {
            if (rtcp) {
                listener.onRtcp(this, s, off, r);
            } else {
                listener.onRtp(this, s, off, r);
            }
        } catch (RuntimeException e) {
            listenerFailed(e); // one session's bug must not stop the port's receive thread
        }
    }

    private void listenerFailed(RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "transport listener of " + this + " threw", e);
    }

    /** Consent freshness (RFC 7675 §5.1): ends the transport when the peer has been silent too long. */
    boolean checkConsent(long now, Duration timeout) {
        if (state != TransportState.CLOSED && now - lastConsentNanos >= timeout.toNanos()) {
            end(TransportEndReason.CONSENT_EXPIRED, "no authenticated traffic for " + timeout.toSeconds() + " s");
            return true;
        }
        return false;
    }

    void count(PortEvent e) {
        counters.count(e);
        port.counters().count(e);
    }

    // ---------------------------------------------------------------- from the DTLS thread

    /** The port this transport sends and receives on. */
    public MediaPort port() {
        return port;
    }

    List<SrtpProfile> srtpProfiles() {
        return srtpProfiles;
    }

    /** The handshake finished: key SRTP (RFC 5764 §4.2; our write key is the client's when we are client). */
    void onDtlsConnected(SrtpKeyingMaterial material) {
        SrtpContext c = SrtpContext.forDtls(material, dtlsRole == DtlsRole.CLIENT).build();
        material.destroy();
        synchronized (this) {
            if (state == TransportState.CLOSED) {
                c.close();
                return;
            }
            srtp = c;
            changeState(TransportState.CONNECTED);
        }
        port.runOnReceiveThread(this::openEarly);
        connected.complete(TransportState.CONNECTED);
    }

    void onDtlsEnded(TransportEndReason reason, String detail) {
        end(reason, detail);
    }

    // ---------------------------------------------------------------- ending

    void end(TransportEndReason reason, String detail) {
        synchronized (this) {
            if (state == TransportState.CLOSED) {
                return;
            }
            endReason = reason;
            endDetail = detail;
            state = TransportState.CLOSED;
        }
        port.unregister(this, local.ufrag(), validated, reason);
        port.runOnReceiveThread(this::openEarly); // drops what the handshake left held
        // RFC 7675 §5.2: once consent expired we stop sending, so no close_notify then
        dtls.close(reason == TransportEndReason.CLOSED_LOCALLY || reason == TransportEndReason.PORT_CLOSED);
        SrtpContext c = srtp;
        if (c != null) {
            // the receive thread may be opening a packet with it right now: close it there, between batches
            port.runOnReceiveThread(() -> {
                sealLock.lock();
                try {
                    c.close();
                } finally {
                    sealLock.unlock();
                }
            });
        }
        connected.complete(TransportState.CLOSED);
        try {
            listener.onStateChange(this, TransportState.CLOSED);
            listener.onClosed(this, reason);
        } catch (RuntimeException e) {
            listenerFailed(e);
        } finally {
            closed.complete(reason);
        }
    }

    /** See {@link DtlsEndpoint#receivesAfterClose()}. */
    int dtlsReceivesAfterClose() {
        return dtls.receivesAfterClose();
    }

    private void changeState(TransportState s) {
        state = s;
        try {
            listener.onStateChange(this, s);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    /** At most this many packets are held during the handshake (a keyframe's worth at a few Mbit/s); oldest go. */
    private static final int MAX_EARLY_PACKETS = 64;

    private record EarlyPacket(byte[] data, boolean rtcp) {}

    @Override
    public String toString() {
        return "PeerTransport[" + local.ufrag() + ", " + state + (selected == null ? "" : ", " + selected) + "]";
    }
}
