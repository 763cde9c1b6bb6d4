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

    /**
     * SO_RCVBUF of a media port, bytes (above net.core.rmem_max only with CAP_NET_ADMIN). One port takes every
     * publisher's media; the default ~208 KiB holds about 90 full-size datagrams, 0.3 s of one 2.5 Mbit/s publisher,
     * so a forwarding thread held up for a moment lost publisher packets and with them every viewer's copy. 1 MiB
     * (≈ 450 datagrams) absorbs such stalls; 4 MiB turned sustained overload into seconds of queue instead of loss
     * (benchmarks/README.md, "WebRTC forwarding load").
     */
    public static final int RECEIVE_BUFFER = 1 << 20;
    /** SO_SNDBUF of a media port, bytes: one fan-out burst of a 1200-byte packet to 500 viewers is 600 KB. */
    public static final int SEND_BUFFER = 4 << 20;

    /**
     * The process certificate, the system clock, 30 s consent, 10 s handshake, batches of 32, {@link #RECEIVE_BUFFER}
     * and {@link #SEND_BUFFER}.
     */
    public static MediaPortOptions defaults() {
        return new MediaPortOptions(null, TransportClock.SYSTEM, Duration.ofSeconds(30),
                Duration.ofSeconds(10), 32, UdpSocketOptions.DEFAULTS.withReceiveBufferSize(RECEIVE_BUFFER)
                        .withSendBufferSize(SEND_BUFFER));
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

    /** Options of the underlying socket, e.g. its SO_RCVBUF/SO_SNDBUF ({@link UdpSocketOptions#withReceiveBufferSize}). */
    public MediaPortOptions withSocket(UdpSocketOptions s) {
        return new MediaPortOptions(certificate, clock, consentTimeout, handshakeTimeout, receiveBatch, s);
    }
}
