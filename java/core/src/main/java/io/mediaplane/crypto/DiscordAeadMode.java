package io.mediaplane.crypto;

import java.util.Locale;

/**
 * Discord's voice transport encryption modes that are still accepted (discord-api-docs, "Transport Encryption
 * Modes"; the others were discontinued on 2024-11-18). Both append a 16-byte tag and the 4-byte big-endian
 * nonce counter; the nonce is that counter in bytes 0..3 of an otherwise zero nonce.
 */
public enum DiscordAeadMode {
    /** Preferred by Discord when offered; AES-256-GCM with a 12-byte nonce. */
    AES256_GCM_RTPSIZE("aead_aes256_gcm_rtpsize", "aes256gcm", 12),
    /** Always offered; XChaCha20-Poly1305 (IETF) with a 24-byte nonce. */
    XCHACHA20_POLY1305_RTPSIZE("aead_xchacha20_poly1305_rtpsize", "xchacha20poly1305", 24);

    public static final int KEY_LENGTH = 32;
    public static final int TAG_LENGTH = 16;
    public static final int COUNTER_LENGTH = 4;
    /** What sealing appends: tag + counter. */
    public static final int OVERHEAD = TAG_LENGTH + COUNTER_LENGTH;

    private final String wireName;
    private final String shortName;
    private final int nonceLength;

    DiscordAeadMode(String wireName, String shortName, int nonceLength) {
        this.wireName = wireName;
        this.shortName = shortName;
        this.nonceLength = nonceLength;
    }

    /** The name in Select Protocol / Session Description ({@code mode}). */
    public String wireName() {
        return wireName;
    }

    /** The algorithm's name in configuration ({@code -Dmediaplane.crypto.discord.backend}) and reports. */
    public String shortName() {
        return shortName;
    }

    public int nonceLength() {
        return nonceLength;
    }

    /** By wire name or short name, case-insensitive. */
    public static DiscordAeadMode of(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (DiscordAeadMode m : values()) {
            if (m.wireName.equals(n) || m.shortName.equals(n)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown Discord transport mode '" + name
                + "': expected aead_aes256_gcm_rtpsize or aead_xchacha20_poly1305_rtpsize");
    }
}
