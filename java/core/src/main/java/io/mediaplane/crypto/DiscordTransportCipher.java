package io.mediaplane.crypto;

import io.mediaplane.buffer.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Discord's voice transport encryption, {@code aead_aes256_gcm_rtpsize} and
 * {@code aead_xchacha20_poly1305_rtpsize}, for one connection (one {@code secret_key} from Session Description).
 *
 * <pre>
 * packet = [clear header = AAD][ciphertext][16-byte tag][u32 big-endian nonce counter]
 * nonce  = counter big-endian in bytes 0..3 of 12 (AES-256-GCM) or 24 (XChaCha20-Poly1305) zero bytes
 * </pre>
 *
 * <ul>
 *   <li><b>RTP</b>: the clear header is {@code 12 + 4·CC} bytes, {@code + 4} when X is set (only the extension
 *       preamble, e.g. {@code BE DE 00 01}); the extension body, payload and padding are encrypted. This is how
 *       Discord's clients and clankvox compute it (@discordjs/voice's receiver leaves CSRCs out of its AAD, so
 *       it could not open a packet that had them).</li>
 *   <li><b>RTCP</b>: the clear header length is explicit, {@value #RTCP_HEADER_WITH_SSRC} by default: the fixed
 *       header plus the sender SSRC, as Discord-video-stream v4 sent the sender reports Discord accepted (and
 *       as SRTCP does). clankvox clears only the {@value #RTCP_HEADER_ONLY}-byte header; choose that with
 *       {@link Builder#rtcpClearHeaderLength}. The length field is AAD and is not rewritten: the sender sets
 *       it (Discord-video-stream: plaintext words − 1).</li>
 *   <li><b>Counter</b>: the send counter starts at {@link Builder#initialCounter} (default 0, as clankvox;
 *       @discordjs/voice starts at 1, JDA at a random 1..513), increments per sealed packet (RTP and RTCP
 *       share it, as they share the key) and wraps at 2^32.</li>
 *   <li><b>Replay</b>: opened counters go through a sliding window ({@link Builder#replayWindow}, default
 *       {@value #DEFAULT_REPLAY_WINDOW}) in serial-number arithmetic, one window per connection. That assumes
 *       the server seals everything it sends on a connection with one counter: each connection has its own
 *       {@code secret_key}, so the server must re-seal what it forwards from other users. 1024 leaves room for
 *       reordered video bursts. @discordjs/voice and clankvox check nothing; if a live capture shows
 *       per-sender counters, {@code replayWindow(0)} turns the check off until windows are kept per SSRC.</li>
 * </ul>
 *
 * <p>The backend per packet is chosen by {@link AeadBackendChoice} from the plaintext's {@link SizeClass}, unless
 * one is forced with {@link Builder#backend}. Seal on one thread, open on one thread.
 */
public final class DiscordTransportCipher implements PacketCipher {
    public static final int RTCP_HEADER_WITH_SSRC = 8;
    public static final int RTCP_HEADER_ONLY = 4;
    public static final int DEFAULT_REPLAY_WINDOW = 1024;
    private static final int OVERHEAD = DiscordAeadMode.OVERHEAD;
    private static final int TAG = DiscordAeadMode.TAG_LENGTH;

    private final DiscordAeadMode mode;
    private final AeadEngine small;
    private final AeadEngine mtu;
    private final AeadEngine large;
    private final int rtcpClearHeader;
    private final ReplayWindow replay;
    private final CipherCounters sealCounters = new CipherCounters();
    private final CipherCounters openCounters = new CipherCounters();
    private int sendCounter;
    private volatile boolean closed;

    private DiscordTransportCipher(Builder b) {
        this.mode = b.mode;
        this.rtcpClearHeader = b.rtcpClearHeader;
        this.replay = new ReplayWindow(b.replayWindow);
        this.sendCounter = (int) b.initialCounter;
        Map<AeadBackend, AeadEngine> engines = new EnumMap<>(AeadBackend.class);
        try {
            this.small = engine(engines, b, SizeClass.SMALL);
            this.mtu = engine(engines, b, SizeClass.MTU);
            this.large = engine(engines, b, SizeClass.LARGE);
        } catch (RuntimeException e) {
            engines.values().forEach(AeadEngine::close);
            throw e;
        } finally {
            Arrays.fill(b.key, (byte) 0);
        }
    }

    private static AeadEngine engine(Map<AeadBackend, AeadEngine> engines, Builder b, SizeClass size) {
        AeadBackend backend = b.backend != null ? b.backend : AeadBackendChoice.choose(b.mode, size);
        return engines.computeIfAbsent(backend, x -> x.create(b.mode, b.key));
    }

    public static Builder builder(DiscordAeadMode mode, byte[] key) {
        return new Builder(mode, key);
    }

    /** A cipher with the defaults: measured backends, counter 0, 8-byte RTCP header, replay window 1024. */
    public static DiscordTransportCipher create(DiscordAeadMode mode, byte[] key) {
        return builder(mode, key).build();
    }

    public DiscordAeadMode mode() {
        return mode;
    }

    /** The backend that handles plaintexts of {@code size}. */
    public AeadBackend backend(SizeClass size) {
        return engineFor(size).backend();
    }

    /** The counter the next sealed packet will carry (unsigned 32-bit). */
    public long nextCounter() {
        return Integer.toUnsignedLong(sendCounter);
    }

    public int rtcpClearHeaderLength() {
        return rtcpClearHeader;
    }

    @Override
    public int maxOverhead() {
        return OVERHEAD;
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
     * The RTP clear header length ({@code 12 + 4·CC + 4·X}) of the packet at {@code offset}, or a negative
     * {@link CipherStatus} code when it is not version 2 or runs past {@code length}.
     */
    public static int rtpClearHeaderLength(MemorySegment s, long offset, int length) {
        if (length < 12) {
            return CipherStatus.TOO_SHORT.asResult();
        }
        int b0 = Bytes.u8(s, offset);
        if (b0 >>> 6 != 2) {
            return CipherStatus.BAD_HEADER.asResult();
        }
        int clear = 12 + 4 * (b0 & 0x0F) + ((b0 & 0x10) != 0 ? 4 : 0);
        return clear > length ? CipherStatus.BAD_HEADER.asResult() : clear;
    }

    @Override
    public int sealRtp(MemorySegment s, long offset, int length, int capacity) {
        checkOpen();
        int clear = rtpClearHeaderLength(s, offset, length);
        if (clear < 0) {
            return sealCounters.fail(CipherStatus.ofResult(clear));
        }
        return seal(s, offset, length, capacity, clear);
    }

    @Override
    public int sealRtcp(MemorySegment s, long offset, int length, int capacity) {
        checkOpen();
        if (length < rtcpClearHeader) {
            return sealCounters.fail(CipherStatus.TOO_SHORT);
        }
        if (Bytes.u8(s, offset) >>> 6 != 2) {
            return sealCounters.fail(CipherStatus.BAD_HEADER);
        }
        return seal(s, offset, length, capacity, rtcpClearHeader);
    }

    private int seal(MemorySegment s, long offset, int length, int capacity, int clear) {
        if (capacity < length + OVERHEAD || offset + length + OVERHEAD > s.byteSize()) {
            return sealCounters.fail(CipherStatus.NO_ROOM);
        }
        int counter = sendCounter++;
        engineFor(length).seal(s, offset, clear, length - clear, counter);
        Bytes.put32(s, offset + length + TAG, counter);
        return sealCounters.ok(length + OVERHEAD);
    }

    @Override
    public int openRtp(MemorySegment s, long offset, int length) {
        checkOpen();
        int clear = rtpClearHeaderLength(s, offset, length);
        if (clear < 0) {
            return openCounters.fail(CipherStatus.ofResult(clear));
        }
        return open(s, offset, length, clear);
    }

    @Override
    public int openRtcp(MemorySegment s, long offset, int length) {
        checkOpen();
        if (length < rtcpClearHeader + OVERHEAD) {
            return openCounters.fail(CipherStatus.TOO_SHORT);
        }
        if (Bytes.u8(s, offset) >>> 6 != 2) {
            return openCounters.fail(CipherStatus.BAD_HEADER);
        }
        return open(s, offset, length, rtcpClearHeader);
    }

    private int open(MemorySegment s, long offset, int length, int clear) {
        if (length < clear + OVERHEAD || offset + length > s.byteSize()) {
            return openCounters.fail(CipherStatus.TOO_SHORT);
        }
        int plain = length - OVERHEAD;
        int counter = Bytes.i32(s, offset + plain + TAG);
        if (!replay.check(counter)) {
            return openCounters.fail(CipherStatus.REPLAYED);
        }
        if (!engineFor(plain).open(s, offset, clear, plain - clear, counter)) {
            return openCounters.fail(CipherStatus.AUTH_FAILED);
        }
        replay.accept(counter);
        return openCounters.ok(plain);
    }

    private AeadEngine engineFor(int plaintextLength) {
        return plaintextLength <= SizeClass.SMALL.maxLength() ? small
                : plaintextLength <= SizeClass.MTU.maxLength() ? mtu : large;
    }

    private AeadEngine engineFor(SizeClass size) {
        return switch (size) {
            case SMALL -> small;
            case MTU -> mtu;
            case LARGE -> large;
        };
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cipher is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        small.close();
        if (mtu != small) {
            mtu.close();
        }
        if (large != small && large != mtu) {
            large.close();
        }
    }

    /** Configuration of one connection's cipher; {@link #build()} copies and then clears the key it was given. */
    public static final class Builder {
        private final DiscordAeadMode mode;
        private final byte[] key;
        private AeadBackend backend;
        private long initialCounter;
        private int rtcpClearHeader = RTCP_HEADER_WITH_SSRC;
        private int replayWindow = DEFAULT_REPLAY_WINDOW;

        private Builder(DiscordAeadMode mode, byte[] key) {
            this.mode = Objects.requireNonNull(mode, "mode");
            if (key == null || key.length != DiscordAeadMode.KEY_LENGTH) {
                throw new IllegalArgumentException("secret_key must be " + DiscordAeadMode.KEY_LENGTH + " bytes");
            }
            this.key = key.clone();
        }

        /** Use one backend for every packet size instead of the measured choice; it must be available. */
        public Builder backend(AeadBackend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /** The counter of the first sealed packet, 0..2^32−1. */
        public Builder initialCounter(long counter) {
            if (counter < 0 || counter > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("counter must be a u32: " + counter);
            }
            this.initialCounter = counter;
            return this;
        }

        /** {@value #RTCP_HEADER_WITH_SSRC} (default) or {@value #RTCP_HEADER_ONLY}. */
        public Builder rtcpClearHeaderLength(int length) {
            if (length != RTCP_HEADER_WITH_SSRC && length != RTCP_HEADER_ONLY) {
                throw new IllegalArgumentException("RTCP clear header is 8 or 4 bytes, not " + length);
            }
            this.rtcpClearHeader = length;
            return this;
        }

        /** Counters remembered behind the highest: 0 (no replay check) or a power of two in 64..65536. */
        public Builder replayWindow(int size) {
            new ReplayWindow(size); // validates
            this.replayWindow = size;
            return this;
        }

        public DiscordTransportCipher build() {
            if (backend != null) {
                backend.unavailableReason(mode).ifPresent(r -> {
                    throw new IllegalStateException(backend.id() + " cannot run " + mode.wireName() + ": " + r);
                });
            }
            return new DiscordTransportCipher(this);
        }
    }
}
