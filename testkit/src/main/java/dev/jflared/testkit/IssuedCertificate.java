package dev.jflared.testkit;

import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;

/**
 * A server certificate issued by a {@link TestCertificateAuthority}, with its private key and the issuing
 * authority's certificate, ready for Netty servers: {@link #serverSslContextBuilder()} for TCP TLS,
 * {@link #quicServerSslContextBuilder()} for QUIC, or {@link #writeTo(Path)} for tools that want files.
 *
 * <p>Immutable and thread-safe.
 */
public final class IssuedCertificate {

    /** File names {@link #writeTo(Path)} uses. */
    public static final String CA_FILE = "ca.pem";
    public static final String CERTIFICATE_FILE = "server.pem";
    public static final String KEY_FILE = "server.key";

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final X509Certificate issuer;

    IssuedCertificate(X509Certificate certificate, PrivateKey privateKey, X509Certificate issuer) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.issuer = issuer;
    }

    /** The server (leaf) certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The leaf certificate's private key. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The chain a server presents: the leaf, then the issuing authority's certificate. */
    public X509Certificate[] chain() {
        return new X509Certificate[] {certificate, issuer};
    }

    /** The chain as PEM, leaf first; what {@code server.pem} holds. */
    public String certificatePem() {
        return pem(certificate) + pem(issuer);
    }

    /** The private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}); what {@code server.key} holds. */
    public String privateKeyPem() {
        return Pem.encode("PRIVATE KEY", privateKey.getEncoded());
    }

    /** A Netty TLS server context builder presenting {@link #chain()}. */
    public SslContextBuilder serverSslContextBuilder() {
        return SslContextBuilder.forServer(privateKey, chain());
    }

    /** A Netty QUIC server context builder presenting {@link #chain()}; set the ALPN protocols before building. */
    public QuicSslContextBuilder quicServerSslContextBuilder() {
        return QuicSslContextBuilder.forServer(privateKey, null, chain());
    }

    /** A key manager factory over the key and {@link #chain()}, for servers built on the JDK's TLS. */
    public KeyManagerFactory keyManagerFactory() {
        try {
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", privateKey, password, chain());
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(
                    "cannot build a key manager for " + certificate.getSubjectX500Principal(), e);
        }
    }

    /**
     * Writes {@value #CA_FILE} (the authority), {@value #CERTIFICATE_FILE} (the chain) and {@value #KEY_FILE}
     * (PKCS#8) into {@code directory}, replacing files of those names, and returns their paths.
     */
    public CertificateFiles writeTo(Path directory) throws IOException {
        CertificateFiles files = new CertificateFiles(directory.resolve(CA_FILE),
                directory.resolve(CERTIFICATE_FILE), directory.resolve(KEY_FILE));
        Files.createDirectories(directory);
        Files.writeString(files.caCertificate(), pem(issuer), StandardCharsets.US_ASCII);
        Files.writeString(files.certificateChain(), certificatePem(), StandardCharsets.US_ASCII);
        Files.writeString(files.privateKey(), privateKeyPem(), StandardCharsets.US_ASCII);
        return files;
    }

    @Override
    public String toString() {
        return "IssuedCertificate{" + certificate.getSubjectX500Principal().getName() + "}";
    }

    private static String pem(X509Certificate certificate) {
        try {
            return Pem.encode("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where {@link #writeTo(Path)} put the files. */
    public record CertificateFiles(Path caCertificate, Path certificateChain, Path privateKey) {}
}
