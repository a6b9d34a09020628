package dev.jflared.testkit;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Formats socket addresses as {@code host:port} ({@code [v6]:port}), as the stand-in edge's events do. */
final class HostPort {

    private HostPort() {}

    static String format(InetSocketAddress address) {
        if (address == null) {
            return "";
        }
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
