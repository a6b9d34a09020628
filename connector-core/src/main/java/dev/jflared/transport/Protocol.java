package dev.jflared.transport;

import java.util.Locale;

/** How a connection reaches the edge (cloudflared {@code connection/protocol.go}). */
public enum Protocol {
    /** QUIC over UDP: ALPN {@code argotunnel}, SNI {@code quic.cftunnel.com}. */
    QUIC("quic"),
    /** HTTP/2 over TCP+TLS, with the connector as the HTTP/2 server: SNI {@code h2.cftunnel.com}. */
    HTTP2("http2");

    private final String flagValue;

    Protocol(String flagValue) {
        this.flagValue = flagValue;
    }

    /** The name in {@code --protocol}, log lines ({@code protocol=quic}) and metrics. */
    public String flagValue() {
        return flagValue;
    }

    /** Parses {@code quic} or {@code http2}, ignoring case. */
    public static Protocol fromFlag(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        for (Protocol protocol : values()) {
            if (protocol.flagValue.equals(lower)) {
                return protocol;
            }
        }
        throw new IllegalArgumentException("unknown protocol \"" + value + "\": use quic or http2");
    }

    @Override
    public String toString() {
        return flagValue;
    }
}
