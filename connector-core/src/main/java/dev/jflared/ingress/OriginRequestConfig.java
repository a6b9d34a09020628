package dev.jflared.ingress;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How requests are sent to an origin: cloudflared's {@code originRequest} block with every default resolved.
 * A rule's own block is merged over the top-level one, which is merged over {@link #DEFAULTS}
 * (cloudflared {@code ingress/config.go}).
 *
 * @param connectTimeout time to establish a TCP connection to the origin (default 30s)
 * @param tlsTimeout time to complete a TLS handshake with the origin (default 10s)
 * @param tcpKeepAlive TCP keep-alive period of origin connections (default 30s)
 * @param noHappyEyeballs disables the IPv4/IPv6 fallback race when dialling
 * @param keepAliveConnections the most idle connections kept per origin (default 100)
 * @param keepAliveTimeout how long an idle origin connection is kept (default 90s)
 * @param httpHostHeader the Host header sent to the origin instead of the request's
 * @param originServerName the name expected on the origin's certificate, and sent as SNI
 * @param matchSniToHost send the request's Host as SNI and expect it on the certificate
 * @param caPool a PEM file of CAs trusted for the origin's certificate, besides the system ones
 * @param noTlsVerify accept any origin certificate
 * @param disableChunkedEncoding never send a chunked request body to the origin
 * @param bastionMode serve as a jump host: the destination comes from the request
 * @param proxyAddress listen address of the socks/bastion proxy (default 127.0.0.1)
 * @param proxyPort listen port of that proxy (0 means chosen at random)
 * @param proxyType "" or "socks"
 * @param ipRules allow/deny rules for the socks proxy, in order
 * @param http2Origin speak HTTP/2 to the origin
 * @param access Cloudflare Access JWT validation for this rule
 */
public record OriginRequestConfig(
        Duration connectTimeout,
        Duration tlsTimeout,
        Duration tcpKeepAlive,
        boolean noHappyEyeballs,
        int keepAliveConnections,
        Duration keepAliveTimeout,
        Optional<String> httpHostHeader,
        Optional<String> originServerName,
        boolean matchSniToHost,
        Optional<String> caPool,
        boolean noTlsVerify,
        boolean disableChunkedEncoding,
        boolean bastionMode,
        String proxyAddress,
        int proxyPort,
        String proxyType,
        List<IpRule> ipRules,
        boolean http2Origin,
        Optional<AccessConfig> access) {

    /** cloudflared's defaults, used where neither the rule nor the top level sets a value. */
    public static final OriginRequestConfig DEFAULTS = new OriginRequestConfig(
            Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(30), false, 100,
            Duration.ofSeconds(90), Optional.empty(), Optional.empty(), false, Optional.empty(), false, false,
            false, "127.0.0.1", 0, "", List.of(), false, Optional.empty());

    public OriginRequestConfig {
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(tlsTimeout, "tlsTimeout");
        requireNonNull(tcpKeepAlive, "tcpKeepAlive");
        requireNonNull(keepAliveTimeout, "keepAliveTimeout");
        requireNonNull(httpHostHeader, "httpHostHeader");
        requireNonNull(originServerName, "originServerName");
        requireNonNull(caPool, "caPool");
        requireNonNull(proxyAddress, "proxyAddress");
        requireNonNull(proxyType, "proxyType");
        ipRules = List.copyOf(ipRules);
        requireNonNull(access, "access");
        if (keepAliveConnections < 0) {
            throw new IllegalArgumentException("keepAliveConnections must be >= 0: " + keepAliveConnections);
        }
        if (proxyPort < 0 || proxyPort > 65535) {
            throw new IllegalArgumentException("proxyPort must be in 0..65535: " + proxyPort);
        }
    }

    /**
     * An allow or deny rule of the socks proxy ({@code ipRules} in cloudflared).
     *
     * @param prefix a CIDR prefix such as {@code 10.0.0.0/8}
     * @param ports the ports it applies to; empty means every port
     * @param allow whether a match is allowed or denied
     */
    public record IpRule(String prefix, List<Integer> ports, boolean allow) {
        public IpRule {
            requireNonNull(prefix, "prefix");
            ports = List.copyOf(ports);
        }
    }

    /**
     * Cloudflare Access validation of requests for a rule ({@code access} in cloudflared).
     *
     * @param required reject requests without a valid Access JWT
     * @param teamName the Access team whose keys sign the JWT
     * @param audTag the application audience tags accepted
     * @param environment "" or "fed"
     */
    public record AccessConfig(boolean required, String teamName, List<String> audTag, String environment) {
        public AccessConfig {
            requireNonNull(teamName, "teamName");
            audTag = List.copyOf(audTag);
            requireNonNull(environment, "environment");
        }
    }
}
