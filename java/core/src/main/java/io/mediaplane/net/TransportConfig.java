package io.mediaplane.net;

import io.mediaplane.crypto.SrtpProfile;
import java.util.List;
import java.util.Objects;

/**
 * What one WebRTC transport needs from the offer/answer: ICE credentials of both sides, our DTLS role, the
 * peer's certificate fingerprint, and the SRTP profiles we accept in our order of preference.
 *
 * @param local             our ICE credentials (put into the answer's {@code a=ice-ufrag}/{@code a=ice-pwd})
 * @param remote            the peer's ({@code a=ice-ufrag} of its offer; its pwd is not needed by a lite agent)
 * @param dtlsRole          see {@link DtlsRole#answering(String)}
 * @param remoteFingerprint the offer's {@code a=fingerprint}; the peer's certificate must match it
 * @param srtpProfiles      acceptable {@code use_srtp} profiles, most preferred first
 */
public record TransportConfig(IceCredentials local, IceCredentials remote, DtlsRole dtlsRole,
        DtlsFingerprint remoteFingerprint, List<SrtpProfile> srtpProfiles) {
    /** AEAD_AES_128_GCM preferred (RFC 7714), AES_CM_128_HMAC_SHA1_80 as the mandatory fallback (RFC 8827 §6.5). */
    public static final List<SrtpProfile> DEFAULT_SRTP_PROFILES =
            List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80);

    public TransportConfig {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(dtlsRole, "dtlsRole");
        Objects.requireNonNull(remoteFingerprint, "remoteFingerprint");
        if (local.pwd() == null) {
            throw new IllegalArgumentException("our ICE password is needed to answer binding requests");
        }
        srtpProfiles = List.copyOf(srtpProfiles);
        if (srtpProfiles.isEmpty()) {
            throw new IllegalArgumentException("at least one SRTP profile");
        }
    }

    /** Fresh local credentials, the default profiles. */
    public static TransportConfig answering(IceCredentials remote, DtlsRole role, DtlsFingerprint remoteFingerprint) {
        return new TransportConfig(IceCredentials.random(), remote, role, remoteFingerprint, DEFAULT_SRTP_PROFILES);
    }
}
