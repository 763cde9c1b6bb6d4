package io.mediaplane.net;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * One side's ICE username fragment and password (RFC 8445 §5.3, SDP {@code a=ice-ufrag}/{@code a=ice-pwd},
 * RFC 8839 §5.4): ufrag 4..256 and pwd 22..256 {@code ice-char}s ({@code ALPHA / DIGIT / "+" / "/"}).
 * A binding request to us carries {@code USERNAME = ourUfrag:theirUfrag} and is signed with our password
 * (RFC 8445 §7.2.2).
 *
 * @param ufrag the username fragment
 * @param pwd   the password; may be null for the remote side when only its ufrag is known
 */
public record IceCredentials(String ufrag, String pwd) {
    private static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final SecureRandom RANDOM = new SecureRandom();

    public IceCredentials {
        Objects.requireNonNull(ufrag, "ufrag");
        if (ufrag.length() < 4 || ufrag.length() > 256 || !iceChars(ufrag)) {
            throw new IllegalArgumentException("ice-ufrag must be 4..256 ice-chars: " + ufrag);
        }
        if (pwd != null && (pwd.length() < 22 || pwd.length() > 256 || !iceChars(pwd))) {
            throw new IllegalArgumentException("ice-pwd must be 22..256 ice-chars");
        }
    }

    /**
     * Fresh local credentials: an 8-character ufrag (48 random bits) and a 32-character password (192 bits,
     * above RFC 8445 §5.3's 128-bit minimum).
     */
    public static IceCredentials random() {
        return new IceCredentials(randomIceChars(8), randomIceChars(32));
    }

    static String randomIceChars(int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = ICE_CHARS.charAt(RANDOM.nextInt(ICE_CHARS.length()));
        }
        return new String(c);
    }

    private static boolean iceChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (ICE_CHARS.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + ", pwd " + (pwd == null ? "unknown" : "hidden") + "]";
    }
}
