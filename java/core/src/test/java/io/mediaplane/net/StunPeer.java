package io.mediaplane.net;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The controlling side of ICE as a browser plays it against a lite server (RFC 8445 §7.2.4): sends binding
 * requests shaped like Chromium's (USERNAME, ICE-CONTROLLING, PRIORITY, optional USE-CANDIDATE,
 * MESSAGE-INTEGRITY, FINGERPRINT) from its own UDP socket and reads the answers.
 */
final class StunPeer implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    final DatagramSocket socket;
    private final InetSocketAddress server;
    final byte[] lastTransactionId = new byte[12];

    StunPeer(InetSocketAddress server) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.socket.setSoTimeout(5_000);
        this.server = server;
    }

    PeerAddress address() {
        return PeerAddress.of((InetSocketAddress) socket.getLocalSocketAddress());
    }

    /** A request signed with {@code password} (null: no MESSAGE-INTEGRITY). */
    byte[] request(String username, String password, boolean useCandidate, boolean controlled) {
        RANDOM.nextBytes(lastTransactionId);
        byte[] out = new byte[256];
        StunWriter w = new StunWriter().start(out, 0, Stun.BINDING_REQUEST, lastTransactionId, 0);
        if (username != null) {
            w.username(username);
        }
        if (controlled) {
            w.iceControlled(RANDOM.nextLong());
        } else {
            w.u32(0xC057, 0x00010000).iceControlling(RANDOM.nextLong()); // Chromium's GOOG-NETWORK-INFO too
        }
        if (useCandidate) {
            w.useCandidate();
        }
        w.priority(0x6E7F1EFFL);
        if (password != null) {
            w.messageIntegrity(password.getBytes(StandardCharsets.UTF_8));
        }
        w.fingerprint();
        return Arrays.copyOf(out, w.length());
    }

    void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, server));
    }

    /** Sends a request and returns the parsed answer, or null when none came within the socket timeout. */
    StunMessage exchange(byte[] request) throws IOException {
        send(request);
        return receive();
    }

    StunMessage receive() throws IOException {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (true) {
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            StunMessage m = new StunMessage();
            if (m.parse(buf, 0, p.getLength()).ok()
                    && Arrays.equals(buf, m.transactionIdOffset(), m.transactionIdOffset() + 12, lastTransactionId, 0, 12)) {
                return m;
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
