/**
 * Packet protection: the {@link io.mediaplane.crypto.PacketCipher} SPI (seal/open in place, per-connection
 * state, statuses instead of exceptions) and Discord's rtpsize transport AEADs
 * ({@link io.mediaplane.crypto.DiscordTransportCipher}) over three interchangeable backends (JCE, libsodium and
 * OpenSSL through FFM), chosen per algorithm and packet size by {@link io.mediaplane.crypto.AeadBackendChoice};
 * SRTP/SRTCP ({@link io.mediaplane.crypto.SrtpContext}, RFC 3711 and RFC 7714 profiles, keyed by SDES master keys
 * or DTLS-SRTP {@link io.mediaplane.crypto.SrtpKeyingMaterial}) over JCE or libsrtp2 through FFM.
 * Uses only {@code ffi}, {@code buffer} and {@code rtp}.
 */
package io.mediaplane.crypto;
