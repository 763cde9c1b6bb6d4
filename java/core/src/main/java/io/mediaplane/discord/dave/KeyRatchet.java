package io.mediaplane.discord.dave;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One sender's media keys for one MLS epoch: the MLS hash ratchet (RFC 9420 §9.1, {@code DeriveTreeSecret}) started
 * from {@code MLS-Exporter("Discord Secure Frames v0", little-endian u64 user id, 16)}. Generation {@code g} has
 * {@code key_g = ExpandWithLabel(secret_g, "key", u32 g, 16)} and {@code secret_{g+1} = ExpandWithLabel(secret_g,
 * "secret", u32 g, 32)} with HKDF-SHA256 (ciphersuite 2); DAVE uses only the key (libdave {@code MlsKeyRatchet}
 * over mlspp's {@code HashRatchet}).
 *
 * <p>Keys are derived forward on demand and cached until {@link #deleteKey}; a deleted or skipped-past generation
 * cannot come back (forward secrecy), as with mlspp.
 */
public final class KeyRatchet {
    public static final String EXPORTER_LABEL = "Discord Secure Frames v0";
    public static final int BASE_SECRET_LENGTH = 16;
    private static final int KEY_LENGTH = 16;
    private static final int SECRET_LENGTH = 32; // Nh of SHA-256
    private static final byte[] LABEL_PREFIX = "MLS 1.0 ".getBytes(StandardCharsets.US_ASCII);

    private byte[] nextSecret;
    private long nextGeneration;
    private final Map<Long, byte[]> keys = new HashMap<>();

    public KeyRatchet(byte[] baseSecret) {
        this.nextSecret = baseSecret.clone();
    }

    /** The exporter context for {@code userId}: the id as little-endian u64 (libdave {@code GetKeyRatchet}). */
    public static byte[] exporterContext(long userId) {
        byte[] c = new byte[8];
        for (int i = 0; i < 8; i++) {
            c[i] = (byte) (userId >>> (8 * i));
        }
        return c;
    }

    /** The 16-byte key of {@code generation}, or {@code null} when it was deleted or skipped past. */
    public synchronized byte[] key(long generation) {
        byte[] k = keys.get(generation);
        if (k != null) {
            return k;
        }
        if (generation < nextGeneration || generation > 0xFFFF_FFFFL) {
            return null;
        }
        while (nextGeneration <= generation) {
            byte[] context = u32(nextGeneration);
            keys.put(nextGeneration, expandWithLabel(nextSecret, "key", context, KEY_LENGTH));
            byte[] secret = expandWithLabel(nextSecret, "secret", context, SECRET_LENGTH);
            Arrays.fill(nextSecret, (byte) 0);
            nextSecret = secret;
            nextGeneration++;
        }
        return keys.get(generation);
    }

    /** Forgets the key of {@code generation}. */
    public synchronized void deleteKey(long generation) {
        byte[] k = keys.remove(generation);
        if (k != null) {
            Arrays.fill(k, (byte) 0);
        }
    }

    private static byte[] u32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /**
     * RFC 9420 §8: {@code ExpandWithLabel(Secret, Label, Context, Length) = KDF.Expand(Secret, KDFLabel, Length)},
     * {@code KDFLabel = struct { uint16 length; opaque label<V> = "MLS 1.0 " + Label; opaque context<V>; }} with
     * HKDF-SHA256 (RFC 5869 §2.3).
     */
    static byte[] expandWithLabel(byte[] secret, String label, byte[] context, int length) {
        byte[] l = label.getBytes(StandardCharsets.US_ASCII);
        int labelLength = LABEL_PREFIX.length + l.length;
        byte[] info = new byte[2 + varintSize(labelLength) + labelLength + varintSize(context.length) + context.length];
        int at = 0;
        info[at++] = (byte) (length >>> 8);
        info[at++] = (byte) length;
        at = varint(labelLength, info, at);
        System.arraycopy(LABEL_PREFIX, 0, info, at, LABEL_PREFIX.length);
        at += LABEL_PREFIX.length;
        System.arraycopy(l, 0, info, at, l.length);
        at += l.length;
        at = varint(context.length, info, at);
        System.arraycopy(context, 0, info, at, context.length);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] out = new byte[length];
            byte[] t = new byte[0];
            int done = 0;
            for (int i = 1; done < length; i++) {
                mac.update(t);
                mac.update(info);
                mac.update((byte) i);
                t = mac.doFinal();
                int n = Math.min(t.length, length - done);
                System.arraycopy(t, 0, out, done, n);
                done += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** RFC 9420 §2.1.2 variable-length integer (lengths here are < 2^14). */
    private static int varintSize(int v) {
        return v < 0x40 ? 1 : 2;
    }

    private static int varint(int v, byte[] out, int at) {
        if (v < 0x40) {
            out[at] = (byte) v;
            return at + 1;
        }
        out[at] = (byte) (0x40 | (v >>> 8));
        out[at + 1] = (byte) v;
        return at + 2;
    }
}
