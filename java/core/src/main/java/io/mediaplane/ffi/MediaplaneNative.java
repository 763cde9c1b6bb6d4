package io.mediaplane.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/**
 * libmediaplane, our own small C library (native/ in the source tree), built by CMake during the Maven build
 * and carried in the core jar as {@code native/linux-x86_64/libmediaplane.so}. It holds what no system library
 * offers: batched UDP I/O ({@code sendmmsg}/{@code recvmmsg}, UDP GSO) returning {@code -errno}, AEAD
 * trampolines, and a vectorised 8-bit sample range mapping for JPEG from video planes.
 *
 * <p>The static methods are thin: they pass their arguments through and return the raw C result, {@code >= 0}
 * or {@code -errno} ({@link Errno}). Arguments are not checked here; {@code io.mediaplane.net.NativeUdpSocket}
 * validates every offset and length against its slab before calling, because the C code trusts them.
 *
 * <p><b>Critical calls.</b> The send/receive/bind/connect/getsockname functions are bound with
 * {@link Linker.Option#critical(boolean) critical(true)}: the JVM skips the Java→native thread-state
 * transition and lets us pass heap segments ({@code MemorySegment.ofArray(byte[])}) so a {@code byte[]} slab
 * and the {@code int[]} offset arrays reach the kernel without a copy. That is acceptable only because each
 * of these returns quickly: the socket is non-blocking and every send/receive passes {@code MSG_DONTWAIT}, so
 * the call is a bounded amount of kernel work (at most {@link #BATCH_MAX} datagrams), during which this thread
 * delays safepoints (GC) like a long-running loop without safepoint polls would. {@link #udpPoll} waits, so it
 * is a normal call, and so are the rare setup calls that take no memory.
 *
 * <p>Encoded addresses ({@link #ADDRESS_SIZE} bytes): {@code [0]} family ({@link #FAMILY_IPV4},
 * {@link #FAMILY_IPV6}, {@link #FAMILY_UNSPEC} = none/connected peer), {@code [2..3]} port, {@code [4..7]} IPv6
 * scope id, {@code [8..23]} address (IPv4 in the first 4 bytes); big-endian. See native/mediaplane.h.
 */
public final class MediaplaneNative {
    static final LibrarySpec SPEC = new LibrarySpec("mediaplane", "libmediaplane", List.of(),
            "native/linux-x86_64/libmediaplane.so", null, "mp_version",
            lookup -> Calls.cString(lookup, "mp_version"));

    /** Size of one encoded socket address (mediaplane.h {@code MP_ADDRESS_SIZE}). */
    public static final int ADDRESS_SIZE = 24;
    public static final int FAMILY_UNSPEC = 0;
    public static final int FAMILY_IPV4 = 4;
    public static final int FAMILY_IPV6 = 6;

    /** {@link #udpOpen} flags: SO_REUSEADDR, SO_REUSEPORT (socket(7)), IPV6_V6ONLY (ipv6(7)). */
    public static final int UDP_REUSEADDR = 1;
    public static final int UDP_REUSEPORT = 2;
    public static final int UDP_V6ONLY = 4;

    /** {@link #udpPoll} event bits. */
    public static final int POLL_IN = 1;
    public static final int POLL_OUT = 2;
    /** Out only: POLLERR or POLLHUP; the next receive or send reports the error. */
    public static final int POLL_ERR = 4;

    /** {@link #udpSetBufferSize} / {@link #udpBufferSize}: which buffer. */
    public static final int BUFFER_RECEIVE = 0;
    public static final int BUFFER_SEND = 1;

    /** Most datagrams per batch call: UIO_MAXIOV, the kernel's vlen limit for sendmmsg(2)/recvmmsg(2). */
    public static final int BATCH_MAX = 1024;

    private static final NativeLibrary LIBRARY;
    private static final MethodHandle UDP_OPEN;
    private static final MethodHandle UDP_BIND;
    private static final MethodHandle UDP_CONNECT;
    private static final MethodHandle UDP_LOCAL_ADDRESS;
    private static final MethodHandle UDP_SET_BUFFER_SIZE;
    private static final MethodHandle UDP_BUFFER_SIZE;
    private static final MethodHandle UDP_SEGMENTATION_SUPPORTED;
    private static final MethodHandle UDP_POLL;
    private static final MethodHandle UDP_SHUTDOWN;
    private static final MethodHandle UDP_CLOSE;
    private static final MethodHandle UDP_SEND_BATCH;
    private static final MethodHandle UDP_SEND_BATCH_TRAINS;
    private static final MethodHandle UDP_RECEIVE_BATCH;
    private static final MethodHandle UDP_SEND_SEGMENTED;
    private static final MethodHandle UDP_SEND_SEGMENTS;
    private static final MethodHandle SODIUM_AEAD_SEAL;
    /** Null when the loaded library lacks {@code mp_yuv_map_range}. */
    private static final MethodHandle YUV_MAP_RANGE;
    private static final MethodHandle SODIUM_AEAD_OPEN;
    private static final MethodHandle EVP_AEAD_SEAL;
    private static final MethodHandle EVP_AEAD_OPEN;
    /** Null when the loaded library lacks {@code mp_gcry_gcm_seal/open} (then the libgcrypt SRTP backend is off). */
    private static final MethodHandle GCRY_GCM_SEAL;
    private static final MethodHandle GCRY_GCM_OPEN;

    static {
        NativeLibrary.Binder b = NativeLibrary.load(SPEC).binder();
        Linker.Option critical = Linker.Option.critical(true);
        UDP_OPEN = b.bind("mp_udp_open", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        UDP_BIND = b.bind("mp_udp_bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), critical);
        UDP_CONNECT = b.bind("mp_udp_connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), critical);
        UDP_LOCAL_ADDRESS = b.bind("mp_udp_local_address",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), critical);
        UDP_SET_BUFFER_SIZE = b.bind("mp_udp_set_buffer_size",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        UDP_BUFFER_SIZE = b.bind("mp_udp_buffer_size", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        UDP_SEGMENTATION_SUPPORTED = b.bind("mp_udp_segmentation_supported",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        UDP_POLL = b.bind("mp_udp_poll", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        UDP_SHUTDOWN = b.bind("mp_udp_shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        UDP_CLOSE = b.bind("mp_udp_close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        UDP_SEND_BATCH = b.bind("mp_udp_send_batch", FunctionDescriptor.of(JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT), critical);
        UDP_SEND_BATCH_TRAINS = b.bind("mp_udp_send_batch_trains", FunctionDescriptor.of(JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), critical);
        UDP_RECEIVE_BATCH = b.bind("mp_udp_receive_batch", FunctionDescriptor.of(JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT), critical);
        UDP_SEND_SEGMENTED = b.bind("mp_udp_send_segmented", FunctionDescriptor.of(JAVA_INT,
                JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS), critical);
        UDP_SEND_SEGMENTS = b.bind("mp_udp_send_segments", FunctionDescriptor.of(JAVA_INT,
                JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS), critical);
        // AEAD trampolines: critical, as one packet's AEAD is short and never blocks (see mediaplane.h)
        FunctionDescriptor sodium = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS);
        SODIUM_AEAD_SEAL = b.bind("mp_sodium_aead_seal", sodium, critical);
        SODIUM_AEAD_OPEN = b.bind("mp_sodium_aead_open", sodium, critical);
        FunctionDescriptor evp = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                JAVA_LONG, JAVA_INT, JAVA_INT);
        EVP_AEAD_SEAL = b.bind("mp_evp_aead_seal", evp, critical);
        EVP_AEAD_OPEN = b.bind("mp_evp_aead_open", evp, critical);
        LIBRARY = b.finish();
        // Optional: a library file from before this symbol existed keeps its UDP and AEAD functions; the video
        // code then maps sample ranges in Java.
        YUV_MAP_RANGE = optional(b, "mp_yuv_map_range", FunctionDescriptor.ofVoid(
                ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        // Optional as well: an older library file keeps every other function; only the libgcrypt backend needs these
        FunctionDescriptor gcry = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG,
                JAVA_INT, JAVA_INT);
        GCRY_GCM_SEAL = optional(b, "mp_gcry_gcm_seal", gcry, critical);
        GCRY_GCM_OPEN = optional(b, "mp_gcry_gcm_open", gcry, critical);
    }

    private static MethodHandle optional(NativeLibrary.Binder b, String symbol, FunctionDescriptor descriptor,
            Linker.Option... options) {
        return LIBRARY.isAvailable() ? b.find(symbol).map(address ->
                Linker.nativeLinker().downcallHandle(address, descriptor, options)).orElse(null) : null;
    }

    private MediaplaneNative() {}

    public static NativeLibrary library() {
        return LIBRARY;
    }

    /** {@code mp_version()}: "0.1.0"; throws {@link NativeUnavailableException} when the library is not loaded. */
    public static String version() {
        LIBRARY.ensureAvailable();
        return LIBRARY.version().orElseThrow();
    }

    /** A non-blocking, close-on-exec UDP socket ({@link #FAMILY_IPV4}/{@link #FAMILY_IPV6}, {@code UDP_*} flags): fd or -errno. */
    public static int udpOpen(int family, int flags) {
        try {
            return (int) UDP_OPEN.invokeExact(family, flags);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** bind(2) to an encoded address ({@link #ADDRESS_SIZE} bytes; heap or native): 0 or -errno. */
    public static int udpBind(int fd, MemorySegment address) {
        try {
            return (int) UDP_BIND.invokeExact(fd, address);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** connect(2) to an encoded address: 0 or -errno. */
    public static int udpConnect(int fd, MemorySegment address) {
        try {
            return (int) UDP_CONNECT.invokeExact(fd, address);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** getsockname(2) into {@code addressOut} ({@link #ADDRESS_SIZE} bytes): 0 or -errno. */
    public static int udpLocalAddress(int fd, MemorySegment addressOut) {
        try {
            return (int) UDP_LOCAL_ADDRESS.invokeExact(fd, addressOut);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * SO_RCVBUF/SO_SNDBUF (socket(7)); with {@code force}, SO_RCVBUFFORCE/SO_SNDBUFFORCE first (needs
     * CAP_NET_ADMIN; falls back on EPERM). Returns the size the kernel reports afterwards (twice the request) or -errno.
     */
    public static int udpSetBufferSize(int fd, int which, int bytes, boolean force) {
        try {
            return (int) UDP_SET_BUFFER_SIZE.invokeExact(fd, which, bytes, force ? 1 : 0);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** The current SO_RCVBUF/SO_SNDBUF or -errno. */
    public static int udpBufferSize(int fd, int which) {
        try {
            return (int) UDP_BUFFER_SIZE.invokeExact(fd, which);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** 1 when the kernel accepts UDP_SEGMENT (udp(7)), 0 when it answers ENOPROTOOPT, else -errno. */
    public static int udpSegmentationSupported(int fd) {
        try {
            return (int) UDP_SEGMENTATION_SUPPORTED.invokeExact(fd);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * poll(2) for {@link #POLL_IN}/{@link #POLL_OUT} up to {@code timeoutMillis} (negative: forever): the ready
     * bits (plus {@link #POLL_ERR}), 0 on timeout, -EBADF for a closed fd. Blocks, so it is not a critical call.
     */
    public static int udpPoll(int fd, int events, int timeoutMillis) {
        try {
            return (int) UDP_POLL.invokeExact(fd, events, timeoutMillis);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** shutdown(2) both ways; wakes threads polling this fd. -ENOTCONN for an unconnected socket (still wakes them). */
    public static int udpShutdown(int fd) {
        try {
            return (int) UDP_SHUTDOWN.invokeExact(fd);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** close(2): 0 or -errno. The fd is released either way; never call twice with the same number. */
    public static int udpClose(int fd) {
        try {
            return (int) UDP_CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * sendmmsg(2) of datagrams {@code first .. first+count-1}: {@code lengths[i]} bytes at {@code slab + offsets[i]}
     * to the encoded address {@code i} of {@code addresses} (or {@link MemorySegment#NULL}: the connected peer).
     * Returns datagrams accepted from {@code first} on, or -errno for datagram {@code first} (-EAGAIN: send buffer full).
     */
    public static int udpSendBatch(int fd, MemorySegment slab, MemorySegment offsets, MemorySegment lengths,
                                   MemorySegment addresses, int first, int count) {
        try {
            return (int) UDP_SEND_BATCH.invokeExact(fd, slab, offsets, lengths, addresses, first, count);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * As {@link #udpSendBatch} ({@code addresses} required), each run of datagrams to one destination of equal
     * length (the last may be shorter) sent as one UDP GSO "train"; {@code trainsOut} (two ints) gets the trains of
     * two or more datagrams accepted and the datagrams in them. -EIO or -EINVAL: the kernel refused a train (send with {@link #udpSendBatch}).
     */
    public static int udpSendBatchTrains(int fd, MemorySegment slab, MemorySegment offsets, MemorySegment lengths,
                                         MemorySegment addresses, int first, int count, MemorySegment trainsOut) {
        try {
            return (int) UDP_SEND_BATCH_TRAINS.invokeExact(fd, slab, offsets, lengths, addresses, first, count,
                    trainsOut);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * recvmmsg(2) with MSG_DONTWAIT|MSG_TRUNC of up to {@code count} datagrams into {@code slab + offsets[i]}
     * (at most {@code capacities[i]} bytes); fills {@code lengthsOut} (bytes stored), {@code datagramLengthsOut}
     * (real length: larger means truncated) and {@code addressesOut} (or NULL). Returns the count, -EAGAIN for none,
     * or -errno.
     */
    public static int udpReceiveBatch(int fd, MemorySegment slab, MemorySegment offsets, MemorySegment capacities,
                                      MemorySegment lengthsOut, MemorySegment datagramLengthsOut,
                                      MemorySegment addressesOut, int count) {
        try {
            return (int) UDP_RECEIVE_BATCH.invokeExact(fd, slab, offsets, capacities, lengthsOut, datagramLengthsOut,
                    addressesOut, count);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * UDP GSO (udp(7) UDP_SEGMENT): one sendmsg(2) of {@code totalLength} bytes at {@code slab + offset}, cut by the
     * kernel into datagrams of {@code segmentSize} (the last may be shorter). Returns the number of datagrams or
     * -errno (-ENOPROTOOPT: no UDP_SEGMENT; -EIO: no checksum offload on the route's device; -EINVAL: too many
     * segments or segment over the MTU).
     */
    public static int udpSendSegmented(int fd, MemorySegment slab, long offset, int totalLength, int segmentSize,
                                       MemorySegment address) {
        try {
            return (int) UDP_SEND_SEGMENTED.invokeExact(fd, slab, offset, totalLength, segmentSize, address);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** The datagrams of {@link #udpSendSegmented} through sendmmsg(2) instead of GSO: datagrams sent or -errno. */
    public static int udpSendSegments(int fd, MemorySegment slab, long offset, int totalLength, int segmentSize,
                                      MemorySegment address) {
        try {
            return (int) UDP_SEND_SEGMENTS.invokeExact(fd, slab, offset, totalLength, segmentSize, address);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * {@code mp_sodium_aead_seal}: calls libsodium's AEAD encrypt {@code fn} in place on the packet at
     * {@code offset} of {@code slab} (AAD, then data, then room for the tag). Passing the slab and an offset
     * instead of slices keeps the call free of allocation. Returns libsodium's result.
     */
    public static int sodiumAeadSeal(MemorySegment fn, MemorySegment slab, long offset, int aadLength,
            int dataLength, MemorySegment nonce, MemorySegment key) {
        try {
            return (int) SODIUM_AEAD_SEAL.invokeExact(fn, slab, offset, aadLength, dataLength, nonce, key);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code mp_sodium_aead_open}: the matching decrypt; {@code dataLength} excludes the tag. 0, or -1 on a bad tag. */
    public static int sodiumAeadOpen(MemorySegment fn, MemorySegment slab, long offset, int aadLength,
            int dataLength, MemorySegment nonce, MemorySegment key) {
        try {
            return (int) SODIUM_AEAD_OPEN.invokeExact(fn, slab, offset, aadLength, dataLength, nonce, key);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /**
     * {@code mp_evp_aead_seal}: one packet through a reused EVP context ({@code evp}: the four EVP function
     * pointers, see {@code LibCrypto.aeadFunctions()}); {@code key}/{@code iv} may be NULL to keep. 0, or -2.
     */
    public static int evpAeadSeal(MemorySegment evp, MemorySegment ctx, MemorySegment key, MemorySegment iv,
            MemorySegment slab, long offset, int aadLength, int dataLength) {
        try {
            return (int) EVP_AEAD_SEAL.invokeExact(evp, ctx, key, iv, slab, offset, aadLength, dataLength);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code mp_evp_aead_open}: 0, -1 on a bad tag, -2 when an EVP call fails. */
    public static int evpAeadOpen(MemorySegment evp, MemorySegment ctx, MemorySegment key, MemorySegment iv,
            MemorySegment slab, long offset, int aadLength, int dataLength) {
        try {
            return (int) EVP_AEAD_OPEN.invokeExact(evp, ctx, key, iv, slab, offset, aadLength, dataLength);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** Why {@link #gcryGcmSeal}/{@link #gcryGcmOpen} cannot be called, if they cannot. */
    public static java.util.Optional<String> gcryGcmUnavailableReason() {
        if (!LIBRARY.isAvailable()) {
            return LIBRARY.unavailableReason();
        }
        return GCRY_GCM_SEAL != null && GCRY_GCM_OPEN != null ? java.util.Optional.empty()
                : java.util.Optional.of("libmediaplane without mp_gcry_gcm_seal/open: " + LIBRARY);
    }

    /**
     * {@code mp_gcry_gcm_seal}: one AES-GCM packet through a libgcrypt cipher handle ({@code gcry}: the seven
     * function pointers of {@code Gcrypt.gcmFunctions()}), 12-byte {@code iv}, in place at {@code offset}. 0, or -2.
     */
    public static int gcryGcmSeal(MemorySegment gcry, MemorySegment handle, MemorySegment iv, MemorySegment slab,
            long offset, int aadLength, int dataLength) {
        try {
            return (int) GCRY_GCM_SEAL.invokeExact(gcry, handle, iv, slab, offset, aadLength, dataLength);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** {@code mp_gcry_gcm_open}: 0, -1 on a wrong tag, -2 when a libgcrypt call fails. */
    public static int gcryGcmOpen(MemorySegment gcry, MemorySegment handle, MemorySegment iv, MemorySegment slab,
            long offset, int aadLength, int dataLength) {
        try {
            return (int) GCRY_GCM_OPEN.invokeExact(gcry, handle, iv, slab, offset, aadLength, dataLength);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }

    /** Whether {@link #yuvMapRange} can be called. */
    public static boolean hasYuvMapRange() {
        return YUV_MAP_RANGE != null;
    }

    /**
     * {@code mp_yuv_map_range}: maps {@code rows} rows of {@code width} 8-bit samples from {@code src} to {@code dst}
     * through {@code min(255, max(0, s * multiplier - subtrahend) >> 7)} (mediaplane.h). Not a critical call (a 1080p plane is
     * a fraction of a millisecond, too long to hold off safepoints): both segments must be native, and the caller
     * checks that the rows lie inside them.
     */
    public static void yuvMapRange(MemorySegment src, int srcStride, MemorySegment dst, int dstStride, int width,
                                   int rows, int multiplier, int subtrahend) {
        if (YUV_MAP_RANGE == null) {
            throw new NativeUnavailableException("libmediaplane without mp_yuv_map_range: " + LIBRARY, null);
        }
        try {
            YUV_MAP_RANGE.invokeExact(src, srcStride, dst, dstStride, width, rows, multiplier, subtrahend);
        } catch (Throwable t) {
            throw Calls.rethrow(t);
        }
    }
}
