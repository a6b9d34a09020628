package dev.jflared.config;

import static java.util.Objects.requireNonNull;

import dev.jflared.ingress.OriginRequestConfig;
import dev.jflared.ingress.OriginRequestConfig.AccessConfig;
import dev.jflared.ingress.OriginRequestConfig.IpRule;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An {@code originRequest} block as written: only the fields the user set. A rule's block is applied over the
 * top-level one, which is applied over {@link OriginRequestConfig#DEFAULTS} (cloudflared
 * {@code ingress/config.go}, {@code setConfig}).
 */
public record OriginRequestOverrides(
        Optional<Duration> connectTimeout,
        Optional<Duration> tlsTimeout,
        Optional<Duration> tcpKeepAlive,
        Optional<Boolean> noHappyEyeballs,
        Optional<Integer> keepAliveConnections,
        Optional<Duration> keepAliveTimeout,
        Optional<String> httpHostHeader,
        Optional<String> originServerName,
        Optional<Boolean> matchSniToHost,
        Optional<String> caPool,
        Optional<Boolean> noTlsVerify,
        Optional<Boolean> disableChunkedEncoding,
        Optional<Boolean> bastionMode,
        Optional<String> proxyAddress,
        Optional<Integer> proxyPort,
        Optional<String> proxyType,
        List<IpRule> ipRules,
        Optional<Boolean> http2Origin,
        Optional<AccessConfig> access) {

    /** A block that sets nothing. */
    public static final OriginRequestOverrides NONE = new OriginRequestOverrides(
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), List.of(), Optional.empty(), Optional.empty());

    public OriginRequestOverrides {
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(tlsTimeout, "tlsTimeout");
        requireNonNull(tcpKeepAlive, "tcpKeepAlive");
        requireNonNull(noHappyEyeballs, "noHappyEyeballs");
        requireNonNull(keepAliveConnections, "keepAliveConnections");
        requireNonNull(keepAliveTimeout, "keepAliveTimeout");
        requireNonNull(httpHostHeader, "httpHostHeader");
        requireNonNull(originServerName, "originServerName");
        requireNonNull(matchSniToHost, "matchSniToHost");
        requireNonNull(caPool, "caPool");
        requireNonNull(noTlsVerify, "noTlsVerify");
        requireNonNull(disableChunkedEncoding, "disableChunkedEncoding");
        requireNonNull(bastionMode, "bastionMode");
        requireNonNull(proxyAddress, "proxyAddress");
        requireNonNull(proxyPort, "proxyPort");
        requireNonNull(proxyType, "proxyType");
        ipRules = List.copyOf(ipRules);
        requireNonNull(http2Origin, "http2Origin");
        requireNonNull(access, "access");
    }

    /**
     * Returns {@code base} with every field this block sets replaced. As in cloudflared, an empty
     * {@code ipRules} list leaves the base's rules in place.
     */
    public OriginRequestConfig applyTo(OriginRequestConfig base) {
        return new OriginRequestConfig(
                connectTimeout.orElse(base.connectTimeout()),
                tlsTimeout.orElse(base.tlsTimeout()),
                tcpKeepAlive.orElse(base.tcpKeepAlive()),
                noHappyEyeballs.orElse(base.noHappyEyeballs()),
                keepAliveConnections.orElse(base.keepAliveConnections()),
                keepAliveTimeout.orElse(base.keepAliveTimeout()),
                httpHostHeader.isPresent() ? nonEmpty(httpHostHeader) : base.httpHostHeader(),
                originServerName.isPresent() ? nonEmpty(originServerName) : base.originServerName(),
                matchSniToHost.orElse(base.matchSniToHost()),
                caPool.isPresent() ? nonEmpty(caPool) : base.caPool(),
                noTlsVerify.orElse(base.noTlsVerify()),
                disableChunkedEncoding.orElse(base.disableChunkedEncoding()),
                bastionMode.orElse(base.bastionMode()),
                proxyAddress.orElse(base.proxyAddress()),
                proxyPort.orElse(base.proxyPort()),
                proxyType.orElse(base.proxyType()),
                ipRules.isEmpty() ? base.ipRules() : ipRules,
                http2Origin.orElse(base.http2Origin()),
                access.isPresent() ? access : base.access());
    }

    // An explicit empty string in the file means "not set", as Go's zero value does.
    private static Optional<String> nonEmpty(Optional<String> value) {
        return value.filter(v -> !v.isEmpty());
    }
}
