package io.mediaplane.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The HTTPS certificate of {@code serve}: a PKCS#12 file, or PEM certificate chain and private key (RFC 7468). */
final class Tls {
    private Tls() {}

    static SslContextFactory.Server context(Path cert, Path key, String password) throws IOException,
            GeneralSecurityException {
        KeyStore store;
        String name = cert.getFileName().toString().toLowerCase(Locale.ROOT);
        char[] pass = password == null ? new char[0] : password.toCharArray();
        if (name.endsWith(".p12") || name.endsWith(".pfx")) {
            store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(cert)) {
                store.load(in, pass);
            }
        } else {
            List<X509Certificate> chain = new ArrayList<>();
            PrivateKey[] privateKey = {null};
            readPem(cert, chain, privateKey);
            if (key != null) {
                readPem(key, chain, privateKey);
            }
            if (chain.isEmpty() || privateKey[0] == null) {
                throw new IllegalArgumentException("TLS: " + cert + (key == null ? "" : " and " + key)
                        + " must hold a PEM certificate and its private key (--tls-key)");
            }
            store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", privateKey[0], pass, chain.toArray(new X509Certificate[0]));
        }
        SslContextFactory.Server f = new SslContextFactory.Server();
        f.setKeyStore(store);
        f.setKeyStorePassword(new String(pass));
        return f;
    }

    private static void readPem(Path file, List<X509Certificate> chain, PrivateKey[] key) throws IOException,
            GeneralSecurityException {
        JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(file); PEMParser parser = new PEMParser(r)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                switch (o) {
                    case X509CertificateHolder h -> chain.add(new JcaX509CertificateConverter().getCertificate(h));
                    case PEMKeyPair kp -> key[0] = keys.getKeyPair(kp).getPrivate();
                    case PrivateKeyInfo info -> key[0] = keys.getPrivateKey(info);
                    default -> { }
                }
            }
        }
    }
}
