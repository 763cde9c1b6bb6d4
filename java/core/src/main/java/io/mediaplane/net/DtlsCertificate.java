package io.mediaplane.net;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;

/**
 * A self-signed ECDSA P-256 certificate and its key, as WebRTC endpoints use (RFC 8827 §6.5: the certificate is
 * authenticated by the SDP fingerprint, not by a CA). Generating one costs a few milliseconds, so a process
 * makes one ({@link #process()}) and every session presents it, as browsers do per {@code RTCPeerConnection}
 * certificate. Immutable.
 */
public final class DtlsCertificate {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static volatile DtlsCertificate process;

    private final byte[] der;
    private final AsymmetricKeyParameter privateKey;
    private final DtlsFingerprint fingerprint;

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey) {
        this.der = der;
        this.privateKey = privateKey;
        this.fingerprint = DtlsFingerprint.of("sha-256", der);
    }

    /** The certificate this process presents, made on first use. */
    public static DtlsCertificate process() {
        DtlsCertificate c = process;
        if (c == null) {
            synchronized (DtlsCertificate.class) {
                c = process;
                if (c == null) {
                    c = generate("mediaplane");
                    process = c;
                }
            }
        }
        return c;
    }

    /** A new key pair on P-256 (secp256r1) and a self-signed SHA256withECDSA certificate for it, valid 30 days. */
    public static DtlsCertificate generate(String commonName) {
        ECNamedDomainParameters curve = new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1,
                ECNamedCurveTable.getByOID(SECObjectIdentifiers.secp256r1));
        ECKeyPairGenerator gen = new ECKeyPairGenerator();
        gen.init(new ECKeyGenerationParameters(curve, RANDOM));
        AsymmetricCipherKeyPair kp = gen.generateKeyPair();
        X500Name name = new X500Name("CN=" + commonName);
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(name, new BigInteger(63, RANDOM).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name,
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(kp.getPublic()));
            AlgorithmIdentifier sig = new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            AlgorithmIdentifier dig = new DefaultDigestAlgorithmIdentifierFinder().find(sig);
            X509CertificateHolder h = b.build(new BcECContentSignerBuilder(sig, dig).build(kp.getPrivate()));
            return new DtlsCertificate(h.getEncoded(), kp.getPrivate());
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build a self-signed certificate", e);
        }
    }

    /** The DER encoding of the certificate. */
    public byte[] der() {
        return der.clone();
    }

    byte[] derShared() {
        return der;
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    /** {@code sha-256} fingerprint of {@link #der()}: the answer's {@code a=fingerprint}. */
    public DtlsFingerprint fingerprint() {
        return fingerprint;
    }

    /** Certificate and PKCS#8 key in PEM, as OpenSSL-based peers (GStreamer's {@code pem} property) take them. */
    public String toPem() {
        try {
            byte[] key = PrivateKeyInfoFactory.createPrivateKeyInfo(privateKey).getEncoded();
            return pem("CERTIFICATE", der) + pem("PRIVATE KEY", key);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the private key", e);
        }
    }

    private static String pem(String type, byte[] body) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(body)
                + "\n-----END " + type + "-----\n";
    }

    @Override
    public String toString() {
        return "DtlsCertificate[ECDSA P-256, " + fingerprint.toSdp() + "]";
    }
}
