package dev.jflared.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.jflared.ingress.OriginRequestConfig;

/**
 * Where origin connections go and how they are set up: the pool key. Two requests with equal endpoints may share
 * a connection. Exactly one of {@code host} (with {@code port}) and {@code unixPath} is used.
 *
 * @param host the host to dial, empty for a unix socket
 * @param port the TCP port
 * @param unixPath the unix socket path, empty for TCP
 * @param tls whether to speak TLS
 * @param serverName the SNI and the name verified on the certificate (TLS only)
 * @param http2 whether to speak HTTP/2 (ALPN h2 over TLS, prior knowledge in clear)
 * @param config the rule's origin settings (timeouts, trust, keep-alive)
 */
public record OriginEndpoint(
        String host, int port, String unixPath, boolean tls, String serverName, boolean http2,
        OriginRequestConfig config) {

    public OriginEndpoint {
        requireNonNull(host, "host");
        requireNonNull(unixPath, "unixPath");
        requireNonNull(serverName, "serverName");
        requireNonNull(config, "config");
    }

    public boolean isUnix() {
        return !unixPath.isEmpty();
    }

    /** Host and port (or the socket path) for messages. */
    public String describe() {
        return isUnix() ? "unix:" + unixPath : host + ":" + port;
    }

    /** The same endpoint speaking HTTP/1.1 (websockets always do). */
    public OriginEndpoint withHttp1() {
        return http2 ? new OriginEndpoint(host, port, unixPath, tls, serverName, false, config) : this;
    }
}
