package dev.jflared.edge;

import io.netty.util.NetUtil;
import java.util.Objects;

/**
 * A {@code --edge} value: {@code HOST:PORT}, with an IPv6 literal in brackets ({@code [2606:4700::1]:7844}).
 *
 * @param host a host name or IP literal, without brackets
 * @param port 1 to 65535
 */
record HostAndPort(String host, int port) {

    HostAndPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("host '" + host + "' port " + port + ": expected a host and 1..65535");
        }
    }

    /** Parses {@code HOST:PORT}; the message of a rejection quotes the value and shows the expected forms. */
    static HostAndPort parse(String value) {
        Objects.requireNonNull(value, "value");
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw invalid(value, "missing port");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (!NetUtil.isValidIpV6Address(host)) {
                throw invalid(value, "not an IPv6 address in brackets");
            }
        } else if (host.contains(":")) {
            throw invalid(value, "an IPv6 address must be in brackets");
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw invalid(value, "port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw invalid(value, "port out of range 1..65535");
        }
        return new HostAndPort(host, port);
    }

    private static IllegalArgumentException invalid(String value, String reason) {
        return new IllegalArgumentException("--edge '" + value + "': " + reason + "; expected HOST:PORT, e.g. "
                + "region1.v2.argotunnel.com:7844, 198.41.192.7:7844 or [2606:4700:a0::1]:7844");
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
