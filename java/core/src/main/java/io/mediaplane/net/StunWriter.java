package io.mediaplane.net;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes one STUN message into a byte array (RFC 8489 §5, §14): {@link #start}, attributes in order, then
 * optionally {@link #messageIntegrity} and {@link #fingerprint} last; {@link #length()} is the datagram length.
 * The header length field is kept current after every attribute, as MESSAGE-INTEGRITY and FINGERPRINT need.
 * Padding bytes are {@link #padByte} (zero by default; RFC 5769's vectors pad with spaces). Reusable, one per
 * thread. Throws {@link IndexOutOfBoundsException} when the array is too small (sizing is the caller's job).
 */
public final class StunWriter {
    private byte[] a;
    private int off;
    private int p;
    private byte pad;
    private Mac hmac;
    private final CRC32 crc = new CRC32();

    /** Starts a message of {@code type} with the 12-byte transaction id at {@code txId[txOff..]}. */
    public StunWriter start(byte[] a, int off, int type, byte[] txId, int txOff) {
        this.a = a;
        this.off = off;
        this.p = off + Stun.HEADER_LENGTH;
        this.pad = 0;
        put16(off, type);
        put16(off + 2, 0);
        put32(off + 4, Stun.MAGIC_COOKIE);
        System.arraycopy(txId, txOff, a, off + 8, 12);
        return this;
    }

    /** The byte padding attribute values to a multiple of 4 (RFC 8489 §14: any value; receivers ignore it). */
    public StunWriter padByte(int b) {
        this.pad = (byte) b;
        return this;
    }

    /** Bytes written so far: the datagram length once finished. */
    public int length() {
        return p - off;
    }

    /** An attribute with a raw value. */
    public StunWriter attribute(int type, byte[] value, int valueOff, int valueLength) {
        int at = begin(type, valueLength);
        System.arraycopy(value, valueOff, a, at, valueLength);
        return end(valueLength);
    }

    public StunWriter text(int type, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        return attribute(type, b, 0, b.length);
    }

    public StunWriter username(String username) {
        return text(Stun.USERNAME, username);
    }

    public StunWriter u32(int type, int value) {
        int at = begin(type, 4);
        put32(at, value);
        return end(4);
    }

    public StunWriter u64(int type, long value) {
        int at = begin(type, 8);
        put32(at, (int) (value >>> 32));
        put32(at + 4, (int) value);
        return end(8);
    }

    public StunWriter priority(long priority) {
        return u32(Stun.PRIORITY, (int) priority);
    }

    public StunWriter useCandidate() {
        begin(Stun.USE_CANDIDATE, 0);
        return end(0);
    }

    public StunWriter iceControlling(long tieBreaker) {
        return u64(Stun.ICE_CONTROLLING, tieBreaker);
    }

    public StunWriter iceControlled(long tieBreaker) {
        return u64(Stun.ICE_CONTROLLED, tieBreaker);
    }

    /** ERROR-CODE (RFC 8489 §14.8): class = code / 100, number = code % 100, then the reason phrase. */
    public StunWriter errorCode(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        int at = begin(Stun.ERROR_CODE, 4 + r.length);
        a[at] = 0;
        a[at + 1] = 0;
        a[at + 2] = (byte) (code / 100);
        a[at + 3] = (byte) (code % 100);
        System.arraycopy(r, 0, a, at + 4, r.length);
        return end(4 + r.length);
    }

    /**
     * XOR-MAPPED-ADDRESS of {@code address} (RFC 8489 §14.2): port XOR the cookie's high 16 bits; IPv4 XOR the
     * cookie; IPv6 XOR cookie ‖ transaction id.
     */
    public StunWriter xorMappedAddress(PeerAddress address) {
        byte[] enc = new byte[PeerAddress.ENCODED_SIZE];
        address.copyTo(enc, 0);
        boolean v6 = address.family() == 6;
        int n = v6 ? 16 : 4;
        int at = begin(Stun.XOR_MAPPED_ADDRESS, 4 + n);
        a[at] = 0;
        a[at + 1] = (byte) (v6 ? 2 : 1);
        put16(at + 2, address.port() ^ (Stun.MAGIC_COOKIE >>> 16));
        for (int j = 0; j < n; j++) {
            a[at + 4 + j] = (byte) (enc[8 + j] ^ a[off + 4 + j]);
        }
        return end(4 + n);
    }

    /** MESSAGE-INTEGRITY: HMAC-SHA1 under {@code key} over the message so far with its length covering it (§14.5). */
    public StunWriter messageIntegrity(byte[] key) {
        int at = begin(Stun.MESSAGE_INTEGRITY, Stun.INTEGRITY_LENGTH);
        int body = at + Stun.INTEGRITY_LENGTH - off - Stun.HEADER_LENGTH;
        put16(off + 2, body);
        try {
            if (hmac == null) {
                hmac = Mac.getInstance("HmacSHA1");
            }
            hmac.init(new SecretKeySpec(key, "HmacSHA1"));
            hmac.update(a, off, at - 4 - off);
            hmac.doFinal(a, at);
        } catch (NoSuchAlgorithmException | InvalidKeyException | ShortBufferException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
        return end(Stun.INTEGRITY_LENGTH);
    }

    /** FINGERPRINT: CRC-32 of the message so far (length covering it) XOR 0x5354554E (§14.7); must be last. */
    public StunWriter fingerprint() {
        int at = begin(Stun.FINGERPRINT, 4);
        put16(off + 2, at + 4 - off - Stun.HEADER_LENGTH);
        crc.reset();
        crc.update(a, off, at - 4 - off);
        put32(at, (int) crc.getValue() ^ Stun.FINGERPRINT_XOR);
        return end(4);
    }

    private int begin(int type, int valueLength) {
        int padded = (valueLength + 3) & ~3;
        java.util.Objects.checkFromIndexSize(p, 4 + padded, a.length);
        put16(p, type);
        put16(p + 2, valueLength);
        return p + 4;
    }

    private StunWriter end(int valueLength) {
        int padded = (valueLength + 3) & ~3;
        for (int j = valueLength; j < padded; j++) {
            a[p + 4 + j] = pad;
        }
        p += 4 + padded;
        put16(off + 2, p - off - Stun.HEADER_LENGTH);
        return this;
    }

    private void put16(int at, int v) {
        a[at] = (byte) (v >>> 8);
        a[at + 1] = (byte) v;
    }

    private void put32(int at, int v) {
        a[at] = (byte) (v >>> 24);
        a[at + 1] = (byte) (v >>> 16);
        a[at + 2] = (byte) (v >>> 8);
        a[at + 3] = (byte) v;
    }
}
