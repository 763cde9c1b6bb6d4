package io.mediaplane.net;

import io.mediaplane.crypto.SrtpKeyingMaterial;
import io.mediaplane.crypto.SrtpProfile;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The DTLS 1.2 side of one {@link PeerTransport} (RFC 5764 DTLS-SRTP, RFC 8827 §6.5), on BouncyCastle bctls:
 * server or client by {@link DtlsRole}, records routed in by the port's demux (a bounded queue) and sent out
 * through the port to the transport's ICE address. The peer must present a certificate whose fingerprint is
 * the one in its offer; {@code use_srtp} picks the first of our profiles the client offers (AEAD_AES_128_GCM,
 * then AES_CM_128_HMAC_SHA1_80 by default). The keying material comes from the RFC 5705 exporter with label
 * {@value SrtpKeyingMaterial#EXPORTER_LABEL}.
 *
 * <p>One virtual thread runs the handshake (bctls retransmits flights on its own timer, RFC 6347 §4.2.4) and
 * then waits for records so a close_notify or alert ends the transport; it ends when the transport closes.
 */
final class DtlsEndpoint {
    private static final System.Logger LOG = System.getLogger(DtlsEndpoint.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Datagrams waiting for the DTLS thread; a handshake flight is a handful, so this only overflows on floods. */
    private static final int QUEUE = 64;
    /** Plaintext we send per record fits a 1200-byte path after IP/UDP and record overhead (like browsers). */
    private static final int SEND_LIMIT = 1150;
    private static final int RECEIVE_LIMIT = 2048;
    private static final byte[] CLOSE = new byte[0];
    /** ECDHE-ECDSA suites browsers and OpenSSL offer, AEAD first (RFC 8827 §6.5 asks for forward secrecy). */
    private static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
    };

    private final PeerTransport owner;
    private final java.util.function.Supplier<DtlsCertificate> certificate;
    private final Duration handshakeTimeout;
    private final ArrayBlockingQueue<byte[]> inbound = new ArrayBlockingQueue<>(QUEUE);
    private final Object lock = new Object();
    private Thread thread;
    private volatile boolean closing;
    private volatile boolean sendCloseNotify;
    /** Set by the TLS peer callbacks: why a handshake failed, if we refused it. */
    private volatile TransportEndReason refusal;
    private volatile String refusalDetail;
    private volatile boolean peerClosed;
    private volatile boolean handshakeDone;
    private volatile int receivesAfterClose; // written by the DTLS thread only

    DtlsEndpoint(PeerTransport owner, java.util.function.Supplier<DtlsCertificate> certificate,
            Duration handshakeTimeout) {
        this.owner = owner;
        this.certificate = certificate;
        this.handshakeTimeout = handshakeTimeout;
    }

    /** Queues a received record datagram (copied); starts the server handshake on the first one. */
    PortEvent offer(byte[] a, int off, int len) {
        if (closing) {
            return PortEvent.DTLS_LATE;
        }
        byte[] copy = java.util.Arrays.copyOfRange(a, off, off + len);
        if (!inbound.offer(copy)) {
            return PortEvent.DTLS_QUEUE_FULL;
        }
        if (owner.dtlsRole() == DtlsRole.SERVER) {
            start();
        }
        return PortEvent.DTLS_RECORD;
    }

    /** Starts the DTLS thread once. */
    void start() {
        synchronized (lock) {
            if (thread != null || closing) {
                return;
            }
            owner.port().dtlsThreadCounter().incrementAndGet();
            thread = Thread.ofVirtual().name("dtls-" + owner.localCredentials().ufrag()).start(this::run);
        }
    }

    /** Ends the DTLS thread (after a close_notify when {@code notifyPeer} and connected) and waits for it briefly. */
    void close(boolean notifyPeer) {
        Thread t;
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            sendCloseNotify = notifyPeer;
            t = thread;
        }
        inbound.clear();
        inbound.offer(CLOSE);
        // wait for the thread to finish (it wakes at once), but never hold up the port's receive thread
        if (t != null && t != Thread.currentThread() && !owner.port().onReceiveThread()) {
            try {
                t.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Receives the DTLS thread made after {@link #close} (one when it stops at once). */
    int receivesAfterClose() {
        return receivesAfterClose;
    }

    private void run() {
        DTLSTransport dtls = null;
        try {
            Transport transport = new Transport();
            BcTlsCrypto crypto = new BcTlsCrypto(RANDOM);
            if (owner.dtlsRole() == DtlsRole.SERVER) {
                Server server = new Server(crypto);
                DTLSServerProtocol protocol = new DTLSServerProtocol();
                // ICE has authenticated the address already; a cookie exchange adds a round trip for nothing
                protocol.setVerifyRequests(false);
                dtls = protocol.accept(server, transport);
                owner.onDtlsConnected(server.keyingMaterial);
            } else {
                Client client = new Client(crypto);
                dtls = new DTLSClientProtocol().connect(client, transport);
                owner.onDtlsConnected(client.keyingMaterial);
            }
            handshakeDone = true;
            // after the handshake: only alerts matter (no data channels); the queue's CLOSE wakes us on close
            byte[] buf = new byte[RECEIVE_LIMIT];
            try {
                while (!closing && !peerClosed) {
                    dtls.receive(buf, 0, buf.length, 1000);
                }
            } catch (InterruptedIOException e) {
                if (!closing) {
                    throw e;
                }
            }
            if (peerClosed) {
                owner.onDtlsEnded(TransportEndReason.PEER_CLOSED, "close_notify from the peer");
            } else if (sendCloseNotify) {
                dtls.close(); // close_notify (RFC 5246 §7.2.1)
            }
        } catch (TlsFatalAlertReceived e) {
            owner.onDtlsEnded(dtls == null ? TransportEndReason.HANDSHAKE_FAILED : TransportEndReason.PEER_CLOSED,
                    "fatal alert from the peer: " + AlertDescription.getText(e.getAlertDescription()));
        } catch (TlsTimeoutException e) {
            owner.onDtlsEnded(TransportEndReason.HANDSHAKE_TIMEOUT, e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                TransportEndReason r = refusal != null ? refusal : TransportEndReason.HANDSHAKE_FAILED;
                String detail = refusalDetail != null ? refusalDetail : String.valueOf(e.getMessage());
                LOG.log(System.Logger.Level.DEBUG, "DTLS ended for " + owner, e);
                owner.onDtlsEnded(r, detail);
            }
        } finally {
            owner.port().dtlsThreadCounter().decrementAndGet();
        }
    }

    // ---------------------------------------------------------------- shared by server and client

    private TlsCredentialedSigner signer(TlsContext context, BcTlsCrypto crypto) throws IOException {
        DtlsCertificate ours = certificate.get();
        TlsCertificate c = crypto.createCertificate(ours.derShared());
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, ours.privateKey(),
                new Certificate(new TlsCertificate[] {c}),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    /** RFC 8122 §5: the certificate the peer used must hash to the offer's a=fingerprint. */
    private void checkPeerCertificate(Certificate chain) throws IOException {
        if (chain == null || chain.isEmpty()) {
            refuse(TransportEndReason.FINGERPRINT_MISMATCH, "the peer sent no certificate");
            throw new TlsFatalAlert(AlertDescription.handshake_failure);
        }
        byte[] der = chain.getCertificateAt(0).getEncoded();
        DtlsFingerprint expected = owner.remoteFingerprint();
        if (!expected.matches(der)) {
            refuse(TransportEndReason.FINGERPRINT_MISMATCH, "peer certificate is "
                    + DtlsFingerprint.of(expected.algorithm(), der).toSdp() + ", the offer said " + expected.toSdp());
            throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }
    }

    private void refuse(TransportEndReason reason, String detail) {
        refusal = reason;
        refusalDetail = detail;
    }

    private static SrtpKeyingMaterial export(TlsContext context, SrtpProfile profile) {
        return SrtpKeyingMaterial.export(profile,
                (label, length) -> context.exportKeyingMaterial(label, null, length));
    }

    private int[] profileIds() {
        List<SrtpProfile> ps = owner.srtpProfiles();
        int[] ids = new int[ps.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = ps.get(i).dtlsId();
        }
        return ids;
    }

    private void onAlertReceived(short level, short description) {
        if (description == AlertDescription.close_notify) {
            peerClosed = true;
        } else if (level == AlertLevel.fatal && refusal == null) {
            refuse(TransportEndReason.HANDSHAKE_FAILED, "fatal alert from the peer: " + AlertDescription.getText(description));
        }
    }

    // ---------------------------------------------------------------- server

    @SuppressWarnings({"rawtypes", "unchecked"}) // bctls' extension API is raw Hashtable
    private final class Server extends DefaultTlsServer {
        private final BcTlsCrypto crypto;
        private SrtpProfile selected;
        SrtpKeyingMaterial keyingMaterial;

        Server(BcTlsCrypto crypto) {
            super(crypto);
            this.crypto = crypto;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), CIPHER_SUITES);
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            return signer(context, crypto);
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return (int) handshakeTimeout.toMillis();
        }

        @Override
        public CertificateRequest getCertificateRequest() {
            // the peer must authenticate with the certificate its offer fingerprinted (RFC 5763 §5)
            Vector<?> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
            return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                    algorithms, null);
        }

        @Override
        public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
            checkPeerCertificate(clientCertificate);
        }

        @Override
        public void processClientExtensions(Hashtable clientExtensions) throws IOException {
            super.processClientExtensions(clientExtensions);
            UseSRTPData offered = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
            if (offered != null) {
                for (SrtpProfile ours : owner.srtpProfiles()) {
                    for (int id : offered.getProtectionProfiles()) {
                        if (id == ours.dtlsId()) {
                            selected = ours;
                            return;
                        }
                    }
                }
            }
            refuse(TransportEndReason.NO_SRTP_PROFILE, offered == null ? "the ClientHello has no use_srtp"
                    : "no common SRTP profile in use_srtp " + java.util.Arrays.toString(offered.getProtectionProfiles()));
            throw new TlsFatalAlert(AlertDescription.handshake_failure);
        }

        @Override
        public Hashtable getServerExtensions() throws IOException {
            Hashtable ext = super.getServerExtensions();
            if (ext == null) {
                ext = new Hashtable<>();
            }
            // RFC 5764 §4.1.1: exactly one profile, and the client's MKI is not used (empty)
            TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(new int[] {selected.dtlsId()}, TlsUtils.EMPTY_BYTES));
            return ext;
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            keyingMaterial = export(context, selected);
        }

        @Override
        public void notifyAlertReceived(short level, short description) {
            onAlertReceived(level, description);
        }
    }

    // ---------------------------------------------------------------- client

    @SuppressWarnings({"rawtypes", "unchecked"})
    private final class Client extends DefaultTlsClient {
        private final BcTlsCrypto crypto;
        private SrtpProfile selected;
        SrtpKeyingMaterial keyingMaterial;

        Client(BcTlsCrypto crypto) {
            super(crypto);
            this.crypto = crypto;
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return TlsUtils.getSupportedCipherSuites(getCrypto(), CIPHER_SUITES);
        }

        @Override
        public int getHandshakeTimeoutMillis() {
            return (int) handshakeTimeout.toMillis();
        }

        @Override
        public Hashtable getClientExtensions() throws IOException {
            Hashtable ext = super.getClientExtensions();
            if (ext == null) {
                ext = new Hashtable<>();
            }
            TlsSRTPUtils.addUseSRTPExtension(ext, new UseSRTPData(profileIds(), TlsUtils.EMPTY_BYTES));
            return ext;
        }

        @Override
        public void processServerExtensions(Hashtable serverExtensions) throws IOException {
            super.processServerExtensions(serverExtensions);
            UseSRTPData chosen = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
            if (chosen != null && chosen.getProtectionProfiles().length == 1) {
                int id = chosen.getProtectionProfiles()[0];
                for (SrtpProfile ours : owner.srtpProfiles()) {
                    if (ours.dtlsId() == id) {
                        selected = ours;
                        return;
                    }
                }
            }
            refuse(TransportEndReason.NO_SRTP_PROFILE, "the server selected no SRTP profile we offered");
            throw new TlsFatalAlert(AlertDescription.illegal_parameter);
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                    checkPeerCertificate(serverCertificate.getCertificate());
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                    return signer(context, crypto);
                }
            };
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            if (selected == null) {
                refuse(TransportEndReason.NO_SRTP_PROFILE, "the server did not answer use_srtp");
                throw new TlsFatalAlert(AlertDescription.handshake_failure);
            }
            keyingMaterial = export(context, selected);
        }

        @Override
        public void notifyAlertReceived(short level, short description) {
            onAlertReceived(level, description);
        }
    }

    // ---------------------------------------------------------------- datagrams in and out

    /** bctls' view of the shared port: our queue in, the port to the ICE-selected address out. */
    private final class Transport implements DatagramTransport {
        @Override
        public int getReceiveLimit() {
            return RECEIVE_LIMIT;
        }

        @Override
        public int getSendLimit() {
            return SEND_LIMIT;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            byte[] d;
            try {
                d = inbound.poll(Math.max(0, waitMillis), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("DTLS receive interrupted");
            }
            if (d == null) {
                return -1; // timeout: bctls retransmits its last flight when due
            }
            if (d == CLOSE) {
                inbound.offer(CLOSE); // keep waking later receives too
                receivesAfterClose++;
                if (handshakeDone) {
                    // bctls passes an InterruptedIOException up without failing the connection, so close() can
                    // still send close_notify. Returning -1 instead made its record layer call us again at once
                    // until the loop's whole wait had passed: up to a second of spinning per closed transport.
                    throw new InterruptedIOException("transport closing");
                }
                throw new IOException("transport closed");
            }
            int n = Math.min(len, d.length);
            System.arraycopy(d, 0, buf, off, n);
            return n;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            PeerAddress to = owner.remoteAddress();
            if (to != null) {
                owner.port().send(to, buf, off, len);
            }
        }

        @Override
        public void close() {
            // the port outlives the transport: nothing to release here
        }
    }
}
