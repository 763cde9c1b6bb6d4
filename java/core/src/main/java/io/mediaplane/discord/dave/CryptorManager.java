package io.mediaplane.discord.dave;

import io.mediaplane.crypto.TruncatedTagAesGcm;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The receive side of one sender's ratchet for one epoch (libdave {@code CryptorManager}): a cipher per key
 * generation, kept {@value #CRYPTOR_EXPIRY_SECONDS} s after a newer generation succeeded; generations more than
 * {@value #MAX_GENERATION_GAP} ahead of the newest are refused, as are generations the ratchet cannot have reached
 * at {@value #MAX_FRAMES_PER_SECOND} frames/s since it was created. Replay protection: a nonce (generation-extended
 * to 64 bits) is accepted once — newer than the newest seen, or one of the last {@value #MAX_MISSING_NONCES}
 * skipped ones.
 */
final class CryptorManager implements AutoCloseable {
    static final int GENERATION_WRAP = 256;
    static final int GENERATION_SHIFT = 24;
    static final long MAX_GENERATION_GAP = 250;
    static final int MAX_MISSING_NONCES = 1000;
    static final long MAX_FRAMES_PER_SECOND = 50 + 2 * 60;
    static final long CRYPTOR_EXPIRY_SECONDS = 10;
    private static final long SECOND = 1_000_000_000L;

    private record Expiring(TruncatedTagAesGcm cipher, long expiry) {}

    private final KeyRatchet ratchet;
    private final TruncatedTagAesGcm.Backend backend;
    private final long created;
    private long expiry = Long.MAX_VALUE;
    private final TreeMap<Long, Expiring> cryptors = new TreeMap<>();
    private long oldestGeneration;
    private long newestGeneration;
    private long newestNonce = -1;
    private final ArrayDeque<Long> missingNonces = new ArrayDeque<>();

    CryptorManager(KeyRatchet ratchet, TruncatedTagAesGcm.Backend backend, long now) {
        this.ratchet = ratchet;
        this.backend = backend;
        this.created = now;
    }

    /** libdave {@code ComputeWrappedGeneration}: the 8-bit generation placed at or after {@code oldest}. */
    static long wrappedGeneration(long oldest, long generation) {
        long remainder = oldest % GENERATION_WRAP;
        long factor = oldest / GENERATION_WRAP + (generation < remainder ? 1 : 0);
        return factor * GENERATION_WRAP + generation;
    }

    static long bigNonce(long generation, int nonce) {
        return generation << GENERATION_SHIFT | (nonce & ((1 << GENERATION_SHIFT) - 1));
    }

    long wrappedGeneration(int truncatedNonce) {
        return wrappedGeneration(oldestGeneration, Integer.toUnsignedLong(truncatedNonce) >>> GENERATION_SHIFT);
    }

    boolean canProcessNonce(long generation, int nonce) {
        if (newestNonce < 0) {
            return true;
        }
        long big = bigNonce(generation, nonce);
        return big > newestNonce || missingNonces.contains(big);
    }

    /** The cipher for {@code generation}, or {@code null} when it is too old, too far ahead or unreachable. */
    TruncatedTagAesGcm cryptor(long generation, long now) {
        cleanupExpired(now);
        if (generation < oldestGeneration || generation > newestGeneration + MAX_GENERATION_GAP) {
            return null;
        }
        long lifetimeSeconds = Math.max(0, (now - created) / SECOND);
        long maxLifetimeGenerations = (MAX_FRAMES_PER_SECOND * lifetimeSeconds) >> GENERATION_SHIFT;
        if (generation > maxLifetimeGenerations) {
            return null;
        }
        Expiring e = cryptors.get(generation);
        if (e == null) {
            byte[] key = ratchet.key(generation);
            if (key == null) {
                return null;
            }
            long until = generation < newestGeneration ? now + CRYPTOR_EXPIRY_SECONDS * SECOND : Long.MAX_VALUE;
            e = new Expiring(TruncatedTagAesGcm.create(key, backend), until);
            cryptors.put(generation, e);
        }
        return e.cipher();
    }

    void reportSuccess(long generation, int nonce, long now) {
        long big = bigNonce(generation, nonce);
        if (newestNonce < 0) {
            newestNonce = big;
        } else if (big > newestNonce) {
            long missing = Math.min(big - newestNonce - 1, MAX_MISSING_NONCES);
            while (!missingNonces.isEmpty() && missingNonces.size() + missing > MAX_MISSING_NONCES) {
                missingNonces.pollFirst();
            }
            for (long i = big - missing; i < big; i++) {
                missingNonces.addLast(i);
            }
            newestNonce = big;
        } else {
            missingNonces.remove(big);
        }
        if (generation <= newestGeneration || !cryptors.containsKey(generation)) {
            return;
        }
        newestGeneration = generation;
        long until = now + CRYPTOR_EXPIRY_SECONDS * SECOND;
        for (Map.Entry<Long, Expiring> e : cryptors.entrySet()) {
            if (e.getKey() < newestGeneration && e.getValue().expiry() > until) {
                e.setValue(new Expiring(e.getValue().cipher(), until));
            }
        }
    }

    private void cleanupExpired(long now) {
        for (Iterator<Map.Entry<Long, Expiring>> it = cryptors.entrySet().iterator(); it.hasNext(); ) {
            Expiring e = it.next().getValue();
            if (e.expiry() < now) {
                e.cipher().close();
                it.remove();
            }
        }
        while (oldestGeneration < newestGeneration && !cryptors.containsKey(oldestGeneration)) {
            ratchet.deleteKey(oldestGeneration);
            oldestGeneration++;
        }
    }

    /** Lowers this ratchet's expiry to at most {@code until} (a transition to a newer epoch started). */
    void expireBy(long until) {
        expiry = Math.min(expiry, until);
    }

    boolean isExpired(long now) {
        return expiry < now;
    }

    @Override
    public void close() {
        for (Expiring e : cryptors.values()) {
            e.cipher().close();
        }
        cryptors.clear();
    }
}
