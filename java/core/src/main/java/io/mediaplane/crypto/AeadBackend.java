package io.mediaplane.crypto;

import io.mediaplane.ffi.LibCrypto;
import io.mediaplane.ffi.Sodium;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Cipher;

/**
 * The implementations of Discord's transport AEADs. Every one passes the same conformance suite; which one runs
 * for a packet is chosen per algorithm and {@link SizeClass} by {@link AeadBackendChoice}.
 */
public enum AeadBackend {
    /** Pure Java: JCE {@code AES/GCM/NoPadding}; XChaCha as HChaCha20 (Java) + JCE {@code ChaCha20-Poly1305}. */
    JCE("jce"),
    /** libsodium via FFM: AES-256-GCM with a precomputed key state ({@code _afternm}), XChaCha20-Poly1305 IETF. */
    SODIUM("sodium"),
    /** OpenSSL libcrypto EVP via FFM, contexts reused; XChaCha as HChaCha20 (Java) + EVP chacha20-poly1305. */
    OPENSSL("openssl");

    private final String id;

    AeadBackend(String id) {
        this.id = id;
    }

    /** The name used in configuration, the CLI and reports. */
    public String id() {
        return id;
    }

    public static AeadBackend of(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (AeadBackend b : values()) {
            if (b.id.equals(n)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown crypto backend '" + name + "': expected jce, sodium or openssl");
    }

    /** Empty when this backend can run {@code mode} here, else why not. */
    public Optional<String> unavailableReason(DiscordAeadMode mode) {
        return switch (this) {
            case JCE -> {
                try {
                    Cipher.getInstance(mode == DiscordAeadMode.AES256_GCM_RTPSIZE
                            ? JceAesGcmEngine.TRANSFORMATION : JceXChaChaEngine.TRANSFORMATION);
                    yield Optional.empty();
                } catch (GeneralSecurityException e) {
                    yield Optional.of("JCE lacks it: " + e.getMessage());
                }
            }
            case SODIUM -> {
                Optional<String> unavailable = Sodium.library().unavailableReason();
                if (unavailable.isPresent()) {
                    yield unavailable;
                }
                if (mode == DiscordAeadMode.AES256_GCM_RTPSIZE && !Sodium.aes256GcmAvailable()) {
                    yield Optional.of("libsodium's AES-256-GCM needs AES-NI and PCLMUL");
                }
                yield Optional.empty();
            }
            case OPENSSL -> LibCrypto.library().unavailableReason();
        };
    }

    public boolean supports(DiscordAeadMode mode) {
        return unavailableReason(mode).isEmpty();
    }

    /** A new engine for {@code key} (32 bytes, copied); throws if this backend is unavailable. */
    AeadEngine create(DiscordAeadMode mode, byte[] key) {
        unavailableReason(mode).ifPresent(r -> {
            throw new IllegalStateException(id + " cannot run " + mode.wireName() + ": " + r);
        });
        boolean gcm = mode == DiscordAeadMode.AES256_GCM_RTPSIZE;
        return switch (this) {
            case JCE -> gcm ? new JceAesGcmEngine(key) : new JceXChaChaEngine(key);
            case SODIUM -> gcm ? new SodiumAesGcmEngine(key) : new SodiumXChaChaEngine(key);
            case OPENSSL -> gcm ? new OpenSslAeadEngine.AesGcm(key) : new OpenSslAeadEngine.XChaCha(key);
        };
    }
}
