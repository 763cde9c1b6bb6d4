package io.mediaplane.webrtc;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/** A certificate fingerprint of {@code a=fingerprint} (RFC 8122 §5): hash function name and digest bytes. */
public record Fingerprint(String algorithm, byte[] digest) {

    public Fingerprint {
        algorithm = algorithm.toLowerCase(Locale.ROOT);
        digest = digest.clone();
    }

    /** Parses {@code "sha-256 AB:CD:..."}; null if it is not a hash name followed by colon-separated hex bytes. */
    public static Fingerprint parse(String value) {
        String v = value.trim();
        int sp = v.indexOf(' ');
        if (sp <= 0) {
            return null;
        }
        String alg = v.substring(0, sp);
        String hex = v.substring(sp + 1).trim();
        if (hex.isEmpty() || (hex.length() + 1) % 3 != 0) {
            return null;
        }
        int n = (hex.length() + 1) / 3;
        byte[] d = new byte[n];
        for (int i = 0; i < n; i++) {
            int hi = Character.digit(hex.charAt(3 * i), 16);
            int lo = Character.digit(hex.charAt(3 * i + 1), 16);
            if (hi < 0 || lo < 0 || i + 1 < n && hex.charAt(3 * i + 2) != ':') {
                return null;
            }
            d[i] = (byte) (hi << 4 | lo);
        }
        return new Fingerprint(alg, d);
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /** Whether {@code other} hashes the same certificate with the same function. */
    public boolean matches(String otherAlgorithm, byte[] otherDigest) {
        return algorithm.equalsIgnoreCase(otherAlgorithm) && java.security.MessageDigest.isEqual(digest, otherDigest);
    }

    /** The SDP attribute value: upper-case hex pairs joined by colons (RFC 8122 §5). */
    public String value() {
        return algorithm + " " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint f && f.algorithm.equals(algorithm) && Arrays.equals(f.digest, digest);
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode() * 31 + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return value();
    }
}
