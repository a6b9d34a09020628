package dev.jflared.supervisor;

import dev.jflared.transport.Protocol;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code --protocol} setting (cloudflared {@code connection/protocol.go}, {@code NewProtocolSelector}): a fixed
 * protocol, or {@code auto}, which starts with QUIC and may fall back to HTTP/2.
 */
public enum ProtocolChoice {
    /** QUIC only. */
    QUIC,
    /** HTTP/2 only. */
    HTTP2,
    /** QUIC first, HTTP/2 when QUIC cannot connect; the default. */
    AUTO;

    /** cloudflared's text listing the values, quoted in the error for an unknown one. */
    public static final String AVAILABLE_PROTOCOLS = "Available protocols: 'auto' - starts with QUIC and falls back "
            + "to HTTP/2 (the default and recommended option); 'quic' - based on QUIC, relying on UDP egress to "
            + "Cloudflare edge; 'http2' - using HTTP/2 over TCP, relying on TCP egress to Cloudflare edge";

    /**
     * Parses {@code auto}, {@code quic} or {@code http2} as cloudflared does; the retired {@code h2mux} means
     * {@code http2}.
     *
     * @throws IllegalArgumentException with cloudflared's message for any other value
     */
    public static ProtocolChoice fromFlag(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "auto":
                return AUTO;
            case "quic":
                return QUIC;
            case "http2":
            case "h2mux":
                return HTTP2;
            default:
                throw new IllegalArgumentException("unknown protocol " + value + ", " + AVAILABLE_PROTOCOLS);
        }
    }

    /** The protocol connections start with. */
    public Protocol initial() {
        return this == HTTP2 ? Protocol.HTTP2 : Protocol.QUIC;
    }

    /** The protocol a connection may switch to, if any: HTTP/2 under {@code auto}. */
    public Optional<Protocol> fallback() {
        return this == AUTO ? Optional.of(Protocol.HTTP2) : Optional.empty();
    }

    /** The flag value. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
