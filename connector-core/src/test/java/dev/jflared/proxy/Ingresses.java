package dev.jflared.proxy;

import dev.jflared.ingress.Ingress;
import dev.jflared.ingress.IngressRule;
import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.ingress.OriginService;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** Small ingress snapshots for tests, built from the records directly. */
final class Ingresses {

    private Ingresses() {}

    static Ingress single(OriginService service) {
        return single(service, OriginRequestConfig.DEFAULTS);
    }

    static Ingress single(OriginService service, OriginRequestConfig config) {
        return new Ingress(List.of(new IngressRule(0, "", Optional.empty(), service, config)));
    }

    static OriginService.Http http(String url) {
        return new OriginService.Http(url, URI.create(url));
    }

    /** DEFAULTS with {@code disableChunkedEncoding} on. */
    static OriginRequestConfig noChunkedEncoding() {
        OriginRequestConfig d = OriginRequestConfig.DEFAULTS;
        return new OriginRequestConfig(d.connectTimeout(), d.tlsTimeout(), d.tcpKeepAlive(), d.noHappyEyeballs(),
                d.keepAliveConnections(), d.keepAliveTimeout(), d.httpHostHeader(), d.originServerName(),
                d.matchSniToHost(), d.caPool(), d.noTlsVerify(), true, d.bastionMode(), d.proxyAddress(),
                d.proxyPort(), d.proxyType(), d.ipRules(), d.http2Origin(), d.access());
    }

    /** DEFAULTS with this {@code proxyType} and these {@code ipRules}. */
    static OriginRequestConfig proxy(String proxyType, List<OriginRequestConfig.IpRule> ipRules) {
        OriginRequestConfig d = OriginRequestConfig.DEFAULTS;
        return new OriginRequestConfig(d.connectTimeout(), d.tlsTimeout(), d.tcpKeepAlive(), d.noHappyEyeballs(),
                d.keepAliveConnections(), d.keepAliveTimeout(), d.httpHostHeader(), d.originServerName(),
                d.matchSniToHost(), d.caPool(), d.noTlsVerify(), d.disableChunkedEncoding(), d.bastionMode(),
                d.proxyAddress(), d.proxyPort(), proxyType, ipRules, d.http2Origin(), d.access());
    }

    /** DEFAULTS with a few settings changed. */
    static OriginRequestConfig config(Optional<String> hostHeader, Optional<String> serverName,
                                      Optional<String> caPool, boolean noTlsVerify, boolean http2) {
        OriginRequestConfig d = OriginRequestConfig.DEFAULTS;
        return new OriginRequestConfig(d.connectTimeout(), d.tlsTimeout(), d.tcpKeepAlive(), d.noHappyEyeballs(),
                d.keepAliveConnections(), d.keepAliveTimeout(), hostHeader, serverName, d.matchSniToHost(), caPool,
                noTlsVerify, d.disableChunkedEncoding(), d.bastionMode(), d.proxyAddress(), d.proxyPort(),
                d.proxyType(), d.ipRules(), http2, d.access());
    }
}
