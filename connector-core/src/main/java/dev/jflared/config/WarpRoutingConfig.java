package dev.jflared.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The {@code warp-routing} block (private network routing), with cloudflared's defaults resolved
 * ({@code ingress/config.go}: connect timeout 5s, TCP keep-alive 30s).
 */
public record WarpRoutingConfig(boolean enabled, Duration connectTimeout, Duration tcpKeepAlive) {

    public static final WarpRoutingConfig DEFAULTS =
            new WarpRoutingConfig(false, Duration.ofSeconds(5), Duration.ofSeconds(30));

    public WarpRoutingConfig {
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(tcpKeepAlive, "tcpKeepAlive");
    }
}
