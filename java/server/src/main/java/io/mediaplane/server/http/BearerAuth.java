package io.mediaplane.server.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer keys (RFC 6750 §2.1) for publishing and viewing: one per room, or one for every room. A room without a
 * key of its own and no global key is open. The header is accepted with or without the {@code Bearer } prefix
 * (OBS sends it, other clients do not). Keys are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so
 * neither content nor length leaks through timing. Addresses that fail too often are refused for a while (429).
 *
 * @param publishKeys    room → key for WHIP
 * @param globalPublish  key for WHIP in every room, or null
 * @param viewKeys       room → key for WHEP (viewers may have their own key)
 * @param globalView     key for WHEP in every room, or null
 * @param maxFailures    failed attempts from one address before it is refused
 * @param lockoutNanos   how long a refused address stays refused
 */
public record BearerAuth(Map<String, String> publishKeys, String globalPublish, Map<String, String> viewKeys,
                         String globalView, int maxFailures, long lockoutNanos, Failures failures) {

    public enum Outcome { ALLOWED, DENIED, LOCKED_OUT }

    public BearerAuth {
        publishKeys = Map.copyOf(publishKeys);
        viewKeys = Map.copyOf(viewKeys);
    }

    /** Nobody needs a key. */
    public static BearerAuth open() {
        return new BearerAuth(Map.of(), null, Map.of(), null, 10, 60_000_000_000L, new Failures());
    }

    public BearerAuth withGlobalPublishKey(String key) {
        return new BearerAuth(publishKeys, key, viewKeys, globalView, maxFailures, lockoutNanos, failures);
    }

    public BearerAuth withPublishKey(String room, String key) {
        var m = new java.util.HashMap<>(publishKeys);
        m.put(room, key);
        return new BearerAuth(m, globalPublish, viewKeys, globalView, maxFailures, lockoutNanos, failures);
    }

    public BearerAuth withViewKey(String room, String key) {
        var m = new java.util.HashMap<>(viewKeys);
        m.put(room, key);
        return new BearerAuth(publishKeys, globalPublish, m, globalView, maxFailures, lockoutNanos, failures);
    }

    public BearerAuth withMaxFailures(int n) {
        return new BearerAuth(publishKeys, globalPublish, viewKeys, globalView, n, lockoutNanos, failures);
    }

    /** Per-address failure counts; shared by copies of one configuration. */
    public static final class Failures {
        private record Entry(int count, long since) { }

        private final Map<String, Entry> byAddress = new ConcurrentHashMap<>();

        boolean lockedOut(String address, int max, long lockout, long now) {
            Entry e = byAddress.get(address);
            if (e == null) {
                return false;
            }
            if (now - e.since() > lockout) {
                byAddress.remove(address, e);
                return false;
            }
            return e.count() >= max;
        }

        void fail(String address, long lockout, long now) {
            byAddress.merge(address, new Entry(1, now),
                    (old, one) -> now - old.since() > lockout ? one : new Entry(old.count() + 1, old.since()));
        }

        void succeed(String address) {
            byAddress.remove(address);
        }
    }

    /** Whether {@code authorization} may publish ({@code publish}) or view in {@code room}, from {@code address}. */
    public Outcome check(String room, boolean publish, String authorization, String address) {
        long now = System.nanoTime();
        if (failures.lockedOut(address, maxFailures, lockoutNanos, now)) {
            return Outcome.LOCKED_OUT;
        }
        String roomKey = (publish ? publishKeys : viewKeys).get(room);
        String global = publish ? globalPublish : globalView;
        if (roomKey == null && global == null) {
            return Outcome.ALLOWED;
        }
        String presented = token(authorization);
        boolean ok = presented != null && (matches(presented, roomKey) | matches(presented, global));
        if (ok) {
            failures.succeed(address);
            return Outcome.ALLOWED;
        }
        failures.fail(address, lockoutNanos, now);
        return failures.lockedOut(address, maxFailures, lockoutNanos, now) ? Outcome.LOCKED_OUT : Outcome.DENIED;
    }

    /** The key in an Authorization value: after {@code Bearer } (any case) if present, else the whole value. */
    static String token(String authorization) {
        if (authorization == null) {
            return null;
        }
        String v = authorization.trim();
        if (v.regionMatches(true, 0, "Bearer ", 0, 7)) {
            v = v.substring(7).trim();
        }
        return v.isEmpty() ? null : v;
    }

    private static boolean matches(String presented, String key) {
        if (key == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(presented), sha256(key));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
