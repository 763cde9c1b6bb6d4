package io.mediaplane.crypto;

import java.util.Optional;

/**
 * The SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14): key and salt lengths of the master key, the
 * authentication tag lengths, and the DTLS {@code use_srtp} id. Master key and salt are given as one
 * {@code key ‖ salt} byte string ({@link #masterLength()}), as SDES {@code a=crypto} and the CLI carry them.
 */
public enum SrtpProfile {
    /** RFC 3711 AES-128 counter mode + HMAC-SHA1 truncated to 80 bits (SRTP and SRTCP). */
    AES_CM_128_HMAC_SHA1_80(0x0001, 16, 14, 10, 10, false),
    /** As above with a 32-bit SRTP tag; SRTCP keeps the 80-bit tag (RFC 5764 §4.1.2). */
    AES_CM_128_HMAC_SHA1_32(0x0002, 16, 14, 4, 10, false),
    /** RFC 7714 AES-128-GCM, 16-byte tag, 12-byte salt. */
    AEAD_AES_128_GCM(0x0007, 16, 12, 16, 16, true),
    /** RFC 7714 AES-256-GCM, 16-byte tag, 12-byte salt. */
    AEAD_AES_256_GCM(0x0008, 32, 12, 16, 16, true);

    /** HMAC-SHA1 session authentication key length (RFC 3711 §8.2: n_a = 160). */
    public static final int AUTH_KEY_LENGTH = 20;

    private final int dtlsId;
    private final int keyLength;
    private final int saltLength;
    private final int rtpTagLength;
    private final int rtcpTagLength;
    private final boolean aead;

    SrtpProfile(int dtlsId, int keyLength, int saltLength, int rtpTagLength, int rtcpTagLength, boolean aead) {
        this.dtlsId = dtlsId;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.rtpTagLength = rtpTagLength;
        this.rtcpTagLength = rtcpTagLength;
        this.aead = aead;
    }

    /** The SRTPProtectionProfile value of the DTLS {@code use_srtp} extension. */
    public int dtlsId() {
        return dtlsId;
    }

    public int keyLength() {
        return keyLength;
    }

    public int saltLength() {
        return saltLength;
    }

    /** {@code key ‖ salt}. */
    public int masterLength() {
        return keyLength + saltLength;
    }

    public int rtpTagLength() {
        return rtpTagLength;
    }

    public int rtcpTagLength() {
        return rtcpTagLength;
    }

    public boolean aead() {
        return aead;
    }

    /** Bytes SRTP adds to an RTP packet. */
    public int rtpOverhead() {
        return rtpTagLength;
    }

    /** Bytes SRTCP adds to an RTCP packet: tag plus the 4-byte E‖index word. */
    public int rtcpOverhead() {
        return rtcpTagLength + 4;
    }

    /** The profile with this name (as in SDP {@code a=crypto} and the CLI), case-insensitive. */
    public static Optional<SrtpProfile> byName(String name) {
        for (SrtpProfile p : values()) {
            if (p.name().equalsIgnoreCase(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The profile a DTLS {@code use_srtp} negotiation selected. */
    public static Optional<SrtpProfile> byDtlsId(int id) {
        for (SrtpProfile p : values()) {
            if (p.dtlsId == id) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
