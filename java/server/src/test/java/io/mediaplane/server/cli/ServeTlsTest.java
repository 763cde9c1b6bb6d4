package io.mediaplane.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediaplane.net.DtlsCertificate;
import io.mediaplane.server.http.MediaServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve --tls-cert} with a PEM certificate and key: the pages and the API come over HTTPS. */
class ServeTlsTest {
    @TempDir
    Path dir;

    @Test
    void servesHttpsWithAPemCertificate() throws Exception {
        DtlsCertificate cert = DtlsCertificate.generate("localhost");
        Path pem = dir.resolve("server.pem");
        Files.writeString(pem, cert.toPem()); // certificate and PKCS#8 key in one file
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--http-port", "0", "--media-port", "0", "--tls-cert", pem.toString());
        try (MediaServer server = ServeCommand.start(serve.settings(Map.of()))) {
            assertThat(server.baseUri().getScheme()).isEqualTo("https");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(cert.der())));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
            String base = "https://localhost:" + server.httpPort();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\n");
            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(base + "/publish")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.body()).contains("getDisplayMedia");
        }
    }
}
