package dev.jflared.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class EdgeTrustTest {

    // SHA-256 of the three roots in cloudflared's tlsconfig/cloudflare_ca.go.
    private static final List<String> CLOUDFLARE_ROOT_FINGERPRINTS = List.of(
            "aa63697a22764b67b2134ce14cb5690ea336940b93986113f49545917832d80d",
            "d3c7e85c91707fc0a12abc5d88266747aa4fa8e7b162f633ffb3c9d989947620",
            "9a1ac2b4be15f9f27eee20a734cba4e9898f61001b3bd7c84b69b56a3e25a2b9");

    @TempDir
    Path dir;

    @Test
    void cloudflareRootsAreTheThreeBundledCertificatesAndEachVerifiesItself() throws Exception {
        List<X509Certificate> roots = EdgeTrust.cloudflareRoots().certificates();

        assertThat(roots).extracting(EdgeTrustTest::sha256).containsExactlyElementsOf(CLOUDFLARE_ROOT_FINGERPRINTS);
        for (X509Certificate root : roots) {
            root.verify(root.getPublicKey());
        }
    }

    @Test
    void standardTrustAddsCloudflareRootsToTheJvmDefaults() {
        EdgeTrust trust = EdgeTrust.standard();

        List<String> fingerprints =
                trust.certificates().stream().map(EdgeTrustTest::sha256).collect(Collectors.toList());
        assertThat(fingerprints).containsAll(CLOUDFLARE_ROOT_FINGERPRINTS);
        assertThat(trust.certificates().size()).isGreaterThan(CLOUDFLARE_ROOT_FINGERPRINTS.size());
    }

    @Test
    void trustManagerFactoryAcceptsExactlyTheTrustedIssuers() {
        EdgeTrust trust = EdgeTrust.cloudflareRoots();

        X509TrustManager manager = (X509TrustManager) trust.trustManagerFactory().getTrustManagers()[0];

        assertThat(manager.getAcceptedIssuers()).hasSize(3);
    }

    @Test
    void caCertFileIsTrustedInsteadOfTheDefaults() throws Exception {
        Path file = dir.resolve("ca.pem");
        Files.copy(EdgeTrust.class.getResourceAsStream(HelloWorldCertificate.CERTIFICATE_RESOURCE), file);

        EdgeTrust trust = EdgeTrust.fromCaCertFile(file);

        assertThat(trust.certificates()).containsExactly(HelloWorldCertificate.certificate());
        assertThat(trust.description()).isEqualTo("--cacert " + file);
    }

    @Test
    void missingCaCertFileNamesTheFileAndTheFlag() {
        Path file = dir.resolve("absent.pem");

        assertThatThrownBy(() -> EdgeTrust.fromCaCertFile(file))
                .isInstanceOf(EdgeTrustException.class)
                .hasMessageStartingWith("--cacert " + file + ": cannot read the file");
    }

    @Test
    void caCertFileWithoutPemBlocksIsRejectedWithAClearMessage() throws Exception {
        Path file = dir.resolve("not-pem.txt");
        Files.writeString(file, "this is not a certificate\n", StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> EdgeTrust.fromCaCertFile(file))
                .isInstanceOf(EdgeTrustException.class)
                .hasMessage("--cacert " + file + ": no PEM certificate found; the file must hold one or more"
                        + " '-----BEGIN CERTIFICATE-----' blocks");
    }

    @Test
    void caCertFileWithACorruptBlockSaysWhichBlock() throws Exception {
        Path file = dir.resolve("corrupt.pem");
        Files.writeString(file, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> EdgeTrust.fromCaCertFile(file))
                .isInstanceOf(EdgeTrustException.class)
                .hasMessageStartingWith("--cacert " + file + ": certificate block 1 is not an X.509 certificate");
    }

    @Test
    void helloWorldKeyMatchesItsCertificate() throws Exception {
        X509Certificate certificate = HelloWorldCertificate.certificate();
        byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);

        Signature signer = Signature.getInstance("SHA384withECDSA");
        signer.initSign(HelloWorldCertificate.privateKey());
        signer.update(data);
        byte[] signature = signer.sign();

        Signature verifier = Signature.getInstance("SHA384withECDSA");
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(data);
        assertThat(verifier.verify(signature)).isTrue();
        List<Object> names = certificate.getSubjectAlternativeNames().stream()
                .map(name -> name.get(1)).collect(Collectors.toList());
        assertThat(names).contains("localhost", "127.0.0.1");
    }

    private static String sha256(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
