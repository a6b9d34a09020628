package dev.jflared.ingress;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/**
 * Where an ingress rule sends its requests: the parsed {@code service} value of a rule
 * (cloudflared {@code ingress/origin_service.go}). These are descriptions only; the proxy turns each kind
 * into a live origin.
 */
public sealed interface OriginService {

    /** The service exactly as written in the configuration, for messages and {@code ingress rule}. */
    String raw();

    /** {@code http://} or {@code https://} (and {@code ws://}/{@code wss://}): an HTTP origin at a base URL. */
    record Http(String raw, URI url) implements OriginService {
        public Http {
            requireNonNull(raw, "raw");
            requireNonNull(url, "url");
        }
    }

    /** {@code unix:PATH} or {@code unix+tls:PATH}: an HTTP origin on a unix domain socket. */
    record Unix(String raw, String path, boolean tls) implements OriginService {
        public Unix {
            requireNonNull(raw, "raw");
            requireNonNull(path, "path");
        }
    }

    /**
     * {@code tcp://}, {@code ssh://}, {@code rdp://}, {@code smb://} or any other scheme with a host: a raw
     * byte stream to {@code host:port}, reached by the edge as a TCP stream or as a websocket from an Access
     * client.
     */
    record Stream(String raw, String scheme, String host, int port) implements OriginService {
        public Stream {
            requireNonNull(raw, "raw");
            requireNonNull(scheme, "scheme");
            requireNonNull(host, "host");
        }
    }

    /** {@code http_status:NNN}: every request is answered with that status and no origin is contacted. */
    record HttpStatus(String raw, int status) implements OriginService {
        public HttpStatus {
            requireNonNull(raw, "raw");
        }
    }

    /** {@code hello_world}: cloudflared's built-in test server. */
    record HelloWorld(String raw) implements OriginService {
        public HelloWorld {
            requireNonNull(raw, "raw");
        }
    }

    /** {@code bastion}: a jump host whose destination each request names. */
    record Bastion(String raw) implements OriginService {
        public Bastion {
            requireNonNull(raw, "raw");
        }
    }

    /** {@code socks-proxy}: a SOCKS5 proxy served over the stream, filtered by {@code ipRules}. */
    record SocksProxy(String raw) implements OriginService {
        public SocksProxy {
            requireNonNull(raw, "raw");
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
    }
}
