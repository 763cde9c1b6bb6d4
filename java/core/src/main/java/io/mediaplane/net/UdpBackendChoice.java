package io.mediaplane.net;

import io.mediaplane.ffi.MediaplaneNative;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/** Resolves {@link UdpSocket.Backend#AUTO} and logs the outcome once per process (DESIGN: the choice is logged). */
final class UdpBackendChoice {
    /** {@code -Dmediaplane.udp.backend=native|nio} overrides the automatic choice. */
    static final String PROPERTY = "mediaplane.udp.backend";

    private static final System.Logger LOG = System.getLogger(UdpSocket.class.getName());
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    private UdpBackendChoice() {}

    static UdpSocket.Backend resolve(UdpSocket.Backend requested) {
        if (requested != UdpSocket.Backend.AUTO) {
            return requested;
        }
        String forced = System.getProperty(PROPERTY);
        if (forced != null && !forced.isBlank()) {
            UdpSocket.Backend b = switch (forced.strip().toLowerCase(Locale.ROOT)) {
                case "native" -> UdpSocket.Backend.NATIVE;
                case "nio" -> UdpSocket.Backend.NIO;
                case "auto" -> null;
                default -> throw new IllegalArgumentException(
                        "-D" + PROPERTY + "=" + forced + ": expected native, nio or auto");
            };
            if (b != null) {
                log(b, "-D" + PROPERTY + "=" + forced.strip());
                return b;
            }
        }
        if (MediaplaneNative.library().isAvailable()) {
            log(UdpSocket.Backend.NATIVE, "libmediaplane " + MediaplaneNative.version()
                    + ": sendmmsg/recvmmsg, UDP GSO");
            return UdpSocket.Backend.NATIVE;
        }
        log(UdpSocket.Backend.NIO, MediaplaneNative.library().unavailableReason().orElseThrow());
        return UdpSocket.Backend.NIO;
    }

    private static void log(UdpSocket.Backend b, String why) {
        if (LOGGED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.INFO, "UDP sockets use the " + b.name().toLowerCase(Locale.ROOT)
                    + " backend (" + why + ")");
        }
    }
}
