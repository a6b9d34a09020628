package dev.jflared.ingress;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/**
 * Where an ingress rule sends its requests: the parsed {@code service} value of a rule
 * (cloudflared {@code ingress/origin_service.go}). These are descriptions only; the proxy turns each kind
 * into a live origin.
 */
public sealed interface OriginService {

    /** The service exactly as written in the configuration. */
    String raw();

    /**
     * The service as cloudflared prints it in {@code ingress rule} and its logs: the URL for HTTP origins,
     * {@code tcp://host:port} with the default port filled in, {@code unix:PATH}, {@code unix+tls:PATH},
     * {@code http_status:404}, {@code hello_world}, {@code bastion}, {@code socks-proxy}.
     */
    String describe();

    /** {@code http://} or {@code https://} (and {@code ws://}/{@code wss://}): an HTTP origin at a base URL. */
    record Http(String raw, URI url) implements OriginService {
        public Http {
            requireNonNull(raw, "raw");
            requireNonNull(url, "url");
        }

        @Override
        public String describe() {
            return url.toString();
        }
    }

    /** {@code unix:PATH} or {@code unix+tls:PATH}: an HTTP origin on a unix domain socket. */
    record Unix(String raw, String path, boolean tls) implements OriginService {
        public Unix {
            requireNonNull(raw, "raw");
            requireNonNull(path, "path");
        }

        @Override
        public String describe() {
            return (tls ? "unix+tls:" : "unix:") + path;
        }
    }

    /**
     * {@code tcp://}, {@code ssh://}, {@code rdp://}, {@code smb://} or any other scheme with a host: a raw
     * byte stream to {@code host:port}, reached by the edge as a TCP stream or as a websocket from an Access
     * client. A missing port is filled in for ssh (22), rdp (3389), smb (445) and tcp (7864, cloudflared's
     * arbitrary choice); for any other scheme without a port, {@code port} is 0, and cloudflared would dial
     * the bare host, which fails.
     *
     * @param host the host name or address, IPv6 without brackets
     */
    record Stream(String raw, String scheme, String host, int port) implements OriginService {
        public Stream {
            requireNonNull(raw, "raw");
            requireNonNull(scheme, "scheme");
            requireNonNull(host, "host");
        }

        @Override
        public String describe() {
            String hostPart = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            return scheme + "://" + hostPart + (port == 0 ? "" : ":" + port);
        }
    }

    /** {@code http_status:NNN}: every request is answered with that status and no origin is contacted. */
    record HttpStatus(String raw, int status) implements OriginService {
        public HttpStatus {
            requireNonNull(raw, "raw");
        }

        @Override
        public String describe() {
            return "http_status:" + status;
        }
    }

    /** {@code hello_world}: cloudflared's built-in test server. */
    record HelloWorld(String raw) implements OriginService {
        public HelloWorld {
            requireNonNull(raw, "raw");
        }

        @Override
        public String describe() {
            return "hello_world";
        }
    }

    /** {@code bastion}: a jump host whose destination each request names. */
    record Bastion(String raw) implements OriginService {
        public Bastion {
            requireNonNull(raw, "raw");
        }

        @Override
        public String describe() {
            return "bastion";
        }
    }

    /** {@code socks-proxy}: a SOCKS5 proxy served over the stream, filtered by {@code ipRules}. */
    record SocksProxy(String raw) implements OriginService {
        public SocksProxy {
            requireNonNull(raw, "raw");
        }

        @Override
        public String describe() {
            return "socks-proxy";
        }
    }

    /**
     * An origin served inside this JVM by the embedding API: {@code name} identifies the handler the
     * proxy was given for it. It never comes from a config file.
     */
    record InProcess(String raw, String name) implements OriginService {
        public InProcess {
            requireNonNull(raw, "raw");
            requireNonNull(name, "name");
        }

        @Override
        public String describe() {
            return raw;
        }
    }
}
