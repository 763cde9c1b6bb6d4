package io.mediaplane.net;

import io.mediaplane.ffi.Errno;

/**
 * What a {@link UdpSocket} call's {@code int} result means. Send and receive calls return a count
 * ({@code >= 0}) or {@code -errno}, so the hot path allocates nothing and throws nothing; this enum is the small
 * set of outcomes callers act on. Both backends report the same errno values (the NIO one translates its
 * exceptions), so {@code UdpStatus.of(result)} reads either.
 */
public enum UdpStatus {
    OK("datagrams were moved (result >= 0)"),
    /** Normal: nothing queued to receive, or the send buffer is full. Not an error, nothing to log. */
    WOULD_BLOCK("nothing now: no datagram queued or send buffer full (EAGAIN)"),
    CLOSED("the socket is closed (EBADF)"),
    CONNECTION_REFUSED("ICMP port unreachable reported for the connected peer (ECONNREFUSED, udp(7) IP_RECVERR)"),
    MESSAGE_TOO_LARGE("datagram larger than UDP or the path allows (EMSGSIZE)"),
    NO_BUFFER_SPACE("kernel out of buffer memory (ENOBUFS, ENOMEM)"),
    UNREACHABLE("no route to the destination (ENETUNREACH, EHOSTUNREACH, ENETDOWN, EADDRNOTAVAIL)"),
    NOT_CONNECTED("no destination: no address given and the socket is not connected (EDESTADDRREQ, ENOTCONN)"),
    ALREADY_CONNECTED("an address other than the connected peer's was given (EISCONN)"),
    PERMISSION_DENIED("refused by local policy: firewall, or broadcast without SO_BROADCAST (EPERM, EACCES)"),
    UNSUPPORTED("the kernel or device refused the feature (ENOPROTOOPT, EOPNOTSUPP, EAFNOSUPPORT; "
            + "EIO from UDP_SEGMENT without checksum offload, udp(7))"),
    INVALID_ARGUMENT("the kernel refused an argument (EINVAL: e.g. more GSO segments than UDP_MAX_SEGMENTS)"),
    OTHER("another errno; Errno.name(result) tells which");

    private static final UdpStatus[] BY_ERRNO = new UdpStatus[128];

    static {
        java.util.Arrays.fill(BY_ERRNO, OTHER);
        BY_ERRNO[Errno.EAGAIN] = WOULD_BLOCK;
        BY_ERRNO[Errno.EBADF] = CLOSED;
        BY_ERRNO[Errno.ECONNREFUSED] = CONNECTION_REFUSED;
        BY_ERRNO[Errno.EMSGSIZE] = MESSAGE_TOO_LARGE;
        BY_ERRNO[Errno.ENOBUFS] = NO_BUFFER_SPACE;
        BY_ERRNO[Errno.ENOMEM] = NO_BUFFER_SPACE;
        BY_ERRNO[Errno.ENETUNREACH] = UNREACHABLE;
        BY_ERRNO[Errno.EHOSTUNREACH] = UNREACHABLE;
        BY_ERRNO[Errno.ENETDOWN] = UNREACHABLE;
        BY_ERRNO[Errno.EADDRNOTAVAIL] = UNREACHABLE;
        BY_ERRNO[Errno.EDESTADDRREQ] = NOT_CONNECTED;
        BY_ERRNO[Errno.ENOTCONN] = NOT_CONNECTED;
        BY_ERRNO[Errno.EISCONN] = ALREADY_CONNECTED;
        BY_ERRNO[Errno.EPERM] = PERMISSION_DENIED;
        BY_ERRNO[Errno.EACCES] = PERMISSION_DENIED;
        BY_ERRNO[Errno.ENOPROTOOPT] = UNSUPPORTED;
        BY_ERRNO[Errno.EOPNOTSUPP] = UNSUPPORTED;
        BY_ERRNO[Errno.EAFNOSUPPORT] = UNSUPPORTED;
        BY_ERRNO[Errno.EIO] = UNSUPPORTED;
        BY_ERRNO[Errno.EINVAL] = INVALID_ARGUMENT;
    }

    private final String meaning;

    UdpStatus(String meaning) {
        this.meaning = meaning;
    }

    /** The status of a send/receive result: {@link #OK} for {@code >= 0}, else by {@code -result} as an errno. */
    public static UdpStatus of(int result) {
        if (result >= 0) {
            return OK;
        }
        int errno = -result;
        return errno < BY_ERRNO.length ? BY_ERRNO[errno] : OTHER;
    }

    /** "CLOSED: EBADF (Bad file descriptor)" for a result, for log lines. */
    public static String describe(int result) {
        return result >= 0 ? "OK: " + result : of(result).name() + ": " + Errno.describe(result);
    }

    public String meaning() {
        return meaning;
    }

    public boolean ok() {
        return this == OK;
    }
}
