package io.mediaplane.net;

import io.mediaplane.ffi.MediaplaneNative;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * An IP socket address in the fixed {@value #ENCODED_SIZE}-byte form that {@link DatagramBatch} stores per
 * datagram and libmediaplane reads and writes (native/mediaplane.h): {@code [0]} family 4 or 6, {@code [2..3]}
 * port, {@code [4..7]} IPv6 scope id, {@code [8..23]} address (IPv4 in the first 4 bytes), big-endian.
 *
 * <p>Encode a peer once ({@link #of}) and copy it into batch slots with
 * {@link DatagramBatch#setAddress(int, PeerAddress)}: a 24-byte array copy, no allocation, where an
 * {@link InetSocketAddress} would be re-encoded on every send. IPv4-mapped IPv6 addresses are IPv4 here (the
 * JDK does the same), so a peer has one encoding whatever socket family it reached. Immutable; equal when the
 * encodings are equal.
 */
public final class PeerAddress {
    public static final int ENCODED_SIZE = MediaplaneNative.ADDRESS_SIZE;

    private final byte[] encoded;
    /** A view of {@link #encoded} for native calls, made once (passing it needs no allocation). */
    final MemorySegment encodedSegment;

    private PeerAddress(byte[] encoded) {
        this.encoded = encoded;
        this.encodedSegment = MemorySegment.ofArray(encoded);
    }

    /** @throws IllegalArgumentException for an unresolved address (resolve names before the hot path) */
    public static PeerAddress of(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + address + ": resolve it first");
        }
        return of(address.getAddress(), address.getPort());
    }

    public static PeerAddress of(InetAddress address, int port) {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        byte[] e = new byte[ENCODED_SIZE];
        byte[] ip = address.getAddress();
        if (address instanceof Inet4Address) {
            e[0] = MediaplaneNative.FAMILY_IPV4;
        } else if (address instanceof Inet6Address v6) {
            e[0] = MediaplaneNative.FAMILY_IPV6;
            int scope = v6.getScopeId();
            e[4] = (byte) (scope >>> 24);
            e[5] = (byte) (scope >>> 16);
            e[6] = (byte) (scope >>> 8);
            e[7] = (byte) scope;
        } else {
            throw new IllegalArgumentException("not an IP address: " + address);
        }
        e[2] = (byte) (port >>> 8);
        e[3] = (byte) port;
        System.arraycopy(ip, 0, e, 8, ip.length);
        return new PeerAddress(e);
    }

    /** The address encoded at {@code src[offset..]}, or null when its family is "none" (0). */
    static PeerAddress decode(byte[] src, int offset) {
        if (src[offset] == MediaplaneNative.FAMILY_UNSPEC) {
            return null;
        }
        checkFamily(src[offset]);
        return new PeerAddress(Arrays.copyOfRange(src, offset, offset + ENCODED_SIZE));
    }

    /** The {@link InetSocketAddress} encoded at {@code src[offset..]}, or null for family "none". */
    static InetSocketAddress decodeSocketAddress(byte[] src, int offset) {
        int family = src[offset];
        if (family == MediaplaneNative.FAMILY_UNSPEC) {
            return null;
        }
        checkFamily(family);
        int port = ((src[offset + 2] & 0xFF) << 8) | (src[offset + 3] & 0xFF);
        try {
            InetAddress ip;
            if (family == MediaplaneNative.FAMILY_IPV4) {
                ip = InetAddress.getByAddress(Arrays.copyOfRange(src, offset + 8, offset + 12));
            } else {
                int scope = ((src[offset + 4] & 0xFF) << 24) | ((src[offset + 5] & 0xFF) << 16)
                        | ((src[offset + 6] & 0xFF) << 8) | (src[offset + 7] & 0xFF);
                byte[] bytes = Arrays.copyOfRange(src, offset + 8, offset + 24);
                ip = scope == 0 ? InetAddress.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, scope);
            }
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot happen: address of fixed length", e);
        }
    }

    private static void checkFamily(int family) {
        if (family != MediaplaneNative.FAMILY_IPV4 && family != MediaplaneNative.FAMILY_IPV6) {
            throw new IllegalArgumentException("corrupt encoded address: family " + family);
        }
    }

    void copyTo(byte[] dst, int offset) {
        System.arraycopy(encoded, 0, dst, offset, ENCODED_SIZE);
    }

    boolean matches(byte[] src, int offset) {
        return Arrays.equals(encoded, 0, ENCODED_SIZE, src, offset, offset + ENCODED_SIZE);
    }

    /** 4 or 6. */
    public int family() {
        return encoded[0];
    }

    public int port() {
        return ((encoded[2] & 0xFF) << 8) | (encoded[3] & 0xFF);
    }

    /** A new {@link InetSocketAddress} (allocates; for logs, configuration and the NIO backend's cache). */
    public InetSocketAddress toSocketAddress() {
        return decodeSocketAddress(encoded, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerAddress p && Arrays.equals(encoded, p.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        InetSocketAddress a = toSocketAddress();
        String host = a.getAddress().getHostAddress();
        return (family() == MediaplaneNative.FAMILY_IPV6 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
