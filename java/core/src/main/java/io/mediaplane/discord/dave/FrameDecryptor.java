package io.mediaplane.discord.dave;

import io.mediaplane.crypto.TruncatedTagAesGcm;
import io.mediaplane.discord.FrameCryptoStatus;
import io.mediaplane.stream.MediaKind;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Opens one sender's incoming frames (libdave {@code Decryptor}). The decryptor is codec-agnostic: the frame's own
 * range list says what was clear. Ratchets of past epochs stay usable until their transition expiry so frames in
 * flight across an epoch change still open; the newest ratchet is tried first. Until {@link #passthroughUntil} a
 * frame without the DAVE trailer is passed through (protocol downgrade, or before the first epoch); the Opus
 * silence frame always is.
 *
 * <p>Not thread-safe by itself: {@link DaveSession} serialises calls per sender.
 */
public final class FrameDecryptor implements AutoCloseable {
    private final TruncatedTagAesGcm.Backend backend;
    private final ArrayDeque<CryptorManager> managers = new ArrayDeque<>(); // oldest first
    private final SecureFrame.Parsed parsed = new SecureFrame.Parsed();
    private final byte[] iv = new byte[TruncatedTagAesGcm.IV_LENGTH];
    /** The clear ranges (additional data) and the encrypted gaps between them, decrypted in place into the output. */
    private final TruncatedTagAesGcm.Sections sections = new TruncatedTagAesGcm.Sections(SecureFrame.MAX_RANGES + 1);
    private long passthroughUntil = Long.MIN_VALUE;
    private final long[] counts = new long[FrameCryptoStatus.values().length];
    private long passedThrough;

    public FrameDecryptor(TruncatedTagAesGcm.Backend backend) {
        this.backend = backend;
    }

    /**
     * Adds the ratchet of a new epoch; older ones expire {@code transitionExpiry} nanoseconds after {@code now}
     * (libdave {@code TransitionToKeyRatchet}).
     */
    public void transitionToKeyRatchet(KeyRatchet ratchet, long transitionExpiry, long now) {
        for (CryptorManager m : managers) {
            m.expireBy(now + transitionExpiry);
        }
        if (ratchet != null) {
            managers.addLast(new CryptorManager(ratchet, backend, now));
        }
    }

    /** Passthrough on: unencrypted frames accepted indefinitely; off: for at most {@code expiry} more nanoseconds. */
    public void transitionToPassthrough(boolean on, long expiry, long now) {
        if (on) {
            passthroughUntil = Long.MAX_VALUE;
        } else {
            passthroughUntil = Math.min(passthroughUntil, now + expiry);
        }
    }

    public boolean canPassthrough(long now) {
        return passthroughUntil > now;
    }

    /**
     * Opens {@code frame[0, length)} into {@code out} (a different array: the encrypted gaps decrypt straight into
     * it): the plain length or a negative status result.
     */
    public int open(MediaKind kind, byte[] frame, int length, byte[] out, long now) {
        if (kind == MediaKind.AUDIO && SecureFrame.isOpusSilence(frame, length)) {
            return copy(frame, length, out);
        }
        while (!managers.isEmpty() && managers.peekFirst().isExpired(now)) {
            managers.pollFirst().close();
        }
        if (!SecureFrame.parse(frame, length, parsed)) {
            if (canPassthrough(now)) {
                passedThrough++;
                return copy(frame, length, out);
            }
            return count(FrameCryptoStatus.MALFORMED);
        }
        if (out.length < parsed.mediaLength) {
            return count(FrameCryptoStatus.OUTPUT_TOO_SMALL);
        }
        layOut();
        FrameCryptoStatus status = FrameCryptoStatus.NO_KEY;
        for (Iterator<CryptorManager> it = managers.descendingIterator(); it.hasNext(); ) {
            status = tryOpen(it.next(), frame, out, now);
            if (status == FrameCryptoStatus.OK) {
                for (int i = 0; i < parsed.rangeCount; i++) {
                    System.arraycopy(frame, parsed.rangeOffset[i], out, parsed.rangeOffset[i], parsed.rangeSize[i]);
                }
                counts[0]++;
                return parsed.mediaLength;
            }
        }
        return count(status);
    }

    private FrameCryptoStatus tryOpen(CryptorManager m, byte[] frame, byte[] out, long now) {
        int nonce = parsed.truncatedNonce;
        long generation = m.wrappedGeneration(nonce);
        if (!m.canProcessNonce(generation, nonce)) {
            return FrameCryptoStatus.REPLAYED;
        }
        TruncatedTagAesGcm cipher = m.cryptor(generation, now);
        if (cipher == null) {
            return FrameCryptoStatus.GENERATION_OUT_OF_RANGE;
        }
        SecureFrame.iv(nonce, iv);
        // the gaps decrypt into the same offsets of out; a wrong tag leaves unauthenticated bytes there, which the
        // next ratchet's attempt overwrites or the caller discards
        if (!cipher.open(iv, frame, frame, out, sections, frame, parsed.tagOffset)) {
            return FrameCryptoStatus.AUTHENTICATION_FAILED;
        }
        m.reportSuccess(generation, nonce, now);
        return FrameCryptoStatus.OK;
    }

    /** The additional data (the clear ranges) and the encrypted gaps of the parsed frame, in frame order. */
    private void layOut() {
        sections.clear();
        int at = 0;
        for (int i = 0; i < parsed.rangeCount; i++) {
            sections.data(at, at, parsed.rangeOffset[i] - at);
            sections.aad(parsed.rangeOffset[i], parsed.rangeSize[i]);
            at = parsed.rangeOffset[i] + parsed.rangeSize[i];
        }
        sections.data(at, at, parsed.mediaLength - at);
    }

    private int copy(byte[] frame, int length, byte[] out) {
        if (out.length < length) {
            return count(FrameCryptoStatus.OUTPUT_TOO_SMALL);
        }
        System.arraycopy(frame, 0, out, 0, length);
        return length;
    }

    private int count(FrameCryptoStatus status) {
        counts[status.ordinal()]++;
        return status.result();
    }

    /** Frames that ended with {@code status} ({@link FrameCryptoStatus#OK}: opened). */
    public long statusCount(FrameCryptoStatus status) {
        return counts[status.ordinal()];
    }

    public long passedThroughCount() {
        return passedThrough;
    }

    @Override
    public void close() {
        for (CryptorManager m : managers) {
            m.close();
        }
        managers.clear();
    }
}
