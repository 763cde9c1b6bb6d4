/*
 * libmediaplane: the few native helpers no system library offers, called from Java through the
 * Foreign Function & Memory API (io.mediaplane.ffi.MediaplaneNative).
 *
 * Conventions, shared by every function here:
 *  - Every int32_t result is >= 0 on success or -errno on failure; EINTR is retried internally.
 *  - Nothing blocks except mp_udp_poll: sockets are non-blocking and every send/receive passes
 *    MSG_DONTWAIT. That is what lets Java call the other functions with Linker.Option.critical(true)
 *    and hand over heap (byte[]/int[]) memory without copying.
 *  - Packets live in a "slab": one contiguous buffer. Batch calls take the slab base plus int32 arrays
 *    of offsets and lengths into it, so no per-packet pointers cross the boundary. Java validates every
 *    offset/length against the slab before calling; this code trusts them.
 *  - Socket addresses cross the boundary in a fixed MP_ADDRESS_SIZE-byte encoding (below), not as
 *    struct sockaddr, so Java never depends on the C library's struct layout or byte order.
 */
#ifndef MEDIAPLANE_H
#define MEDIAPLANE_H

#include <stdint.h>

#define MP_EXPORT __attribute__((visibility("default")))

/*
 * Encoded socket address, MP_ADDRESS_SIZE bytes, all multi-byte fields big-endian:
 *   [0]      family: MP_FAMILY_IPV4, MP_FAMILY_IPV6, or MP_FAMILY_UNSPEC ("none": use the connected peer)
 *   [1]      0
 *   [2..3]   port
 *   [4..7]   IPv6 scope id (0 for IPv4)
 *   [8..23]  address: 4 bytes for IPv4 (rest zero), 16 bytes for IPv6
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, seen on dual-stack sockets) are reported as IPv4, so a
 * peer has one encoding whatever the socket's family.
 */
#define MP_ADDRESS_SIZE 24
#define MP_FAMILY_UNSPEC 0
#define MP_FAMILY_IPV4 4
#define MP_FAMILY_IPV6 6

/* mp_udp_open flags */
#define MP_UDP_REUSEADDR 1 /* SO_REUSEADDR, socket(7) */
#define MP_UDP_REUSEPORT 2 /* SO_REUSEPORT, socket(7) */
#define MP_UDP_V6ONLY 4    /* IPV6_V6ONLY, ipv6(7); without it an IPv6 socket is dual-stack */

/* mp_udp_poll event bits (in and out) */
#define MP_POLL_IN 1  /* POLLIN */
#define MP_POLL_OUT 2 /* POLLOUT */
#define MP_POLL_ERR 4 /* POLLERR or POLLHUP (out only): a receive/send will report the error */

/* mp_udp_set_buffer_size / mp_udp_buffer_size: which buffer */
#define MP_BUFFER_RECEIVE 0
#define MP_BUFFER_SEND 1

/* The most datagrams one batch call accepts: UIO_MAXIOV, the kernel's vlen limit for sendmmsg(2)/recvmmsg(2). */
#define MP_BATCH_MAX 1024

/* The library version, "major.minor.patch"; a static string. */
MP_EXPORT const char *mp_version(void);

/* A non-blocking, close-on-exec UDP socket of family MP_FAMILY_IPV4/IPV6 with MP_UDP_* flags: the fd. */
MP_EXPORT int32_t mp_udp_open(int32_t family, int32_t flags);

/* bind(2) / connect(2) to an encoded address. An IPv4 address on an IPv6 socket is mapped (::ffff:a.b.c.d). */
MP_EXPORT int32_t mp_udp_bind(int32_t fd, const uint8_t *address);
MP_EXPORT int32_t mp_udp_connect(int32_t fd, const uint8_t *address);

/* getsockname(2), encoded into address_out (MP_ADDRESS_SIZE bytes): 0. */
MP_EXPORT int32_t mp_udp_local_address(int32_t fd, uint8_t *address_out);

/*
 * Sets SO_RCVBUF or SO_SNDBUF (socket(7)). With force != 0, tries SO_RCVBUFFORCE/SO_SNDBUFFORCE first,
 * which ignore net.core.rmem_max/wmem_max but need CAP_NET_ADMIN; on EPERM falls back to the capped option.
 * Returns the size the kernel reports afterwards (Linux doubles the request for its bookkeeping).
 */
MP_EXPORT int32_t mp_udp_set_buffer_size(int32_t fd, int32_t which, int32_t bytes, int32_t force);
MP_EXPORT int32_t mp_udp_buffer_size(int32_t fd, int32_t which);

/* 1 when the kernel knows UDP_SEGMENT (udp(7), Linux 4.18+), 0 when it answers ENOPROTOOPT, else -errno. */
MP_EXPORT int32_t mp_udp_segmentation_supported(int32_t fd);

/*
 * poll(2) one fd for MP_POLL_IN/MP_POLL_OUT, waiting up to timeout_ms (negative: forever, 0: no wait).
 * Returns the ready MP_POLL_* bits, 0 on timeout, -EBADF for an fd that is not open (POLLNVAL).
 * EINTR is retried with the remaining time. The one blocking call here: never bind it as critical.
 */
MP_EXPORT int32_t mp_udp_poll(int32_t fd, int32_t events, int32_t timeout_ms);

/*
 * shutdown(2) both directions. On UDP its use is waking threads blocked in mp_udp_poll on this fd
 * before it is closed (the kernel marks the socket shut down and wakes its waiters even when it
 * returns -ENOTCONN for an unconnected socket), so an fd is never closed under a poller.
 */
MP_EXPORT int32_t mp_udp_shutdown(int32_t fd);

/* close(2). Not retried on EINTR: Linux releases the fd even then, and a retry could close a reused fd. */
MP_EXPORT int32_t mp_udp_close(int32_t fd);

/*
 * sendmmsg(2) datagrams first .. first+count-1: datagram i is lengths[i] bytes at slab + offsets[i], sent to
 * addresses + i*MP_ADDRESS_SIZE (addresses may be NULL, and an entry of family MP_FAMILY_UNSPEC means the
 * connected peer). Returns how many datagrams the kernel accepted, from first on; fewer than count when the
 * send buffer filled (non-blocking) or a datagram was refused; -errno when datagram `first` itself failed
 * (-EAGAIN: send buffer full). sendmmsg loses the error of a later datagram: the next call, starting there,
 * reports it.
 */
MP_EXPORT int32_t mp_udp_send_batch(int32_t fd, const uint8_t *slab, const int32_t *offsets,
                                    const int32_t *lengths, const uint8_t *addresses, int32_t first,
                                    int32_t count);

/*
 * As mp_udp_send_batch (addresses required), but each run of datagrams to one destination whose lengths are
 * equal (the run's last may be shorter) leaves as one UDP GSO send (udp(7) UDP_SEGMENT, a "train" of up to 64
 * datagrams and 65,000 bytes): one pass through the kernel's send path for the run instead of one per datagram;
 * the receiver still gets each datagram on its own. Returns datagrams accepted (whole trains) or -errno as
 * mp_udp_send_batch, -EIO or -EINVAL when a train is refused (no checksum offload on the route's device, a
 * segment over the path MTU): send those datagrams with mp_udp_send_batch. trains_out (may be NULL) gets two
 * counts of what was accepted: trains of two or more datagrams, and the datagrams in them.
 */
MP_EXPORT int32_t mp_udp_send_batch_trains(int32_t fd, const uint8_t *slab, const int32_t *offsets,
                                           const int32_t *lengths, const uint8_t *addresses, int32_t first,
                                           int32_t count, int32_t *trains_out);

/*
 * recvmmsg(2) with MSG_DONTWAIT up to count datagrams: datagram i is written at slab + offsets[i], at most
 * capacities[i] bytes. lengths_out[i] gets the bytes stored, datagram_lengths_out[i] the datagram's real
 * length (MSG_TRUNC asks the kernel for it; larger than lengths_out[i] means truncated, the rest is lost),
 * addresses_out + i*MP_ADDRESS_SIZE the sender (addresses_out may be NULL). Returns the number received,
 * -EAGAIN when none is queued, or -errno (e.g. -ECONNREFUSED: an ICMP port unreachable for a connected socket).
 */
MP_EXPORT int32_t mp_udp_receive_batch(int32_t fd, uint8_t *slab, const int32_t *offsets,
                                       const int32_t *capacities, int32_t *lengths_out,
                                       int32_t *datagram_lengths_out, uint8_t *addresses_out, int32_t count);

/*
 * UDP GSO (udp(7) UDP_SEGMENT, Linux 4.18+): one sendmsg(2) of total_length bytes at slab + offset with a
 * UDP_SEGMENT control message; the kernel (or the NIC) cuts it into datagrams of segment_size bytes, the
 * last one shorter if total_length is not a multiple. Returns the number of datagrams sent (all or nothing),
 * or -errno: -EINVAL (more than the kernel's UDP_MAX_SEGMENTS segments, or a segment larger than the path
 * MTU allows), -EMSGSIZE (total over 64 KiB), -EIO (the device cannot checksum-offload), -ENOPROTOOPT
 * (kernel without UDP_SEGMENT). address as in mp_udp_send_batch, or NULL for the connected peer.
 */
MP_EXPORT int32_t mp_udp_send_segmented(int32_t fd, const uint8_t *slab, int64_t offset, int32_t total_length,
                                        int32_t segment_size, const uint8_t *address);

/*
 * The same datagrams as mp_udp_send_segmented without GSO: sendmmsg(2) of one iovec per segment. For kernels
 * or devices that refuse UDP_SEGMENT. Returns datagrams sent (may be fewer than the segment count) or -errno.
 */
MP_EXPORT int32_t mp_udp_send_segments(int32_t fd, const uint8_t *slab, int64_t offset, int32_t total_length,
                                       int32_t segment_size, const uint8_t *address);

/*
 * AEAD trampolines (mp_aead.c). Java cannot point a native call into the middle of a heap byte[] without a
 * slice object per pointer, so these take the packet's slab plus offsets and call libsodium, OpenSSL or
 * libgcrypt through function pointers that Java resolved (libmediaplane links none of them). In place: the AAD is
 * slab[offset, offset + aad_length), the data follows it, the 16-byte tag follows the data.
 *
 * fn: crypto_aead_aes256gcm_encrypt_afternm or crypto_aead_xchacha20poly1305_ietf_encrypt (the same C
 * signature; key is the precomputed state or the 32-byte key). Returns the libsodium result (0).
 */
MP_EXPORT int32_t mp_sodium_aead_seal(const void *fn, uint8_t *slab, int64_t offset, int32_t aad_length,
                                      int32_t data_length, const uint8_t *nonce, const void *key);

/* fn: the matching _decrypt; data_length excludes the tag. Returns 0, or -1 when the tag does not match. */
MP_EXPORT int32_t mp_sodium_aead_open(const void *fn, uint8_t *slab, int64_t offset, int32_t aad_length,
                                      int32_t data_length, const uint8_t *nonce, const void *key);

/*
 * One packet through a reused OpenSSL EVP AEAD context in one call: EVP_CipherInit_ex(ctx, NULL, NULL, key,
 * iv, -1) (key or iv may be NULL to keep), AAD, data in place, final, tag (get on seal, set before final on
 * open). evp: four function pointers, in order EVP_CipherInit_ex, EVP_CipherUpdate, EVP_CipherFinal_ex,
 * EVP_CIPHER_CTX_ctrl. Returns 0, -1 when open finds a wrong tag, -2 when an EVP call fails.
 */
MP_EXPORT int32_t mp_evp_aead_seal(const void *const *evp, void *ctx, const uint8_t *key, const uint8_t *iv,
                                   uint8_t *slab, int64_t offset, int32_t aad_length, int32_t data_length);
MP_EXPORT int32_t mp_evp_aead_open(const void *const *evp, void *ctx, const uint8_t *key, const uint8_t *iv,
                                   uint8_t *slab, int64_t offset, int32_t aad_length, int32_t data_length);

/*
 * One AES-GCM packet through a libgcrypt cipher handle (gcry_cipher_open(AES128/256, GCM), key set once) in one
 * call: gcry_cipher_setiv (12-byte iv), _authenticate (AAD), gcry_cipher_ctl(GCRYCTL_FINALIZE) (the
 * gcry_cipher_final macro), _encrypt or _decrypt in place, then _gettag on seal or _checktag on open (16-byte tag).
 * gcry: seven function pointers, in order gcry_cipher_setiv, gcry_cipher_authenticate, gcry_cipher_ctl,
 * gcry_cipher_encrypt, gcry_cipher_decrypt, gcry_cipher_gettag, gcry_cipher_checktag. Returns 0, -1 when open
 * finds a wrong tag (GPG_ERR_CHECKSUM; the data is decrypted in place all the same), -2 when a call fails.
 */
MP_EXPORT int32_t mp_gcry_gcm_seal(const void *const *gcry, void *handle, const uint8_t *iv, uint8_t *slab,
                                   int64_t offset, int32_t aad_length, int32_t data_length);
MP_EXPORT int32_t mp_gcry_gcm_open(const void *const *gcry, void *handle, const uint8_t *iv, uint8_t *slab,
                                   int64_t offset, int32_t aad_length, int32_t data_length);

/*
 * 8-bit sample range mapping (mp_yuv.c), for JPEG from video planes: each of `rows` rows of `width` samples at
 * src + r*src_stride becomes, at dst + r*dst_stride, min(255, max(0, s * multiplier - subtrahend) >> 7), in 16-bit
 * arithmetic (s * multiplier must stay below 65536, so multiplier <= 257). Limited to full range (BT.601
 * quantisation to JFIF) is luma 149, 2320 and chroma 146, 2240 (io.mediaplane.video.I420Planes holds the same
 * mapping in Java). src and dst may be the same rows; otherwise they must not overlap.
 */
MP_EXPORT void mp_yuv_map_range(const uint8_t *src, int32_t src_stride, uint8_t *dst, int32_t dst_stride,
                                int32_t width, int32_t rows, int32_t multiplier, int32_t subtrahend);

#endif
