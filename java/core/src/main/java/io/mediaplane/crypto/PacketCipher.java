package io.mediaplane.crypto;

import io.mediaplane.buffer.PacketBuffer;
import java.lang.foreign.MemorySegment;

/**
 * Transport protection of RTP and RTCP packets, in place, with per-connection state (keys expanded once, the
 * send counter, the receive replay window). Implemented by the Discord rtpsize AEAD modes
 * ({@link DiscordTransportCipher}); SRTP/SRTCP contexts fit the same shape.
 *
 * <p>The segment methods take a packet at {@code [offset, offset + length)} of {@code segment}. Sealing grows the
 * packet at its end (tag, trailer), so {@code capacity} says how many bytes from {@code offset} may be written;
 * opening shrinks it. Each returns the new length ({@code >= 0}) or a negative code for a {@link CipherStatus}
 * ({@link CipherStatus#ofResult(int)}); nothing is allocated and nothing thrown per packet. A refused packet's
 * bytes after its clear header are unspecified (some backends decrypt before checking the tag): drop it.
 *
 * <p>Threads: one thread may seal while another opens; neither direction is safe for concurrent use.
 * Exceptions are only for misuse (a closed cipher, bad configuration).
 */
public interface PacketCipher extends AutoCloseable {
    /** Bytes sealing adds to a packet at most (Discord rtpsize: 16-byte tag + 4-byte counter). */
    int maxOverhead();

    int sealRtp(MemorySegment segment, long offset, int length, int capacity);

    int openRtp(MemorySegment segment, long offset, int length);

    int sealRtcp(MemorySegment segment, long offset, int length, int capacity);

    int openRtcp(MemorySegment segment, long offset, int length);

    /** Seal-direction counters: OK per packet sealed, and every refusal. */
    CipherCounters sealCounters();

    /** Open-direction counters: OK per packet opened, AUTH_FAILED, REPLAYED, ... */
    CipherCounters openCounters();

    /** Forgets the keys; the cipher must not be used afterwards. */
    @Override
    void close();

    default CipherStatus sealRtp(PacketBuffer packet) {
        return apply(packet, sealRtp(packet.segment(), packet.offset(), packet.length(), packet.writableLength()));
    }

    default CipherStatus openRtp(PacketBuffer packet) {
        return apply(packet, openRtp(packet.segment(), packet.offset(), packet.length()));
    }

    default CipherStatus sealRtcp(PacketBuffer packet) {
        return apply(packet, sealRtcp(packet.segment(), packet.offset(), packet.length(), packet.writableLength()));
    }

    default CipherStatus openRtcp(PacketBuffer packet) {
        return apply(packet, openRtcp(packet.segment(), packet.offset(), packet.length()));
    }

    private static CipherStatus apply(PacketBuffer packet, int result) {
        if (result < 0) {
            return CipherStatus.ofResult(result);
        }
        packet.length(result);
        return CipherStatus.OK;
    }
}
