package dev.jflared.edge;

import io.netty.resolver.ResolvedAddressTypes;

/**
 * Which IP versions to use for edge addresses: cloudflared's {@code --edge-ip-version auto|4|6}
 * ({@code ConfigIPVersion} in {@code edgediscovery/allregions/discovery.go}).
 */
public enum EdgeIpVersion {

    /**
     * Both families. Each region's first resolved address decides which family is tried first; after a
     * connectivity error on IPv6 the region switches to IPv4 for ten minutes ({@code region.go}).
     */
    AUTO("auto"),
    /** IPv4 addresses only. */
    IPV4("4"),
    /** IPv6 addresses only. */
    IPV6("6");

    private final String flagValue;

    EdgeIpVersion(String flagValue) {
        this.flagValue = flagValue;
    }

    /** Parses the flag value {@code auto}, {@code 4} or {@code 6}. */
    public static EdgeIpVersion fromFlag(String value) {
        for (EdgeIpVersion version : values()) {
            if (version.flagValue.equals(value)) {
                return version;
            }
        }
        throw new IllegalArgumentException("--edge-ip-version: '" + value + "' is not one of auto, 4, 6");
    }

    /** The flag value: {@code auto}, {@code 4} or {@code 6}. */
    public String flagValue() {
        return flagValue;
    }

    /**
     * The address types to ask DNS for. {@link #AUTO} asks for both, in the order the JVM prefers
     * ({@code java.net.preferIPv6Addresses}), as cloudflared takes the operating system resolver's order.
     */
    ResolvedAddressTypes resolvedAddressTypes() {
        switch (this) {
            case IPV4:
                return ResolvedAddressTypes.IPV4_ONLY;
            case IPV6:
                return ResolvedAddressTypes.IPV6_ONLY;
            default:
                return Boolean.getBoolean("java.net.preferIPv6Addresses")
                        ? ResolvedAddressTypes.IPV6_PREFERRED
                        : ResolvedAddressTypes.IPV4_PREFERRED;
        }
    }
}
