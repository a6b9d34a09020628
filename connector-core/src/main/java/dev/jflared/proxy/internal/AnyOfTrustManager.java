package dev.jflared.proxy.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server chain that any of its delegates trusts: the JDK's default roots plus an origin's {@code caPool}.
 * Each delegate is an extended trust manager, so hostname verification still happens in the delegate that
 * accepts the chain.
 */
final class AnyOfTrustManager extends X509ExtendedTrustManager {

    private final List<X509ExtendedTrustManager> delegates;

    AnyOfTrustManager(List<X509ExtendedTrustManager> delegates) {
        this.delegates = List.copyOf(delegates);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        CertificateException first = null;
        for (X509ExtendedTrustManager delegate : delegates) {
            try {
                delegate.checkServerTrusted(chain, authType, engine);
                return;
            } catch (CertificateException e) {
                first = first == null ? e : first;
            }
        }
        throw first;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        CertificateException first = null;
        for (X509ExtendedTrustManager delegate : delegates) {
            try {
                delegate.checkServerTrusted(chain, authType, socket);
                return;
            } catch (CertificateException e) {
                first = first == null ? e : first;
            }
        }
        throw first;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        CertificateException first = null;
        for (X509ExtendedTrustManager delegate : delegates) {
            try {
                delegate.checkServerTrusted(chain, authType);
                return;
            } catch (CertificateException e) {
                first = first == null ? e : first;
            }
        }
        throw first;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("origin connections do not accept clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("origin connections do not accept clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("origin connections do not accept clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        List<X509Certificate> issuers = new ArrayList<>();
        for (X509ExtendedTrustManager delegate : delegates) {
            issuers.addAll(List.of(delegate.getAcceptedIssuers()));
        }
        return issuers.toArray(new X509Certificate[0]);
    }
}
