package io.mediaplane.crypto;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * SRTP and SRTCP (RFC 3711, RFC 7714) for one session: the send direction protects with one master key, the
 * receive direction unprotects with another (DTLS-SRTP gives each side its own, RFC 5764 §4.2; SDES and the CLI
 * may use one for both). Session keys come from the {@linkplain SrtpKdf KDF} once at construction.
 *
 * <ul>
 *   <li><b>Streams</b>: state is kept per SSRC (RFC 3711 §3.2.3), created on the first packet sealed, or on
 *       the first packet that authenticates when opening, so forged SSRCs create nothing.</li>
 *   <li><b>Index</b>: the 48-bit packet index {@code ROC·2^16 + SEQ} is estimated from the highest one seen
 *       (RFC 3711 §3.3.1, Appendix A); the first packet of a stream takes {@link Builder#initialRoc}. The ROC
 *       and the highest index move only after the tag verifies. While the ROC is 0 a guess of ROC −1 is taken
 *       as ROC 0 (a far-ahead packet early in the stream), as libsrtp does.</li>
 *   <li><b>Replay</b>: a sliding window per stream over SRTP indexes and one over SRTCP indexes
 *       ({@link Builder#replayWindow}, default {@value #DEFAULT_REPLAY_WINDOW}, at most
 *       {@value #MAX_REPLAY_WINDOW}; 0 turns it off), checked before and updated after authentication.</li>
 *   <li><b>SRTCP</b>: the first 8 bytes stay clear, the 31-bit index counts up per SSRC from 1 (as libsrtp),
 *       and the E flag is set ({@link Builder#rtcpEncryption} may clear it: authenticated only). Opening
 *       refuses packets with E clear ({@link CipherStatus#NOT_ENCRYPTED}) unless configured without
 *       encryption, as libsrtp does: no downgrade to clear SRTCP.</li>
 * </ul>
 *
 * <p>Works in place on heap segments without copying (the JCE backend takes {@code byte[]}); native segments
 * are copied through a scratch array. Seal on one thread, open on one thread.
 */
public final class SrtpContext implements PacketCipher {
    public static final int DEFAULT_REPLAY_WINDOW = 128;
    public static final int MAX_REPLAY_WINDOW = 1024;
    /** The system property that overrides {@link #DEFAULT_BACKEND}: a {@link SrtpBackend#id()}. */
    public static final String BACKEND_PROPERTY = "mediaplane.crypto.srtp.backend";
    /**
     * {@code -Dmediaplane.crypto.srtp.backend} if set; else the first that runs here of libgcrypt, OpenSSL and JCE
     * (AES-GCM, the profile browsers negotiate: libgcrypt 1.3–1.7× OpenSSL 3.0's EVP per packet, EVP 1.1–1.3×
     * JCE, both 0 B per packet against JCE's ≈ 1 KB; AES-CM and SRTCP through JCE either way). JCE is itself
     * 4–6× Debian's libsrtp2 (benchmarks/README.md, SRTP).
     */
    public static final SrtpBackend DEFAULT_BACKEND = defaultBackend();

    private static SrtpBackend defaultBackend() {
        String chosen = System.getProperty(BACKEND_PROPERTY);
        if (chosen != null) {
            return SrtpBackend.byId(chosen);
        }
        for (SrtpBackend b : new SrtpBackend[] {SrtpBackend.GCRYPT, SrtpBackend.OPENSSL}) {
            if (b.unavailableReason().isEmpty()) {
                return b;
            }
        }
        return SrtpBackend.JCE;
    }

    private final SrtpProfile profile;
    private final SrtpBackend backend;
    private final SrtpTransform sealRtpTransform;
    private final SrtpTransform sealRtcpTransform;
    private final SrtpTransform openRtpTransform;
    private final SrtpTransform openRtcpTransform;
    private final int replayWindow;
    private final long initialRoc;
    private final boolean rtcpEncryption;
    /** Non-null for {@link SrtpBackend#LIBSRTP2}: the send and receive sessions; the transforms are then null. */
    private final LibSrtp2Session nativeSend;
    private final LibSrtp2Session nativeReceive;
    private final Streams sendStreams = new Streams();
    private final Streams receiveStreams = new Streams();
    private final CipherCounters sealCounters = new CipherCounters();
    private final CipherCounters openCounters = new CipherCounters();
    private final HeapBytes sealBytes = new HeapBytes();
    private final HeapBytes openBytes = new HeapBytes();
    private volatile boolean closed;

    private SrtpContext(SrtpProfile profile, SrtpBackend backend, SrtpTransform[] t, int replayWindow,
            long initialRoc, boolean rtcpEncryption) {
        this(profile, backend, t, null, null, replayWindow, initialRoc, rtcpEncryption);
    }

    private SrtpContext(SrtpProfile profile, SrtpBackend backend, SrtpTransform[] t, LibSrtp2Session send,
            LibSrtp2Session receive, int replayWindow, long initialRoc, boolean rtcpEncryption) {
        this.nativeSend = send;
        this.nativeReceive = receive;
        this.profile = profile;
        this.backend = backend;
        this.sealRtpTransform = t[0];
        this.sealRtcpTransform = t[1];
        this.openRtpTransform = t[2];
        this.openRtcpTransform = t[3];
        this.replayWindow = replayWindow;
        this.initialRoc = initialRoc;
        this.rtcpEncryption = rtcpEncryption;
    }

    /** Protects with {@code sendMaster} and unprotects with {@code receiveMaster}, each {@code key ‖ salt}. */
    public static Builder builder(SrtpProfile profile, byte[] sendMaster, byte[] receiveMaster) {
        return new Builder(profile, sendMaster, receiveMaster);
    }

    /** One master {@code key ‖ salt} for both directions, the defaults otherwise. */
    public static SrtpContext create(SrtpProfile profile, byte[] master) {
        return builder(profile, master, master).build();
    }

    /** The context of one side of a DTLS-SRTP association: protects with its own write key, opens the peer's. */
    public static Builder forDtls(SrtpKeyingMaterial material, boolean client) {
        return builder(material.profile(), material.localMaster(client), material.remoteMaster(client));
    }

    /** For vectors that give session keys (RFC 7714 §16/§17): no KDF, the same keys for SRTP and SRTCP. */
    static SrtpContext withSessionKeys(SrtpProfile profile, SrtpBackend backend, byte[] key, byte[] salt,
            byte[] auth, boolean rtcpEncryption) {
        SrtpTransform[] t = new SrtpTransform[4];
        for (int i = 0; i < 4; i++) {
            t[i] = backend.withSessionKeys(profile, key, salt, auth, (i & 1) != 0);
        }
        return new SrtpContext(profile, backend, t, DEFAULT_REPLAY_WINDOW, 0, rtcpEncryption);
    }

    /** Sets the SRTCP index last sent on {@code ssrc}, so the next one is {@code index + 1} (vectors, tests). */
    void lastRtcpIndex(int ssrc, int index) {
        sendStreams.findOrAdd(ssrc, replayWindow).rtcpIndex = index;
    }

    public SrtpProfile profile() {
        return profile;
    }

    public SrtpBackend backend() {
        return backend;
    }

    @Override
    public int maxOverhead() {
        return Math.max(profile.rtpOverhead(), profile.rtcpOverhead());
    }

    @Override
    public CipherCounters sealCounters() {
        return sealCounters;
    }

    @Override
    public CipherCounters openCounters() {
        return openCounters;
    }

    /**
     * The index of a packet with sequence number {@code seq} given the highest index {@code highest} seen on
     * its stream (RFC 3711 Appendix A): the ROC of {@code highest}, one less, or one more, whichever puts the
     * packet nearest; never below ROC 0.
     */
    public static long estimateIndex(long highest, int seq) {
        long roc = highest >>> 16;
        int sl = (int) (highest & 0xFFFF);
        long v;
        if (sl < 32768) {
            v = seq - sl > 32768 ? roc - 1 : roc;
        } else {
            v = sl - 32768 > seq ? roc + 1 : roc;
        }
        return (v < 0 ? 0 : v) << 16 | seq;
    }

    /** The RTP header length with CSRCs and extension, or a negative {@link CipherStatus} code. */
    public static int rtpHeaderLength(MemorySegment s, long offset, int length) {
        if (length < 12) {
            return CipherStatus.TOO_SHORT.asResult();
        }
        int b0 = Bytes.u8(s, offset);
        if (b0 >>> 6 != 2) {
            return CipherStatus.BAD_HEADER.asResult();
        }
        int h = 12 + 4 * (b0 & 0x0F);
        if ((b0 & 0x10) != 0) {
            if (h + 4 > length) {
                return CipherStatus.BAD_HEADER.asResult();
            }
            h += 4 + 4 * Bytes.u16(s, offset + h + 2);
        }
        return h > length ? CipherStatus.BAD_HEADER.asResult() : h;
    }

    @Override
    public int sealRtp(MemorySegment s, long offset, int length, int capacity) {
        checkOpen();
        int header = rtpHeaderLength(s, offset, length);
        if (header < 0) {
            return sealCounters.fail(CipherStatus.ofResult(header));
        }
        int tag = profile.rtpTagLength();
        if (capacity < length + tag || offset + length + tag > s.byteSize()) {
            return sealCounters.fail(CipherStatus.NO_ROOM);
        }
        int ssrc = Bytes.i32(s, offset + 8);
        if (nativeSend != null) {
            return result(sealCounters, nativeSend.protect(s, offset, length, ssrc, false));
        }
        int seq = Bytes.u16(s, offset + 2);
        Stream st = sendStreams.findOrAdd(ssrc, replayWindow);
        long index;
        if (st.rtpStarted) {
            index = estimateIndex(st.highest, seq);
        } else {
            index = initialRoc << 16 | seq;
        }
        if (!st.rtpStarted || index > st.highest) {
            st.highest = index;
            st.rtpStarted = true;
        }
        byte[] a = sealBytes.stage(s, offset, length, tag);
        int base = sealBytes.base();
        sealRtpTransform.sealRtp(a, base, header, length, ssrc, index);
        sealBytes.unstage(a, header, s, offset, length - header + tag);
        return sealCounters.ok(length + tag);
    }

    @Override
    public int openRtp(MemorySegment s, long offset, int length) {
        checkOpen();
        int header = rtpHeaderLength(s, offset, length);
        if (header < 0) {
            return openCounters.fail(CipherStatus.ofResult(header));
        }
        int tag = profile.rtpTagLength();
        if (header + tag > length || offset + length > s.byteSize()) {
            return openCounters.fail(CipherStatus.TOO_SHORT);
        }
        int ssrc = Bytes.i32(s, offset + 8);
        if (nativeReceive != null) {
            return result(openCounters, nativeReceive.unprotect(s, offset, length, ssrc, false));
        }
        int seq = Bytes.u16(s, offset + 2);
        Stream st = receiveStreams.find(ssrc);
        boolean started = st != null && st.rtpStarted;
        long index = started ? estimateIndex(st.highest, seq) : initialRoc << 16 | seq;
        if (started && !st.rtpReplay.check((int) index)) {
            return openCounters.fail(CipherStatus.REPLAYED);
        }
        byte[] a = openBytes.stage(s, offset, length, 0);
        int base = openBytes.base();
        int plain = length - tag;
        if (!openRtpTransform.openRtp(a, base, header, plain, ssrc, index)) {
            return openCounters.fail(CipherStatus.AUTH_FAILED);
        }
        if (st == null) {
            st = receiveStreams.findOrAdd(ssrc, replayWindow);
        }
        if (!st.rtpStarted || index > st.highest) {
            st.highest = index;
            st.rtpStarted = true;
        }
        st.rtpReplay.accept((int) index);
        openBytes.unstage(a, header, s, offset, plain - header);
        return openCounters.ok(plain);
    }

    @Override
    public int sealRtcp(MemorySegment s, long offset, int length, int capacity) {
        checkOpen();
        if (length < 8) {
            return sealCounters.fail(CipherStatus.TOO_SHORT);
        }
        if (Bytes.u8(s, offset) >>> 6 != 2) {
            return sealCounters.fail(CipherStatus.BAD_HEADER);
        }
        int overhead = profile.rtcpOverhead();
        if (capacity < length + overhead || offset + length + overhead > s.byteSize()) {
            return sealCounters.fail(CipherStatus.NO_ROOM);
        }
        int ssrc = Bytes.i32(s, offset + 4);
        if (nativeSend != null) {
            return result(sealCounters, nativeSend.protect(s, offset, length, ssrc, true));
        }
        Stream st = sendStreams.findOrAdd(ssrc, replayWindow);
        int index = st.rtcpIndex = (st.rtcpIndex + 1) & 0x7FFF_FFFF;
        byte[] a = sealBytes.stage(s, offset, length, overhead);
        int base = sealBytes.base();
        int sealed = sealRtcpTransform.sealRtcp(a, base, length, ssrc, index, rtcpEncryption);
        sealBytes.unstage(a, 8, s, offset, sealed - 8);
        return sealCounters.ok(sealed);
    }

    @Override
    public int openRtcp(MemorySegment s, long offset, int length) {
        checkOpen();
        int overhead = profile.rtcpOverhead();
        if (length < 8 + overhead || offset + length > s.byteSize()) {
            return openCounters.fail(CipherStatus.TOO_SHORT);
        }
        if (Bytes.u8(s, offset) >>> 6 != 2) {
            return openCounters.fail(CipherStatus.BAD_HEADER);
        }
        int ssrc = Bytes.i32(s, offset + 4);
        // E‖index precedes the tag (AES-CM, RFC 3711 §3.4) or ends the packet (GCM, RFC 7714 §9.2)
        int eIndex = Bytes.i32(s, offset + length - (profile.aead() ? 4 : profile.rtcpOverhead()));
        if (eIndex >= 0 && rtcpEncryption) {
            // E clear: refused before anything else unless configured for authentication only (libsrtp refuses
            // it too, for AES-CM before and for GCM after checking the tag: checking first makes backends agree)
            return openCounters.fail(CipherStatus.NOT_ENCRYPTED);
        }
        if (nativeReceive != null) {
            return result(openCounters, nativeReceive.unprotect(s, offset, length, ssrc, true));
        }
        int index = eIndex & 0x7FFF_FFFF;
        Stream st = receiveStreams.find(ssrc);
        if (st != null && !st.rtcpReplay.check(index)) {
            return openCounters.fail(CipherStatus.REPLAYED);
        }
        byte[] a = openBytes.stage(s, offset, length, 0);
        int base = openBytes.base();
        int plain = openRtcpTransform.openRtcp(a, base, length, ssrc, eIndex);
        if (plain < 0) {
            return openCounters.fail(CipherStatus.AUTH_FAILED);
        }
        if (st == null) {
            st = receiveStreams.findOrAdd(ssrc, replayWindow);
        }
        st.rtcpReplay.accept(index);
        openBytes.unstage(a, 8, s, offset, plain - 8);
        return openCounters.ok(plain);
    }

    private static int result(CipherCounters counters, int r) {
        return r >= 0 ? counters.ok(r) : counters.fail(CipherStatus.ofResult(r));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("SRTP context is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (nativeSend != null) {
            nativeSend.close();
            nativeReceive.close();
            return;
        }
        sealRtpTransform.close();
        sealRtcpTransform.close();
        openRtpTransform.close();
        openRtcpTransform.close();
    }

    /** Per-SSRC state of one direction (RFC 3711 §3.2.3). */
    private static final class Stream {
        final int ssrc;
        final ReplayWindow rtpReplay;
        final ReplayWindow rtcpReplay;
        boolean rtpStarted;
        long highest;
        int rtcpIndex;

        Stream(int ssrc, int window) {
            this.ssrc = ssrc;
            this.rtpReplay = new ReplayWindow(window);
            this.rtcpReplay = new ReplayWindow(window);
        }
    }

    /** A few SSRCs per session: a linear scan with the last hit first beats hashing and boxes nothing. */
    private static final class Streams {
        private Stream[] streams = new Stream[4];
        private int count;
        private Stream last;

        Stream find(int ssrc) {
            Stream l = last;
            if (l != null && l.ssrc == ssrc) {
                return l;
            }
            for (int i = 0; i < count; i++) {
                if (streams[i].ssrc == ssrc) {
                    return last = streams[i];
                }
            }
            return null;
        }

        Stream findOrAdd(int ssrc, int window) {
            Stream s = find(ssrc);
            if (s != null) {
                return s;
            }
            if (count == streams.length) {
                streams = Arrays.copyOf(streams, count * 2);
            }
            s = new Stream(ssrc, window);
            streams[count++] = s;
            return last = s;
        }
    }

    /** Configuration; {@link #build()} derives the session keys and forgets the master keys it was given. */
    public static final class Builder {
        private final SrtpProfile profile;
        private final byte[] sendMaster;
        private final byte[] receiveMaster;
        private SrtpBackend backend = DEFAULT_BACKEND;
        private int replayWindow = DEFAULT_REPLAY_WINDOW;
        private long initialRoc;
        private boolean rtcpEncryption = true;

        private Builder(SrtpProfile profile, byte[] sendMaster, byte[] receiveMaster) {
            this.profile = Objects.requireNonNull(profile, "profile");
            this.sendMaster = checkMaster(profile, sendMaster);
            this.receiveMaster = checkMaster(profile, receiveMaster);
        }

        private static byte[] checkMaster(SrtpProfile profile, byte[] master) {
            if (master == null || master.length != profile.masterLength()) {
                throw new IllegalArgumentException(profile + " master key‖salt must be " + profile.masterLength()
                        + " bytes (" + profile.keyLength() + " + " + profile.saltLength() + ")");
            }
            return master.clone();
        }

        public Builder backend(SrtpBackend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /**
         * SRTP indexes remembered behind the highest: 0 (off; not with libsrtp2) or a power of two in 64..1024.
         * libsrtp2 keeps a fixed 128-entry SRTCP window whatever this says.
         */
        public Builder replayWindow(int size) {
            if (size > MAX_REPLAY_WINDOW) {
                throw new IllegalArgumentException("replay window is at most " + MAX_REPLAY_WINDOW + ": " + size);
            }
            new ReplayWindow(size); // validates
            this.replayWindow = size;
            return this;
        }

        /** The ROC of each stream's first packet, in both directions (signalled out of band, e.g. RFC 4771). */
        public Builder initialRoc(long roc) {
            if (roc < 0 || roc > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("ROC must be a u32: " + roc);
            }
            this.initialRoc = roc;
            return this;
        }

        /** Whether SRTCP is encrypted (E = 1, the default) or only authenticated (then both E values open). */
        public Builder rtcpEncryption(boolean encrypt) {
            this.rtcpEncryption = encrypt;
            return this;
        }

        public SrtpContext build() {
            backend.unavailableReason().ifPresent(r -> {
                throw new IllegalStateException(backend.id() + " cannot run: " + r);
            });
            if (backend == SrtpBackend.LIBSRTP2) {
                if (!rtcpEncryption) {
                    throw new IllegalStateException("the libsrtp2 backend always encrypts SRTCP");
                }
                if (replayWindow == 0) {
                    throw new IllegalStateException("libsrtp2 cannot turn the replay window off");
                }
                LibSrtp2Session send = null;
                try {
                    send = new LibSrtp2Session(profile, sendMaster, replayWindow, initialRoc);
                    LibSrtp2Session receive = new LibSrtp2Session(profile, receiveMaster, replayWindow, initialRoc);
                    return new SrtpContext(profile, backend, new SrtpTransform[4], send, receive, replayWindow,
                            initialRoc, true);
                } catch (RuntimeException e) {
                    if (send != null) {
                        send.close();
                    }
                    throw e;
                } finally {
                    Arrays.fill(sendMaster, (byte) 0);
                    Arrays.fill(receiveMaster, (byte) 0);
                }
            }
            SrtpTransform[] t = new SrtpTransform[4];
            try {
                t[0] = backend.transform(profile, sendMaster, false);
                t[1] = backend.transform(profile, sendMaster, true);
                t[2] = backend.transform(profile, receiveMaster, false);
                t[3] = backend.transform(profile, receiveMaster, true);
            } catch (RuntimeException e) {
                for (SrtpTransform x : t) {
                    if (x != null) {
                        x.close();
                    }
                }
                throw e;
            } finally {
                Arrays.fill(sendMaster, (byte) 0);
                Arrays.fill(receiveMaster, (byte) 0);
            }
            return new SrtpContext(profile, backend, t, replayWindow, initialRoc, rtcpEncryption);
        }
    }
}
