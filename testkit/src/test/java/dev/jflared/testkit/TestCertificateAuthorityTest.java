package dev.jflared.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jflared.edge.EdgeTrust;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class TestCertificateAuthorityTest {

    private final TestCertificateAuthority ca = TestCertificateAuthority.create();

    @TempDir
    Path dir;

    @Test
    void issuedChainVerifiesAgainstTheAuthorityWithPkix() throws Exception {
        IssuedCertificate edge = ca.issueEdgeCertificate();

        validate(edge.chain(), ca.certificate());
    }

    @Test
    void issuedChainIsRejectedByAnotherAuthority() {
        IssuedCertificate edge = ca.issueEdgeCertificate();
        TestCertificateAuthority other = TestCertificateAuthority.create("other CA");

        assertThatThrownBy(() -> validate(edge.chain(), other.certificate()))
                .isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void edgeCertificateNamesTheEdgeHostsAndLoopback() throws Exception {
        X509Certificate leaf = ca.issueEdgeCertificate().certificate();

        List<Object> names = leaf.getSubjectAlternativeNames().stream()
                .map(name -> name.get(1)).collect(Collectors.toList());
        assertThat(names).contains("quic.cftunnel.com", "h2.cftunnel.com", "localhost", "127.0.0.1");
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(ca.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void trustAcceptsTheIssuedChainForServers() throws Exception {
        IssuedCertificate edge = ca.issueEdgeCertificate();
        EdgeTrust trust = ca.trust();

        X509TrustManager manager = (X509TrustManager) trust.trustManagerFactory().getTrustManagers()[0];

        manager.checkServerTrusted(edge.chain(), "ECDHE_ECDSA");
    }

    @Test
    void writtenFilesAreThePemCaChainAndPkcs8Key() throws Exception {
        IssuedCertificate edge = ca.issueServerCertificate(List.of("localhost", "127.0.0.1"));

        IssuedCertificate.CertificateFiles files = edge.writeTo(dir);

        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<Certificate> caFile = List.copyOf(
                factory.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(files.caCertificate()))));
        List<Certificate> chainFile = List.copyOf(
                factory.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(files.certificateChain()))));
        assertThat(caFile).containsExactly(ca.certificate());
        assertThat(chainFile).containsExactly(edge.certificate(), ca.certificate());
        String key = Files.readString(files.privateKey(), StandardCharsets.US_ASCII);
        assertThat(key).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        String base64 = key.replaceAll("-----[A-Z ]+-----", "");
        PrivateKey parsed = KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(base64)));
        assertThat(parsed).isEqualTo(edge.privateKey());
        assertThat(EdgeTrust.fromCaCertFile(files.caCertificate()).certificates()).containsExactly(ca.certificate());
    }

    @Test
    void nettyContextsBuildFromTheIssuedCertificate() throws Exception {
        IssuedCertificate edge = ca.issueEdgeCertificate();

        assertThat(edge.serverSslContextBuilder().build().isServer()).isTrue();
        assertThat(edge.quicServerSslContextBuilder().applicationProtocols("argotunnel").build().isServer()).isTrue();
        assertThat(edge.keyManagerFactory().getKeyManagers()).isNotEmpty();
    }

    @Test
    void serverCertificateNeedsAName() {
        assertThatThrownBy(() -> ca.issueServerCertificate(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("names: empty");
    }

    private static void validate(X509Certificate[] chain, X509Certificate anchor) throws Exception {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
        parameters.setRevocationEnabled(false);
        // The path excludes the trust anchor itself, as PKIX expects.
        CertPathValidator.getInstance("PKIX").validate(factory.generateCertPath(List.of(chain[0])), parameters);
    }
}
