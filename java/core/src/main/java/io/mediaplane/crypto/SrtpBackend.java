package io.mediaplane.crypto;

/** Who computes SRTP/SRTCP for an {@link SrtpContext}. */
public enum SrtpBackend {
    /** Pure Java: JCE {@code AES/CTR/NoPadding} + {@code HmacSHA1}, and {@code AES/GCM/NoPadding}. */
    JCE("jce"),
    /** libsrtp2 (Debian libsrtp2-1) through FFM: {@code srtp_protect}/{@code srtp_unprotect} and the RTCP pair. */
    LIBSRTP2("libsrtp2"),
    /**
     * OpenSSL libcrypto's EVP AES-GCM through FFM for SRTP with the AEAD profiles (RFC 7714), allocation-free; SRTCP
     * and the AES-CM profiles as {@link #JCE}.
     */
    OPENSSL("openssl"),
    /**
     * libgcrypt's AES-GCM through FFM (one libmediaplane call per packet) for SRTP with the AEAD profiles
     * (RFC 7714), allocation-free, 1.3–1.7× OpenSSL 3.0's EVP per packet (JMH); SRTCP and the AES-CM
     * profiles as {@link #JCE}.
     */
    GCRYPT("gcrypt");

    private final String id;

    SrtpBackend(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static SrtpBackend byId(String id) {
        for (SrtpBackend b : values()) {
            if (b.id.equalsIgnoreCase(id) || b.name().equalsIgnoreCase(id)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown SRTP backend: " + id);
    }

    /** Why this backend cannot run here, if it cannot. */
    public java.util.Optional<String> unavailableReason() {
        return switch (this) {
            case JCE -> java.util.Optional.empty();
            case LIBSRTP2 -> io.mediaplane.ffi.Srtp2.library().unavailableReason();
            case OPENSSL -> io.mediaplane.ffi.LibCrypto.library().unavailableReason();
            case GCRYPT -> io.mediaplane.ffi.Gcrypt.library().unavailableReason()
                    .or(io.mediaplane.ffi.MediaplaneNative::gcryGcmUnavailableReason);
        };
    }

    SrtpTransform transform(SrtpProfile profile, byte[] master, boolean rtcp) {
        byte[] key = java.util.Arrays.copyOfRange(master, 0, profile.keyLength());
        byte[] salt = java.util.Arrays.copyOfRange(master, profile.keyLength(), profile.masterLength());
        int base = rtcp ? SrtpKdf.LABEL_RTCP_ENCRYPTION : SrtpKdf.LABEL_RTP_ENCRYPTION;
        byte[] sessionKey = SrtpKdf.derive(key, salt, base, profile.keyLength());
        byte[] sessionSalt = SrtpKdf.derive(key, salt, base + 2, profile.saltLength());
        byte[] auth = profile.aead() ? null : SrtpKdf.derive(key, salt, base + 1, SrtpProfile.AUTH_KEY_LENGTH);
        try {
            return withSessionKeys(profile, sessionKey, sessionSalt, auth, rtcp);
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
            java.util.Arrays.fill(sessionKey, (byte) 0);
            if (auth != null) {
                java.util.Arrays.fill(auth, (byte) 0);
            }
        }
    }

    SrtpTransform withSessionKeys(SrtpProfile profile, byte[] key, byte[] salt, byte[] auth, boolean rtcp) {
        if (this == LIBSRTP2) {
            throw new UnsupportedOperationException(id + " takes master keys only");
        }
        if (this == OPENSSL && profile.aead() && !rtcp) {
            return new OpenSslSrtpGcmTransform(key, salt);
        }
        if (this == GCRYPT && profile.aead() && !rtcp) {
            return new GcryptSrtpGcmTransform(key, salt);
        }
        return profile.aead() ? new JceSrtpGcmTransform(key, salt)
                : new JceSrtpCmTransform(key, salt, auth, rtcp ? profile.rtcpTagLength() : profile.rtpTagLength());
    }
}
