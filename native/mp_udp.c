/*
 * Batched UDP I/O for Java: sendmmsg(2)/recvmmsg(2), UDP GSO (udp(7) UDP_SEGMENT), poll(2).
 * See mediaplane.h for the calling conventions (results are -errno, slabs + offset arrays, address encoding).
 */
#include "mediaplane.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103 /* linux/udp.h, Linux 4.18 */
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif

/*
 * Datagrams per sendmmsg/recvmmsg call. Batches larger than this are sent as several calls; the arrays below
 * live on the caller's (Java thread's) stack, about 7 KiB at 64.
 */
#define CHUNK 64

union mp_sockaddr {
    struct sockaddr sa;
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
};

static int32_t neg_errno(void) {
    return errno > 0 ? -errno : -EIO;
}

static uint32_t read_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void write_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/*
 * Encoded address -> sockaddr. Returns 1 and sets *len when an address is present, 0 for MP_FAMILY_UNSPEC
 * (no address: the connected peer), -EAFNOSUPPORT for an unknown family. With map_to_v6, an IPv4 address
 * becomes ::ffff:a.b.c.d (bind(2) on an AF_INET6 socket accepts only sockaddr_in6, ipv6(7)).
 */
static int decode_address(const uint8_t *a, int map_to_v6, union mp_sockaddr *out, socklen_t *len) {
    memset(out, 0, sizeof *out);
    uint16_t port = (uint16_t)((a[2] << 8) | a[3]);
    switch (a[0]) {
    case MP_FAMILY_UNSPEC:
        return 0;
    case MP_FAMILY_IPV4:
        if (map_to_v6) {
            out->v6.sin6_family = AF_INET6;
            out->v6.sin6_port = htons(port);
            out->v6.sin6_addr.s6_addr[10] = 0xff;
            out->v6.sin6_addr.s6_addr[11] = 0xff;
            memcpy(&out->v6.sin6_addr.s6_addr[12], a + 8, 4);
            *len = sizeof out->v6;
        } else {
            out->v4.sin_family = AF_INET;
            out->v4.sin_port = htons(port);
            memcpy(&out->v4.sin_addr, a + 8, 4);
            *len = sizeof out->v4;
        }
        return 1;
    case MP_FAMILY_IPV6:
        out->v6.sin6_family = AF_INET6;
        out->v6.sin6_port = htons(port);
        out->v6.sin6_scope_id = read_be32(a + 4);
        memcpy(&out->v6.sin6_addr, a + 8, 16);
        *len = sizeof out->v6;
        return 1;
    default:
        return -EAFNOSUPPORT;
    }
}

static const uint8_t V4_MAPPED_PREFIX[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* sockaddr -> encoded address (an unknown or empty sockaddr encodes as MP_FAMILY_UNSPEC). */
static void encode_address(const union mp_sockaddr *in, socklen_t len, uint8_t *a) {
    memset(a, 0, MP_ADDRESS_SIZE);
    if (len >= sizeof in->v4 && in->sa.sa_family == AF_INET) {
        a[0] = MP_FAMILY_IPV4;
        memcpy(a + 2, &in->v4.sin_port, 2); /* both network order */
        memcpy(a + 8, &in->v4.sin_addr, 4);
    } else if (len >= sizeof in->v6 && in->sa.sa_family == AF_INET6) {
        memcpy(a + 2, &in->v6.sin6_port, 2);
        if (memcmp(in->v6.sin6_addr.s6_addr, V4_MAPPED_PREFIX, sizeof V4_MAPPED_PREFIX) == 0) {
            a[0] = MP_FAMILY_IPV4;
            memcpy(a + 8, &in->v6.sin6_addr.s6_addr[12], 4);
        } else {
            a[0] = MP_FAMILY_IPV6;
            write_be32(a + 4, in->v6.sin6_scope_id);
            memcpy(a + 8, &in->v6.sin6_addr, 16);
        }
    }
}

static int socket_domain(int fd) {
    int domain = 0;
    socklen_t len = sizeof domain;
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0) {
        return neg_errno();
    }
    return domain;
}

static int set_int_option(int fd, int level, int name, int value) {
    return setsockopt(fd, level, name, &value, sizeof value) == 0 ? 0 : neg_errno();
}

int32_t mp_udp_open(int32_t family, int32_t flags) {
    if (flags & ~(MP_UDP_REUSEADDR | MP_UDP_REUSEPORT | MP_UDP_V6ONLY)) {
        return -EINVAL;
    }
    int domain;
    if (family == MP_FAMILY_IPV4) {
        domain = AF_INET;
    } else if (family == MP_FAMILY_IPV6) {
        domain = AF_INET6;
    } else {
        return -EAFNOSUPPORT;
    }
    int fd = socket(domain, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
    if (fd < 0) {
        return neg_errno();
    }
    int r = 0;
    if (r == 0 && (flags & MP_UDP_REUSEADDR)) {
        r = set_int_option(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    }
    if (r == 0 && (flags & MP_UDP_REUSEPORT)) {
        r = set_int_option(fd, SOL_SOCKET, SO_REUSEPORT, 1);
    }
    if (r == 0 && domain == AF_INET6) {
        /* explicit, because the default comes from net.ipv6.bindv6only */
        r = set_int_option(fd, IPPROTO_IPV6, IPV6_V6ONLY, (flags & MP_UDP_V6ONLY) ? 1 : 0);
    }
    if (r != 0) {
        close(fd);
        return r;
    }
    return fd;
}

static int32_t bind_or_connect(int32_t fd, const uint8_t *address, int is_bind) {
    int domain = socket_domain(fd);
    if (domain < 0) {
        return domain;
    }
    union mp_sockaddr sa;
    socklen_t len = 0;
    int r = decode_address(address, domain == AF_INET6, &sa, &len);
    if (r < 0) {
        return r;
    }
    if (r == 0) {
        return -EDESTADDRREQ;
    }
    r = is_bind ? bind(fd, &sa.sa, len) : connect(fd, &sa.sa, len);
    /* UDP connect(2) does not block; EINTR cannot leave it half done, so retrying is safe */
    while (r != 0 && errno == EINTR) {
        r = is_bind ? bind(fd, &sa.sa, len) : connect(fd, &sa.sa, len);
    }
    return r == 0 ? 0 : neg_errno();
}

int32_t mp_udp_bind(int32_t fd, const uint8_t *address) {
    return bind_or_connect(fd, address, 1);
}

int32_t mp_udp_connect(int32_t fd, const uint8_t *address) {
    return bind_or_connect(fd, address, 0);
}

int32_t mp_udp_local_address(int32_t fd, uint8_t *address_out) {
    union mp_sockaddr sa;
    socklen_t len = sizeof sa;
    memset(&sa, 0, sizeof sa);
    if (getsockname(fd, &sa.sa, &len) != 0) {
        return neg_errno();
    }
    encode_address(&sa, len, address_out);
    return 0;
}

int32_t mp_udp_buffer_size(int32_t fd, int32_t which) {
    if (which != MP_BUFFER_RECEIVE && which != MP_BUFFER_SEND) {
        return -EINVAL;
    }
    int value = 0;
    socklen_t len = sizeof value;
    if (getsockopt(fd, SOL_SOCKET, which == MP_BUFFER_RECEIVE ? SO_RCVBUF : SO_SNDBUF, &value, &len) != 0) {
        return neg_errno();
    }
    return value;
}

int32_t mp_udp_set_buffer_size(int32_t fd, int32_t which, int32_t bytes, int32_t force) {
    if ((which != MP_BUFFER_RECEIVE && which != MP_BUFFER_SEND) || bytes < 0) {
        return -EINVAL;
    }
    int capped = which == MP_BUFFER_RECEIVE ? SO_RCVBUF : SO_SNDBUF;
    int forced = which == MP_BUFFER_RECEIVE ? SO_RCVBUFFORCE : SO_SNDBUFFORCE;
    int r = -EPERM;
    if (force) {
        r = set_int_option(fd, SOL_SOCKET, forced, bytes);
        if (r != 0 && r != -EPERM) {
            return r;
        }
    }
    if (r != 0) {
        r = set_int_option(fd, SOL_SOCKET, capped, bytes);
        if (r != 0) {
            return r;
        }
    }
    return mp_udp_buffer_size(fd, which);
}

int32_t mp_udp_segmentation_supported(int32_t fd) {
    int value = 0;
    socklen_t len = sizeof value;
    if (getsockopt(fd, SOL_UDP, UDP_SEGMENT, &value, &len) == 0) {
        return 1;
    }
    return errno == ENOPROTOOPT ? 0 : neg_errno();
}

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int32_t mp_udp_poll(int32_t fd, int32_t events, int32_t timeout_ms) {
    if (events & ~(MP_POLL_IN | MP_POLL_OUT)) {
        return -EINVAL;
    }
    struct pollfd p;
    p.fd = fd;
    p.events = (short)(((events & MP_POLL_IN) ? POLLIN : 0) | ((events & MP_POLL_OUT) ? POLLOUT : 0));
    int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
    int wait = timeout_ms;
    for (;;) {
        p.revents = 0;
        int r = poll(&p, 1, wait);
        if (r > 0) {
            if (p.revents & POLLNVAL) {
                return -EBADF;
            }
            int32_t ready = 0;
            if (p.revents & POLLIN) {
                ready |= MP_POLL_IN;
            }
            if (p.revents & POLLOUT) {
                ready |= MP_POLL_OUT;
            }
            if (p.revents & (POLLERR | POLLHUP)) {
                ready |= MP_POLL_ERR;
            }
            return ready;
        }
        if (r == 0) {
            return 0;
        }
        if (errno != EINTR) {
            return neg_errno();
        }
        if (timeout_ms > 0) {
            int64_t left = deadline - now_ms();
            if (left <= 0) {
                return 0;
            }
            wait = (int)left;
        }
    }
}

int32_t mp_udp_shutdown(int32_t fd) {
    return shutdown(fd, SHUT_RDWR) == 0 ? 0 : neg_errno();
}

int32_t mp_udp_close(int32_t fd) {
    if (close(fd) == 0 || errno == EINTR) {
        return 0;
    }
    return neg_errno();
}

static int sendmmsg_retrying(int fd, struct mmsghdr *msgs, unsigned n) {
    int r;
    do {
        r = sendmmsg(fd, msgs, n, MSG_DONTWAIT | MSG_NOSIGNAL);
    } while (r < 0 && errno == EINTR);
    return r;
}

int32_t mp_udp_send_batch(int32_t fd, const uint8_t *slab, const int32_t *offsets, const int32_t *lengths,
                          const uint8_t *addresses, int32_t first, int32_t count) {
    if (first < 0 || count < 0 || count > MP_BATCH_MAX) {
        return -EINVAL;
    }
    struct mmsghdr msgs[CHUNK];
    struct iovec iov[CHUNK];
    union mp_sockaddr names[CHUNK];
    int32_t sent = 0;
    while (sent < count) {
        unsigned n = (unsigned)(count - sent < CHUNK ? count - sent : CHUNK);
        int bad_address = 0;
        memset(msgs, 0, n * sizeof msgs[0]);
        for (unsigned i = 0; i < n; i++) {
            int32_t idx = first + sent + (int32_t)i;
            iov[i].iov_base = (void *)(slab + offsets[idx]);
            iov[i].iov_len = (size_t)lengths[idx];
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            if (addresses != NULL) {
                socklen_t len = 0;
                int r = decode_address(addresses + (size_t)idx * MP_ADDRESS_SIZE, 0, &names[i], &len);
                if (r < 0) {
                    /* send what precedes it; the next call, starting at this datagram, reports the error */
                    if (i == 0) {
                        return sent > 0 ? sent : r;
                    }
                    n = i;
                    bad_address = 1;
                    break;
                }
                if (r > 0) {
                    msgs[i].msg_hdr.msg_name = &names[i];
                    msgs[i].msg_hdr.msg_namelen = len;
                }
            }
        }
        int r = sendmmsg_retrying(fd, msgs, n);
        if (r < 0) {
            return sent > 0 ? sent : neg_errno();
        }
        sent += r;
        if ((unsigned)r < n) {
            /*
             * sendmmsg(2) keeps the error of datagram r in the socket (sk_err) when some went before it, and the
             * socket's next call of any kind (another datagram's send, a receive on another thread) would fail with
             * it instead. The caller's next call, starting at datagram r, reports that datagram's own error.
             */
            int pending;
            socklen_t len = sizeof pending;
            (void)getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &len);
            break;
        }
        if (bad_address) {
            break;
        }
    }
    return sent;
}

/*
 * Most datagrams in one GSO send: the kernel refuses more than UDP_MAX_SEGMENTS (64 before Linux 6.8), and a
 * train must fit one 64 KiB IP packet.
 */
#define TRAIN_MAX_SEGMENTS 64
#define TRAIN_MAX_BYTES 65000

/* Whether datagram j can follow datagram i in i's train: same destination, no longer than i. */
static int joins_train(const int32_t *lengths, const uint8_t *addresses, int32_t i, int32_t j) {
    return lengths[j] <= lengths[i]
           && memcmp(addresses + (size_t)i * MP_ADDRESS_SIZE, addresses + (size_t)j * MP_ADDRESS_SIZE,
                     MP_ADDRESS_SIZE) == 0;
}

static void report_trains(int32_t *out, int32_t trains, int32_t datagrams) {
    if (out != NULL) {
        out[0] = trains;
        out[1] = datagrams;
    }
}

int32_t mp_udp_send_batch_trains(int32_t fd, const uint8_t *slab, const int32_t *offsets, const int32_t *lengths,
                                 const uint8_t *addresses, int32_t first, int32_t count, int32_t *trains_out) {
    if (first < 0 || count < 0 || count > MP_BATCH_MAX || addresses == NULL) {
        return -EINVAL;
    }
    struct mmsghdr msgs[CHUNK];
    struct iovec iov[CHUNK];
    union mp_sockaddr names[CHUNK];
    _Alignas(size_t) char controls[CHUNK][CMSG_SPACE(sizeof(uint16_t))]; /* cmsghdr alignment (cmsg_len) */
    int32_t covers[CHUNK];
    int32_t sent = 0;
    int32_t trains = 0;
    int32_t in_trains = 0;
    while (sent < count) {
        unsigned m = 0;
        unsigned used = 0;
        int bad_address = 0;
        int32_t idx = first + sent;
        int32_t end = first + count;
        memset(msgs, 0, sizeof msgs);
        while (idx < end && m < CHUNK && used < CHUNK) {
            socklen_t len = 0;
            int r = decode_address(addresses + (size_t)idx * MP_ADDRESS_SIZE, 0, &names[m], &len);
            if (r < 0) {
                /* send what precedes it; the next call, starting at this datagram, reports the error */
                if (m == 0) {
                    report_trains(trains_out, trains, in_trains);
                    return sent > 0 ? sent : r;
                }
                bad_address = 1;
                break;
            }
            int32_t size = lengths[idx];
            int32_t k = 1;
            int32_t bytes = size;
            /* udp(7): every segment but the last is exactly the segment size; the last may be shorter */
            while (size > 0 && idx + k < end && used + (unsigned)k < CHUNK && k < TRAIN_MAX_SEGMENTS
                   && bytes + lengths[idx + k] <= TRAIN_MAX_BYTES && joins_train(lengths, addresses, idx, idx + k)) {
                int shorter = lengths[idx + k] < size;
                bytes += lengths[idx + k];
                k++;
                if (shorter) {
                    break;
                }
            }
            for (int32_t j = 0; j < k; j++) {
                iov[used + (unsigned)j].iov_base = (void *)(slab + offsets[idx + j]);
                iov[used + (unsigned)j].iov_len = (size_t)lengths[idx + j];
            }
            struct msghdr *h = &msgs[m].msg_hdr;
            h->msg_iov = &iov[used];
            h->msg_iovlen = (size_t)k;
            if (r > 0) {
                h->msg_name = &names[m];
                h->msg_namelen = len;
            }
            if (k > 1) {
                memset(controls[m], 0, sizeof controls[m]);
                h->msg_control = controls[m];
                h->msg_controllen = sizeof controls[m];
                struct cmsghdr *cm = CMSG_FIRSTHDR(h);
                cm->cmsg_level = SOL_UDP;
                cm->cmsg_type = UDP_SEGMENT;
                cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
                uint16_t gso_size = (uint16_t)size;
                memcpy(CMSG_DATA(cm), &gso_size, sizeof gso_size);
            }
            covers[m] = k;
            used += (unsigned)k;
            idx += k;
            m++;
        }
        int r = sendmmsg_retrying(fd, msgs, m);
        if (r < 0) {
            report_trains(trains_out, trains, in_trains);
            return sent > 0 ? sent : neg_errno();
        }
        for (int i = 0; i < r; i++) {
            sent += covers[i];
            if (covers[i] > 1) {
                trains++;
                in_trains += covers[i];
            }
        }
        if ((unsigned)r < m) {
            int pending; /* as in mp_udp_send_batch: clear the error a partial sendmmsg left in the socket */
            socklen_t len = sizeof pending;
            (void)getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &len);
            break;
        }
        if (bad_address) {
            break;
        }
    }
    report_trains(trains_out, trains, in_trains);
    return sent;
}

int32_t mp_udp_receive_batch(int32_t fd, uint8_t *slab, const int32_t *offsets, const int32_t *capacities,
                             int32_t *lengths_out, int32_t *datagram_lengths_out, uint8_t *addresses_out,
                             int32_t count) {
    if (count < 0 || count > MP_BATCH_MAX) {
        return -EINVAL;
    }
    struct mmsghdr msgs[CHUNK];
    struct iovec iov[CHUNK];
    union mp_sockaddr names[CHUNK];
    int32_t received = 0;
    while (received < count) {
        unsigned n = (unsigned)(count - received < CHUNK ? count - received : CHUNK);
        memset(msgs, 0, n * sizeof msgs[0]);
        for (unsigned i = 0; i < n; i++) {
            int32_t idx = received + (int32_t)i;
            iov[i].iov_base = slab + offsets[idx];
            iov[i].iov_len = (size_t)capacities[idx];
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            if (addresses_out != NULL) {
                msgs[i].msg_hdr.msg_name = &names[i];
                msgs[i].msg_hdr.msg_namelen = sizeof names[i];
            }
        }
        int r;
        do {
            /* MSG_TRUNC: msg_len is the datagram's real length even when the slot was smaller (udp(7)) */
            r = recvmmsg(fd, msgs, n, MSG_DONTWAIT | MSG_TRUNC, NULL);
        } while (r < 0 && errno == EINTR);
        if (r < 0) {
            /* after a partial batch the kernel keeps the error for the next call (recvmmsg(2)) */
            return received > 0 ? received : neg_errno();
        }
        for (int i = 0; i < r; i++) {
            int32_t idx = received + i;
            int32_t real = (int32_t)msgs[i].msg_len;
            datagram_lengths_out[idx] = real;
            lengths_out[idx] = real > capacities[idx] ? capacities[idx] : real;
            if (addresses_out != NULL) {
                encode_address(&names[i], msgs[i].msg_hdr.msg_namelen,
                               addresses_out + (size_t)idx * MP_ADDRESS_SIZE);
            }
        }
        received += r;
        if ((unsigned)r < n) {
            break;
        }
    }
    return received;
}

static int32_t segment_count(int32_t total_length, int32_t segment_size) {
    return total_length / segment_size + (total_length % segment_size != 0);
}

int32_t mp_udp_send_segmented(int32_t fd, const uint8_t *slab, int64_t offset, int32_t total_length,
                              int32_t segment_size, const uint8_t *address) {
    if (total_length <= 0 || segment_size <= 0 || segment_size > UINT16_MAX || offset < 0) {
        return -EINVAL;
    }
    struct iovec iov = {.iov_base = (void *)(slab + offset), .iov_len = (size_t)total_length};
    union {
        char buf[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    union mp_sockaddr name;
    if (address != NULL) {
        socklen_t len = 0;
        int r = decode_address(address, 0, &name, &len);
        if (r < 0) {
            return r;
        }
        if (r > 0) {
            msg.msg_name = &name;
            msg.msg_namelen = len;
        }
    }
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    uint16_t gso_size = (uint16_t)segment_size;
    memcpy(CMSG_DATA(cm), &gso_size, sizeof gso_size);
    ssize_t r;
    do {
        r = sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        return neg_errno();
    }
    return segment_count((int32_t)r, segment_size);
}

int32_t mp_udp_send_segments(int32_t fd, const uint8_t *slab, int64_t offset, int32_t total_length,
                             int32_t segment_size, const uint8_t *address) {
    if (total_length <= 0 || segment_size <= 0 || offset < 0) {
        return -EINVAL;
    }
    int32_t segments = segment_count(total_length, segment_size);
    if (segments > MP_BATCH_MAX) {
        return -EINVAL;
    }
    union mp_sockaddr name;
    socklen_t name_len = 0;
    int has_name = 0;
    if (address != NULL) {
        has_name = decode_address(address, 0, &name, &name_len);
        if (has_name < 0) {
            return has_name;
        }
    }
    const uint8_t *data = slab + offset;
    struct mmsghdr msgs[CHUNK];
    struct iovec iov[CHUNK];
    int32_t sent = 0;
    while (sent < segments) {
        unsigned n = (unsigned)(segments - sent < CHUNK ? segments - sent : CHUNK);
        memset(msgs, 0, n * sizeof msgs[0]);
        for (unsigned i = 0; i < n; i++) {
            int32_t start = (sent + (int32_t)i) * segment_size;
            int32_t left = total_length - start;
            iov[i].iov_base = (void *)(data + start);
            iov[i].iov_len = (size_t)(left < segment_size ? left : segment_size);
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            if (has_name > 0) {
                msgs[i].msg_hdr.msg_name = &name; /* the kernel only reads it */
                msgs[i].msg_hdr.msg_namelen = name_len;
            }
        }
        int r = sendmmsg_retrying(fd, msgs, n);
        if (r < 0) {
            return sent > 0 ? sent : neg_errno();
        }
        sent += r;
        if ((unsigned)r < n) {
            break;
        }
    }
    return sent;
}
