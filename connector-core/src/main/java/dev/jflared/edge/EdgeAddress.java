package dev.jflared.edge;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One resolved edge address: an IP and port that a connection dials, over UDP for QUIC and TCP for HTTP/2
 * (cloudflared's {@code EdgeAddr}).
 *
 * @param socketAddress the resolved IP and port
 */
public record EdgeAddress(InetSocketAddress socketAddress) {

    /** Checks that the address is resolved. */
    public EdgeAddress {
        Objects.requireNonNull(socketAddress, "socketAddress");
        if (socketAddress.isUnresolved()) {
            throw new IllegalArgumentException("socketAddress: " + socketAddress + " is unresolved");
        }
    }

    /** The address {@code ip:port}. */
    public static EdgeAddress of(InetAddress ip, int port) {
        return new EdgeAddress(new InetSocketAddress(ip, port));
    }

    /** The IP. */
    public InetAddress ip() {
        return socketAddress.getAddress();
    }

    /** Whether the IP is IPv6. */
    public boolean isIpv6() {
        return socketAddress.getAddress() instanceof Inet6Address;
    }

    @Override
    public String toString() {
        String host = socketAddress.getAddress().getHostAddress();
        return (isIpv6() ? "[" + host + "]" : host) + ":" + socketAddress.getPort();
    }
}
