package io.mediaplane.net;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link MediaPort}.
 *
 * @param certificate      the DTLS certificate every session presents (one per process is the norm); null stands
 *                         for {@link DtlsCertificate#process()}, made when first needed
 * @param clock            monotonic time for consent and timeouts
 * @param consentTimeout   a session with no authenticated traffic for this long ends (RFC 7675 §5.1: 30 s)
 * @param handshakeTimeout a DTLS handshake not finished this long after it started fails
 * @param receiveBatch     datagrams read per receive call
 * @param socket           options of the underlying {@link UdpSocket}
 */
public record MediaPortOptions(DtlsCertificate certificate, TransportClock clock, Duration consentTimeout,
        Duration handshakeTimeout, int receiveBatch, UdpSocketOptions socket) {
    public MediaPortOptions {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(socket, "socket");
        if (consentTimeout.isNegative() || consentTimeout.isZero() || handshakeTimeout.isNegative()
                || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (receiveBatch < 1 || receiveBatch > DatagramBatch.MAX_SLOTS) {
            throw new IllegalArgumentException("receiveBatch outside 1.." + DatagramBatch.MAX_SLOTS);
        }
    }

    /** The process certificate, the system clock, 30 s consent, 10 s handshake, batches of 32. */
    public static MediaPortOptions defaults() {
        return new MediaPortOptions(null, TransportClock.SYSTEM, Duration.ofSeconds(30),
                Duration.ofSeconds(10), 32, UdpSocketOptions.DEFAULTS);
    }

    /** The certificate sessions present ({@link DtlsCertificate#process()} unless one was given). */
    @Override
    public DtlsCertificate certificate() {
        return certificate != null ? certificate : DtlsCertificate.process();
    }

    public MediaPortOptions withClock(TransportClock c) {
        return new MediaPortOptions(certificate, c, consentTimeout, handshakeTimeout, receiveBatch, socket);
    }

    public MediaPortOptions withConsentTimeout(Duration d) {
        return new MediaPortOptions(certificate, clock, d, handshakeTimeout, receiveBatch, socket);
    }

    public MediaPortOptions withHandshakeTimeout(Duration d) {
        return new MediaPortOptions(certificate, clock, consentTimeout, d, receiveBatch, socket);
    }

    public MediaPortOptions withCertificate(DtlsCertificate c) {
        return new MediaPortOptions(c, clock, consentTimeout, handshakeTimeout, receiveBatch, socket);
    }
}
