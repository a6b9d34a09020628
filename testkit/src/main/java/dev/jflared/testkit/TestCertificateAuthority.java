package dev.jflared.testkit;

import dev.jflared.edge.EdgeTrust;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for tests: it signs server certificates that a loopback edge (or origin)
 * presents, and the connector under test trusts it through {@link #trust()} or a {@code --cacert} file.
 *
 * <pre>{@code
 * TestCertificateAuthority ca = TestCertificateAuthority.create();
 * IssuedCertificate edge = ca.issueEdgeCertificate();          // quic.cftunnel.com, h2.cftunnel.com, localhost, ...
 * QuicSslContext server = edge.quicServerSslContextBuilder().applicationProtocols("argotunnel").build();
 * EdgeTrust clientTrust = ca.trust();
 * }</pre>
 *
 * <p>Keys are ECDSA P-256, generated fresh for every authority and certificate; certificates are valid from an
 * hour ago for {@link #VALIDITY}. Instances are immutable and thread-safe.
 */
public final class TestCertificateAuthority {

    /** The names {@link #issueEdgeCertificate()} covers: what a connector dials, plus loopback. */
    public static final List<String> EDGE_NAMES =
            List.of("quic.cftunnel.com", "h2.cftunnel.com", "localhost", "127.0.0.1", "::1");

    /** How long issued certificates (and the authority's own) stay valid. */
    public static final Duration VALIDITY = Duration.ofDays(30);

    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final KeyPair keyPair;

    private TestCertificateAuthority(X509Certificate certificate, KeyPair keyPair) {
        this.certificate = certificate;
        this.keyPair = keyPair;
    }

    /** A new authority named {@code jflared test CA}. */
    public static TestCertificateAuthority create() {
        return create("jflared test CA");
    }

    /** A new authority with the common name {@code commonName}. */
    public static TestCertificateAuthority create(String commonName) {
        Objects.requireNonNull(commonName, "commonName");
        KeyPair keyPair = newKeyPair();
        X500Name name = new X500Name("CN=" + commonName);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = newBuilder(name, name, keyPair)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
            return new TestCertificateAuthority(sign(builder, keyPair), keyPair);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot create the test CA " + commonName, e);
        }
    }

    /** The authority's self-signed certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The authority's certificate as PEM; what {@code ca.pem} and a {@code --cacert} file hold. */
    public String certificatePem() {
        try {
            return Pem.encode("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trust in exactly this authority, for the connector's edge TLS. */
    public EdgeTrust trust() {
        return EdgeTrust.of(List.of(certificate), "test CA " + certificate.getSubjectX500Principal().getName());
    }

    /** A server certificate for {@link #EDGE_NAMES}. */
    public IssuedCertificate issueEdgeCertificate() {
        return issueServerCertificate(EDGE_NAMES);
    }

    /**
     * A server certificate whose subject alternative names are {@code names}: DNS names, or IPv4/IPv6 literals
     * (which become IP address entries). The first name is also the common name.
     */
    public IssuedCertificate issueServerCertificate(List<String> names) {
        Objects.requireNonNull(names, "names");
        if (names.isEmpty()) {
            throw new IllegalArgumentException("names: empty; a server certificate needs at least one name");
        }
        KeyPair leafKeys = newKeyPair();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X500Name issuer = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = newBuilder(issuer, new X500Name("CN=" + names.get(0)), leafKeys)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames(names))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(leafKeys.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(certificate));
            return new IssuedCertificate(sign(builder, keyPair), leafKeys.getPrivate(), certificate);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + names, e);
        }
    }

    @Override
    public String toString() {
        return "TestCertificateAuthority{" + certificate.getSubjectX500Principal().getName() + "}";
    }

    private static GeneralNames subjectAlternativeNames(List<String> names) {
        GeneralName[] entries = new GeneralName[names.size()];
        for (int i = 0; i < entries.length; i++) {
            String name = Objects.requireNonNull(names.get(i), "names[" + i + "]");
            boolean ip = name.contains(":") || name.chars().allMatch(c -> c == '.' || Character.isDigit(c));
            entries[i] = new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name);
        }
        return new GeneralNames(entries);
    }

    private static X509v3CertificateBuilder newBuilder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
        Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(63, RANDOM).add(BigInteger.ONE),
                Date.from(notBefore), Date.from(notBefore.plus(VALIDITY)), subject, subjectKeys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws GeneralSecurityException {
        try {
            ContentSigner contentSigner = new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signer.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an EC P-256 key pair", e);
        }
    }
}
