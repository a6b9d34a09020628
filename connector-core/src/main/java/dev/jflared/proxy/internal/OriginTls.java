package dev.jflared.proxy.internal;

import dev.jflared.ingress.OriginRequestConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Client TLS contexts for origins, one per distinct trust setting, shared by every loop. Verification (chain and
 * hostname) is on unless {@code noTLSVerify}; {@code caPool} is trusted besides the JDK's default roots, as
 * cloudflared adds it to the system pool ({@code tlsconfig.LoadOriginCA}).
 */
public final class OriginTls {

    private final ConcurrentHashMap<Key, SslContext> contexts = new ConcurrentHashMap<>();

    /** The context for {@code config}, offering ALPN {@code h2, http/1.1} when {@code http2}. */
    public SslContext context(OriginRequestConfig config, boolean http2) throws SSLException {
        Key key = new Key(config.caPool(), config.noTlsVerify(), http2);
        SslContext existing = contexts.get(key);
        if (existing != null) {
            return existing;
        }
        SslContext created = build(key);
        SslContext raced = contexts.putIfAbsent(key, created);
        return raced == null ? created : raced;
    }

    private static SslContext build(Key key) throws SSLException {
        SslContextBuilder builder = SslContextBuilder.forClient();
        if (key.noTlsVerify()) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else {
            builder.endpointIdentificationAlgorithm("HTTPS");
            if (key.caPool().isPresent()) {
                builder.trustManager(withPool(Path.of(key.caPool().get())));
            }
        }
        if (key.http2()) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
        }
        return builder.build();
    }

    private static TrustManager withPool(Path pem) throws SSLException {
        try {
            List<X509ExtendedTrustManager> managers = new ArrayList<>();
            managers.add(trustManager(null));
            KeyStore pool = KeyStore.getInstance(KeyStore.getDefaultType());
            pool.load(null, null);
            int index = 0;
            try (InputStream in = Files.newInputStream(pem)) {
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    pool.setCertificateEntry("ca-" + index++, certificate);
                }
            }
            if (index == 0) {
                throw new SSLException("caPool " + pem + " holds no certificate");
            }
            managers.add(trustManager(pool));
            return new AnyOfTrustManager(managers);
        } catch (IOException e) {
            throw new SSLException("cannot read caPool " + pem + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new SSLException("cannot load caPool " + pem + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new SSLException("cannot read caPool " + pem, e);
        }
    }

    private static X509ExtendedTrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager from " + factory.getAlgorithm());
    }

    private record Key(Optional<String> caPool, boolean noTlsVerify, boolean http2) {}
}
