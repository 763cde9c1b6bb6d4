package io.mediaplane.net;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * A certificate fingerprint as SDP carries it (RFC 8122 §5, {@code a=fingerprint:sha-256 AB:CD:…}): the hash
 * function's name and the digest of the DER certificate. Immutable.
 *
 * @param algorithm hash function name as in the SDP, lower case ({@code sha-256}, {@code sha-384}, {@code sha-512},
 *                  {@code sha-1})
 */
public record DtlsFingerprint(String algorithm, byte[] digest) {
    private static final HexFormat HEX = HexFormat.ofDelimiter(":").withUpperCase();

    public DtlsFingerprint {
        algorithm = Objects.requireNonNull(algorithm, "algorithm").toLowerCase(Locale.ROOT);
        jcaName(algorithm); // validates
        digest = Objects.requireNonNull(digest, "digest").clone();
    }

    /** Parses the value of {@code a=fingerprint} ({@code "sha-256 AB:CD:…"}); hex case-insensitive. */
    public static DtlsFingerprint parse(String sdpValue) {
        Objects.requireNonNull(sdpValue, "sdpValue");
        String v = sdpValue.trim();
        int sp = v.indexOf(' ');
        if (sp <= 0) {
            throw new IllegalArgumentException("fingerprint needs 'hash-func HEX:HEX:…': " + sdpValue);
        }
        String alg = v.substring(0, sp);
        String hex = v.substring(sp + 1).trim();
        byte[] d;
        try {
            d = HexFormat.ofDelimiter(":").parseHex(hex.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fingerprint digest is not colon-separated hex: " + hex, e);
        }
        DtlsFingerprint f = new DtlsFingerprint(alg, d);
        if (d.length != f.newDigest().getDigestLength()) {
            throw new IllegalArgumentException(alg + " digest must be " + f.newDigest().getDigestLength()
                    + " bytes, got " + d.length);
        }
        return f;
    }

    /** The fingerprint of a DER certificate under {@code algorithm} ({@code "sha-256"} …). */
    public static DtlsFingerprint of(String algorithm, byte[] derCertificate) {
        DtlsFingerprint probe = new DtlsFingerprint(algorithm, new byte[0]);
        return new DtlsFingerprint(algorithm, probe.newDigest().digest(derCertificate));
    }

    /** Whether {@code derCertificate} hashes to this fingerprint (constant-time compare). */
    public boolean matches(byte[] derCertificate) {
        return MessageDigest.isEqual(digest, newDigest().digest(derCertificate));
    }

    /** The SDP attribute value: {@code sha-256 AB:CD:…}. */
    public String toSdp() {
        return algorithm + " " + HEX.formatHex(digest);
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    private MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(jcaName(algorithm));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without " + algorithm, e);
        }
    }

    private static String jcaName(String sdpName) {
        return switch (sdpName) {
            case "sha-1" -> "SHA-1";
            case "sha-224" -> "SHA-224";
            case "sha-256" -> "SHA-256";
            case "sha-384" -> "SHA-384";
            case "sha-512" -> "SHA-512";
            default -> throw new IllegalArgumentException("unsupported fingerprint hash function: " + sdpName);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DtlsFingerprint f && f.algorithm.equals(algorithm)
                && java.util.Arrays.equals(f.digest, digest);
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode() * 31 + java.util.Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return toSdp();
    }
}
