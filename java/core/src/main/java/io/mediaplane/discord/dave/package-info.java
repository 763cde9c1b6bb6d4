/**
 * DAVE, Discord's audio and video end-to-end encryption: an MLS group (RFC 9420, ciphersuite 2) formed with the
 * voice gateway as external sender over gateway opcodes 21–31 ({@link io.mediaplane.discord.VoiceOpcode},
 * {@link io.mediaplane.discord.dave.DaveSession}), per-sender media keys from the MLS exporter and a hash ratchet
 * ({@link io.mediaplane.discord.dave.KeyRatchet}), and codec-aware frame encryption with AES-128-GCM and 8-byte
 * tags ({@link io.mediaplane.discord.dave.FrameEncryptor}, {@link io.mediaplane.discord.dave.FrameDecryptor}).
 * The frame layout follows Discord's DAVE protocol description and libdave (see {@link
 * io.mediaplane.discord.dave.SecureFrame}).
 */
package io.mediaplane.discord.dave;
