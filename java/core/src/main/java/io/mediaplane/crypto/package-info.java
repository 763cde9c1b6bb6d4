/**
 * Packet protection: the {@link io.mediaplane.crypto.PacketCipher} SPI (seal/open in place, per-connection
 * state, statuses instead of exceptions) and Discord's rtpsize transport AEADs
 * ({@link io.mediaplane.crypto.DiscordTransportCipher}) over three interchangeable backends (JCE, libsodium and
 * OpenSSL through FFM), chosen per algorithm and packet size by {@link io.mediaplane.crypto.AeadBackendChoice}.
 * Uses only {@code ffi}, {@code buffer} and {@code rtp}.
 */
package io.mediaplane.crypto;
