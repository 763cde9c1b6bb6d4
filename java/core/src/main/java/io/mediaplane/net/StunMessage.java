package io.mediaplane.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A reusable view of one STUN message in a byte array (RFC 8489 §5, §14): {@link #parse} checks the framing and
 * indexes the attributes; accessors read in place. Nothing is copied and nothing is thrown for bad input: parse
 * returns a {@link StunStatus}, absent attributes read as -1/null. One instance per thread (it keeps an HMAC
 * and a CRC engine).
 *
 * <p>Integrity and fingerprint are checked over the bytes as they are (RFC 8489 §14.5, §14.7): the HMAC covers
 * the message up to MESSAGE-INTEGRITY with the length field set as if MESSAGE-INTEGRITY were the last attribute;
 * attributes after MESSAGE-INTEGRITY other than FINGERPRINT are ignored (§14.5).
 */
public final class StunMessage {
    /** Binding requests from browsers carry 6-8 attributes; anything far beyond is not one we answer. */
    static final int MAX_ATTRIBUTES = 32;

    private byte[] a;
    private int off;
    private int len;
    private int type;
    private int attributeCount;
    private final int[] attrType = new int[MAX_ATTRIBUTES];
    private final int[] attrValue = new int[MAX_ATTRIBUTES];
    private final int[] attrLength = new int[MAX_ATTRIBUTES];
    /** Index of MESSAGE-INTEGRITY / FINGERPRINT in the attribute arrays, or -1. */
    private int integrity;
    private int fingerprint;
    private int unknownRequired;
    private Mac hmac;
    private final CRC32 crc = new CRC32();

    /** Parses {@code a[off, off+len)}; on anything but {@link StunStatus#OK} the view holds nothing. */
    public StunStatus parse(byte[] a, int off, int len) {
        clear();
        StunStatus s = parseInto(a, off, len);
        if (!s.ok()) {
            clear(); // the attribute walk may have stopped half way, with integrity/fingerprint already set
        }
        return s;
    }

    private void clear() {
        this.a = null;
        this.attributeCount = 0;
        this.integrity = -1;
        this.fingerprint = -1;
        this.unknownRequired = -1;
    }

    private StunStatus parseInto(byte[] a, int off, int len) {
        if (len < Stun.HEADER_LENGTH) {
            return StunStatus.TOO_SHORT;
        }
        if ((a[off] & 0xC0) != 0 || i32(a, off + 4) != Stun.MAGIC_COOKIE) {
            return StunStatus.NOT_STUN;
        }
        int bodyLength = u16(a, off + 2);
        if ((bodyLength & 3) != 0 || bodyLength != len - Stun.HEADER_LENGTH) {
            return StunStatus.BAD_LENGTH;
        }
        int p = off + Stun.HEADER_LENGTH;
        int end = off + len;
        int n = 0;
        while (p < end) {
            if (end - p < 4) {
                return StunStatus.BAD_ATTRIBUTE;
            }
            int t = u16(a, p);
            int l = u16(a, p + 2);
            int padded = (l + 3) & ~3;
            if (padded > end - p - 4) {
                return StunStatus.BAD_ATTRIBUTE;
            }
            if (n == MAX_ATTRIBUTES) {
                return StunStatus.TOO_MANY_ATTRIBUTES;
            }
            if (fingerprint >= 0) {
                return StunStatus.BAD_ATTRIBUTE; // FINGERPRINT must be last (RFC 8489 §14.7)
            }
            attrType[n] = t;
            attrValue[n] = p + 4;
            attrLength[n] = l;
            if (!sizeOk(t, l)) {
                return StunStatus.BAD_ATTRIBUTE;
            }
            if (t == Stun.MESSAGE_INTEGRITY && integrity < 0) {
                integrity = n;
            } else if (t == Stun.FINGERPRINT) {
                fingerprint = n;
            } else if (integrity < 0 && unknownRequired < 0 && Stun.comprehensionRequired(t) && !known(t)) {
                unknownRequired = t;
            }
            n++;
            p += 4 + padded;
        }
        this.a = a;
        this.off = off;
        this.len = len;
        this.type = u16(a, off);
        this.attributeCount = n;
        return StunStatus.OK;
    }

    private static boolean sizeOk(int type, int length) {
        return switch (type) {
            case Stun.MESSAGE_INTEGRITY -> length == Stun.INTEGRITY_LENGTH;
            case Stun.FINGERPRINT, Stun.PRIORITY -> length == 4;
            case Stun.USE_CANDIDATE -> length == 0;
            case Stun.ICE_CONTROLLED, Stun.ICE_CONTROLLING -> length == 8;
            case Stun.USERNAME -> length <= 513; // RFC 8489 §14.3
            case Stun.XOR_MAPPED_ADDRESS, Stun.MAPPED_ADDRESS -> length == 8 || length == 20;
            case Stun.ERROR_CODE -> length >= 4 && length <= 4 + 763;
            default -> true;
        };
    }

    private static boolean known(int type) {
        return switch (type) {
            case Stun.MAPPED_ADDRESS, Stun.USERNAME, Stun.MESSAGE_INTEGRITY, Stun.ERROR_CODE, Stun.UNKNOWN_ATTRIBUTES,
                    Stun.REALM, Stun.NONCE, Stun.MESSAGE_INTEGRITY_SHA256, Stun.XOR_MAPPED_ADDRESS, Stun.PRIORITY,
                    Stun.USE_CANDIDATE -> true;
            default -> false;
        };
    }

    /** The 16-bit message type (method and class, RFC 8489 §5). */
    public int type() {
        return type;
    }

    public boolean isBindingRequest() {
        return type == Stun.BINDING_REQUEST;
    }

    /** Byte offset of the 12-byte transaction id in {@link #array()}. */
    public int transactionIdOffset() {
        return off + 8;
    }

    public byte[] array() {
        return a;
    }

    public int length() {
        return len;
    }

    /** Number of attributes. */
    public int attributeCount() {
        return attributeCount;
    }

    public int attributeType(int i) {
        return attrType[i];
    }

    /** A comprehension-required attribute before MESSAGE-INTEGRITY that we do not know, or -1 (RFC 8489 §6.3.1). */
    public int unknownComprehensionRequired() {
        return unknownRequired;
    }

    /** Index of the first attribute of {@code type} that counts (before MESSAGE-INTEGRITY, or FINGERPRINT), or -1. */
    public int find(int type) {
        int limit = integrity >= 0 ? integrity : attributeCount;
        for (int i = 0; i < limit; i++) {
            if (attrType[i] == type) {
                return i;
            }
        }
        if (type == Stun.MESSAGE_INTEGRITY) {
            return integrity;
        }
        if (type == Stun.FINGERPRINT) {
            return fingerprint;
        }
        return -1;
    }

    public boolean has(int type) {
        return find(type) >= 0;
    }

    /** Offset of attribute {@code i}'s value in {@link #array()}. */
    public int valueOffset(int i) {
        return attrValue[i];
    }

    public int valueLength(int i) {
        return attrLength[i];
    }

    /** USERNAME as UTF-8 text, or null. */
    public String username() {
        int i = find(Stun.USERNAME);
        return i < 0 ? null : new String(a, attrValue[i], attrLength[i], StandardCharsets.UTF_8);
    }

    /**
     * Whether USERNAME is exactly {@code ourUfrag:theirUfrag} (RFC 8445 §7.3.1), without allocating; a null
     * {@code theirUfrag} accepts any remote part.
     */
    public boolean usernameIs(String ourUfrag, String theirUfrag) {
        int i = find(Stun.USERNAME);
        if (i < 0) {
            return false;
        }
        int p = attrValue[i];
        int l = attrLength[i];
        int ours = ourUfrag.length();
        if (l < ours + 1 || !asciiAt(p, ourUfrag) || a[p + ours] != ':') {
            return false;
        }
        if (theirUfrag == null) {
            return true;
        }
        return l == ours + 1 + theirUfrag.length() && asciiAt(p + ours + 1, theirUfrag);
    }

    /** The part of USERNAME before ':' (the ufrag of the receiving agent), or null. */
    public String usernameLocalPart() {
        int i = find(Stun.USERNAME);
        if (i < 0) {
            return null;
        }
        int p = attrValue[i];
        for (int j = 0; j < attrLength[i]; j++) {
            if (a[p + j] == ':') {
                return new String(a, p, j, StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    private boolean asciiAt(int p, String s) {
        for (int j = 0; j < s.length(); j++) {
            if (a[p + j] != (byte) s.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    /** PRIORITY, or -1 when absent (a 32-bit value; read as unsigned into the long). */
    public long priority() {
        int i = find(Stun.PRIORITY);
        return i < 0 ? -1 : i32(a, attrValue[i]) & 0xFFFF_FFFFL;
    }

    public boolean useCandidate() {
        return has(Stun.USE_CANDIDATE);
    }

    /** The tie-breaker of ICE-CONTROLLING or ICE-CONTROLLED ({@code type}), or 0 when absent. */
    public long tieBreaker(int type) {
        int i = find(type);
        return i < 0 ? 0 : (long) i32(a, attrValue[i]) << 32 | (i32(a, attrValue[i] + 4) & 0xFFFF_FFFFL);
    }

    /** ERROR-CODE as class·100 + number, or -1 (RFC 8489 §14.8). */
    public int errorCode() {
        int i = find(Stun.ERROR_CODE);
        if (i < 0) {
            return -1;
        }
        int p = attrValue[i];
        return (a[p + 2] & 0x07) * 100 + (a[p + 3] & 0xFF);
    }

    /** The reason phrase of ERROR-CODE, or null. */
    public String errorReason() {
        int i = find(Stun.ERROR_CODE);
        return i < 0 ? null : new String(a, attrValue[i] + 4, attrLength[i] - 4, StandardCharsets.UTF_8);
    }

    /** XOR-MAPPED-ADDRESS (RFC 8489 §14.2) as a {@link PeerAddress}, or null when absent or malformed. */
    public PeerAddress xorMappedAddress() {
        int i = find(Stun.XOR_MAPPED_ADDRESS);
        if (i < 0) {
            return null;
        }
        int p = attrValue[i];
        int family = a[p + 1];
        int port = u16(a, p + 2) ^ (Stun.MAGIC_COOKIE >>> 16);
        byte[] ip;
        if (family == 1 && attrLength[i] == 8) {
            ip = new byte[4];
        } else if (family == 2 && attrLength[i] == 20) {
            ip = new byte[16];
        } else {
            return null;
        }
        // XOR with the magic cookie, then (IPv6) the transaction id: bytes 4..19 of the header
        for (int j = 0; j < ip.length; j++) {
            ip[j] = (byte) (a[p + 4 + j] ^ a[off + 4 + j]);
        }
        try {
            return PeerAddress.of(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * Whether MESSAGE-INTEGRITY is present and is the HMAC-SHA1 under {@code key} (short-term: the password's
     * UTF-8 bytes after OpaqueString, RFC 8489 §9.1.1; long-term: MD5(username:realm:password), §9.2.2).
     */
    public boolean verifyIntegrity(byte[] key) {
        if (a == null || integrity < 0) {
            return false;
        }
        int miStart = attrValue[integrity] - 4;
        int coveredLength = miStart + 4 + Stun.INTEGRITY_LENGTH - off - Stun.HEADER_LENGTH;
        Mac m = mac(key);
        m.update(a, off, 2);
        m.update((byte) (coveredLength >>> 8));
        m.update((byte) coveredLength);
        m.update(a, off + 4, miStart - off - 4);
        byte[] expected = m.doFinal();
        return MessageDigest.isEqual(expected,
                java.util.Arrays.copyOfRange(a, attrValue[integrity], attrValue[integrity] + Stun.INTEGRITY_LENGTH));
    }

    /** Whether FINGERPRINT is present and right (RFC 8489 §14.7). */
    public boolean verifyFingerprint() {
        if (a == null || fingerprint < 0) {
            return false;
        }
        int fpStart = attrValue[fingerprint] - 4;
        crc.reset();
        crc.update(a, off, fpStart - off);
        return ((int) crc.getValue() ^ Stun.FINGERPRINT_XOR) == i32(a, attrValue[fingerprint]);
    }

    public boolean hasFingerprint() {
        return fingerprint >= 0;
    }

    public boolean hasIntegrity() {
        return integrity >= 0;
    }

    private Mac mac(byte[] key) {
        try {
            if (hmac == null) {
                hmac = Mac.getInstance("HmacSHA1");
            }
            hmac.init(new SecretKeySpec(key, "HmacSHA1"));
            return hmac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("JDK without HmacSHA1", e);
        }
    }

    static int u16(byte[] a, int p) {
        return (a[p] & 0xFF) << 8 | (a[p + 1] & 0xFF);
    }

    static int i32(byte[] a, int p) {
        return (a[p] & 0xFF) << 24 | (a[p + 1] & 0xFF) << 16 | (a[p + 2] & 0xFF) << 8 | (a[p + 3] & 0xFF);
    }
}
