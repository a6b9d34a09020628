package dev.jflared.edge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities that the edge's TLS certificate is verified against, for QUIC and HTTP/2 alike.
 *
 * <p>Without {@code --cacert}, cloudflared trusts the system's roots plus the Cloudflare roots it bundles
 * ({@code tlsconfig/certreloader.go}, {@code CreateTunnelConfig}; the bundle is {@code tlsconfig/cloudflare_ca.go}),
 * because the edge presents a certificate issued under a Cloudflare Origin CA: {@link #standard()} is that set,
 * with the JVM's default trust store in the system's place. With {@code --cacert FILE} only that file is trusted:
 * {@link #fromCaCertFile(Path)}.
 *
 * <pre>{@code
 * EdgeTrust trust = caCert == null ? EdgeTrust.standard() : EdgeTrust.fromCaCertFile(caCert);
 * QuicSslContextBuilder.forClient().trustManager(trust.trustManagerFactory());
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class EdgeTrust {

    /** The bundled Cloudflare roots, beside this class; {@code SOURCES.txt} there says where they come from. */
    static final String CLOUDFLARE_ROOTS_RESOURCE = "cloudflare-edge-roots.pem";

    // Immutable; never empty.
    private final List<X509Certificate> certificates;
    // Says where the certificates came from, for logs and error messages.
    private final String description;

    private EdgeTrust(List<X509Certificate> certificates, String description) {
        this.certificates = List.copyOf(certificates);
        this.description = description;
    }

    /** What cloudflared trusts without {@code --cacert}: the JVM's default roots plus the Cloudflare roots. */
    public static EdgeTrust standard() {
        List<X509Certificate> all = new ArrayList<>(jvmDefaultRoots());
        all.addAll(BundledRoots.CERTIFICATES);
        return new EdgeTrust(all, "the JVM's default roots and Cloudflare's edge roots");
    }

    /** Only the Cloudflare roots that cloudflared bundles ({@code tlsconfig/cloudflare_ca.go}). */
    public static EdgeTrust cloudflareRoots() {
        return new EdgeTrust(BundledRoots.CERTIFICATES, "Cloudflare's edge roots");
    }

    /**
     * Trusts exactly the PEM certificates in {@code file}, as {@code --cacert FILE} does.
     *
     * @throws EdgeTrustException when the file cannot be read or holds no valid PEM certificate; the message
     *     names the file
     */
    public static EdgeTrust fromCaCertFile(Path file) throws EdgeTrustException {
        Objects.requireNonNull(file, "file");
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new EdgeTrustException("--cacert " + file + ": cannot read the file (" + e + "); give a readable "
                    + "PEM file with the CA certificate(s) that issued the edge's certificate", e);
        }
        List<X509Certificate> certificates;
        try {
            certificates = PemCertificates.parse(pem);
        } catch (CertificateException e) {
            throw new EdgeTrustException("--cacert " + file + ": " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new EdgeTrustException("--cacert " + file + ": no PEM certificate found; the file must hold one"
                    + " or more '-----BEGIN CERTIFICATE-----' blocks");
        }
        return new EdgeTrust(certificates, "--cacert " + file);
    }

    /** Trusts exactly {@code certificates}; {@code description} says where they came from. */
    public static EdgeTrust of(Collection<X509Certificate> certificates, String description) {
        Objects.requireNonNull(certificates, "certificates");
        Objects.requireNonNull(description, "description");
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("certificates: empty; at least one CA certificate is needed");
        }
        return new EdgeTrust(List.copyOf(certificates), description);
    }

    /** The trusted CA certificates; immutable and never empty. */
    public List<X509Certificate> certificates() {
        return certificates;
    }

    /** Where the certificates came from, e.g. {@code --cacert /etc/edge-ca.pem}. */
    public String description() {
        return description;
    }

    /** A new, initialised PKIX trust manager factory over {@link #certificates()}. */
    public TrustManagerFactory trustManagerFactory() {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a trust manager from " + description, e);
        }
    }

    @Override
    public String toString() {
        return "EdgeTrust{" + description + ", " + certificates.size() + " certificate(s)}";
    }

    private static List<X509Certificate> jvmDefaultRoots() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager) {
                    return Arrays.asList(((X509TrustManager) manager).getAcceptedIssuers());
                }
            }
            return List.of();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the JVM's default trust store", e);
        }
    }

    /** Loads the bundled roots once, on first use. */
    private static final class BundledRoots {

        static final List<X509Certificate> CERTIFICATES = load();

        private static List<X509Certificate> load() {
            try (InputStream in = EdgeTrust.class.getResourceAsStream(CLOUDFLARE_ROOTS_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource missing: " + CLOUDFLARE_ROOTS_RESOURCE);
                }
                return List.copyOf(PemCertificates.parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (CertificateException e) {
                throw new IllegalStateException("bundled " + CLOUDFLARE_ROOTS_RESOURCE + " is broken", e);
            }
        }
    }
}
