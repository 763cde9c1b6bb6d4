package io.mediaplane.crypto;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.mediaplane.ffi.Srtp2;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One direction of an {@link SrtpContext} in libsrtp2 through FFM: one {@code srtp_t} holding a stream per SSRC.
 * Streams are added with {@code ssrc_specific} policies on first sight so {@link SrtpContext.Builder#initialRoc}
 * can be set with {@code srtp_set_stream_roc}; on the receive side a stream added for a packet that then fails
 * is removed again, so forged SSRCs leave nothing behind. libsrtp keeps the index, ROC and replay state.
 * Replay window: libsrtp's minimum is 64 and it cannot be turned off ({@link SrtpContext.Builder} refuses 0).
 */
final class LibSrtp2Session implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment policy;
    private final MemorySegment key;
    private final MemorySegment session;
    private final MemorySegment length;
    private final int roc;
    private int[] ssrcs = new int[4];
    private int count;
    private int lastSsrc;
    private boolean hasLast;
    private boolean closed;

    LibSrtp2Session(SrtpProfile profile, byte[] master, int window, long initialRoc) {
        Srtp2.library().ensureAvailable();
        this.roc = (int) initialRoc;
        policy = arena.allocate(Srtp2.POLICY_SIZE, 8);
        String suite = suite(profile);
        Srtp2.setCryptoPolicy(suite, policy.asSlice(Srtp2.POLICY_RTP, 24));
        // RFC 5764 §4.1.2: SRTCP of the _32 profile keeps the 80-bit tag
        Srtp2.setCryptoPolicy(profile == SrtpProfile.AES_CM_128_HMAC_SHA1_32 ? "cm80" : suite,
                policy.asSlice(Srtp2.POLICY_RTCP, 24));
        key = arena.allocate(master.length);
        MemorySegment.copy(master, 0, key, JAVA_BYTE, 0, master.length);
        policy.set(ADDRESS, Srtp2.POLICY_KEY, key);
        policy.set(JAVA_LONG, Srtp2.POLICY_WINDOW_SIZE, window);
        policy.set(JAVA_INT, Srtp2.POLICY_ALLOW_REPEAT_TX, 1);
        MemorySegment out = arena.allocate(ADDRESS);
        int st = Srtp2.create(out, MemorySegment.NULL);
        if (st != Srtp2.ERR_OK) {
            arena.close();
            throw new IllegalStateException("srtp_create failed with status " + st);
        }
        session = out.get(ADDRESS, 0);
        length = arena.allocate(JAVA_INT);
    }

    static String suite(SrtpProfile p) {
        return switch (p) {
            case AES_CM_128_HMAC_SHA1_80 -> "cm80";
            case AES_CM_128_HMAC_SHA1_32 -> "cm32";
            case AEAD_AES_128_GCM -> "gcm128";
            case AEAD_AES_256_GCM -> "gcm256";
        };
    }

    /** Adds a stream for {@code ssrc} unless there is one; true when it was added now. */
    private boolean ensure(int ssrc) {
        if (hasLast && lastSsrc == ssrc) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (ssrcs[i] == ssrc) {
                lastSsrc = ssrc;
                hasLast = true;
                return false;
            }
        }
        policy.set(JAVA_INT, Srtp2.POLICY_SSRC_TYPE, Srtp2.SSRC_SPECIFIC);
        policy.set(JAVA_INT, Srtp2.POLICY_SSRC_VALUE, ssrc);
        int st = Srtp2.addStream(session, policy);
        if (st != Srtp2.ERR_OK) {
            throw new IllegalStateException("srtp_add_stream failed with status " + st);
        }
        if (roc != 0) {
            Srtp2.setStreamRoc(session, ssrc, roc);
        }
        if (count == ssrcs.length) {
            ssrcs = Arrays.copyOf(ssrcs, count * 2);
        }
        ssrcs[count++] = ssrc;
        lastSsrc = ssrc;
        hasLast = true;
        return true;
    }

    private void forget(int ssrc) {
        Srtp2.removeStream(session, ssrc);
        for (int i = 0; i < count; i++) {
            if (ssrcs[i] == ssrc) {
                ssrcs[i] = ssrcs[--count];
                break;
            }
        }
        hasLast = false;
    }

    private static int status(int st) {
        return switch (st) {
            case Srtp2.ERR_AUTH_FAIL -> CipherStatus.AUTH_FAILED.asResult();
            case Srtp2.ERR_REPLAY_FAIL, Srtp2.ERR_REPLAY_OLD -> CipherStatus.REPLAYED.asResult();
            case Srtp2.ERR_CANT_CHECK -> CipherStatus.NOT_ENCRYPTED.asResult();
            default -> CipherStatus.BAD_HEADER.asResult();
        };
    }

    /** Protects in place (the caller checked room for the tag); the new length or a negative status code. */
    int protect(MemorySegment s, long offset, int len, int ssrc, boolean rtcp) {
        ensure(ssrc);
        length.set(JAVA_INT, 0, len);
        MemorySegment packet = s.asSlice(offset);
        int st = rtcp ? Srtp2.protectRtcp(session, packet, length) : Srtp2.protect(session, packet, length);
        return st == Srtp2.ERR_OK ? length.get(JAVA_INT, 0) : status(st);
    }

    int unprotect(MemorySegment s, long offset, int len, int ssrc, boolean rtcp) {
        boolean added = ensure(ssrc);
        length.set(JAVA_INT, 0, len);
        MemorySegment packet = s.asSlice(offset);
        int st = rtcp ? Srtp2.unprotectRtcp(session, packet, length) : Srtp2.unprotect(session, packet, length);
        if (st != Srtp2.ERR_OK) {
            if (added) {
                forget(ssrc);
            }
            return status(st);
        }
        return length.get(JAVA_INT, 0);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Srtp2.dealloc(session);
        key.fill((byte) 0);
        arena.close();
    }
}
