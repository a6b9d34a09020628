package dev.jflared.edge;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The addresses of one edge region and which connection uses each ({@code edgediscovery/allregions/region.go}).
 *
 * <p>Addresses are split by family into a primary set, the family of the first address (the resolver's
 * preference) unless {@code --edge-ip-version} forces one, and a secondary set. Addresses are handed out from the
 * active set only. A connectivity error on an IPv6 address while the primary is active switches to the secondary
 * set; the primary comes back at once after a connectivity error on IPv4, or after {@link #PRIMARY_TIMEOUT} on the
 * next IPv6 one.
 *
 * <p>cloudflared picks an unused address in Go's random map order; we pick the first unused one in DNS order.
 * Not thread-safe: {@link EdgeAddressPool} locks around it.
 */
final class EdgeRegion {

    /** How long the secondary family stays active after an IPv6 connectivity error: {@code timeoutDuration}. */
    static final Duration PRIMARY_TIMEOUT = Duration.ofMinutes(10);

    private static final int UNUSED = -1;

    private final Clock clock;
    // Address -> index of the connection using it, or UNUSED; in DNS order.
    private final Map<EdgeAddress, Integer> primary = new LinkedHashMap<>();
    private final Map<EdgeAddress, Integer> secondary = new LinkedHashMap<>();
    private Map<EdgeAddress, Integer> active = primary;
    private Instant primaryTimeout = Instant.MIN;

    EdgeRegion(List<EdgeAddress> addresses, EdgeIpVersion ipVersion, Clock clock) {
        this.clock = clock;
        boolean preferIpv6 = addresses.isEmpty() || addresses.get(0).isIpv6();
        if (ipVersion == EdgeIpVersion.IPV4) {
            preferIpv6 = false;
        } else if (ipVersion == EdgeIpVersion.IPV6) {
            preferIpv6 = true;
        }
        for (EdgeAddress address : addresses) {
            if (address.isIpv6() == preferIpv6) {
                primary.put(address, UNUSED);
            } else if (ipVersion == EdgeIpVersion.AUTO) {
                secondary.put(address, UNUSED);
            }
        }
    }

    /** The address connection {@code connIndex} uses, or null. */
    EdgeAddress addressUsedBy(int connIndex) {
        EdgeAddress address = usedBy(primary, connIndex);
        return address != null ? address : usedBy(secondary, connIndex);
    }

    /** Unused addresses in the active set. */
    int availableAddresses() {
        int available = 0;
        for (int user : active.values()) {
            if (user == UNUSED) {
                available++;
            }
        }
        return available;
    }

    /** Assigns the first unused active address other than {@code excluding} to {@code connIndex}; null if none. */
    EdgeAddress assignAnyAddress(int connIndex, EdgeAddress excluding) {
        for (Map.Entry<EdgeAddress, Integer> entry : active.entrySet()) {
            if (entry.getValue() == UNUSED && !entry.getKey().equals(excluding)) {
                entry.setValue(connIndex);
                return entry.getKey();
            }
        }
        return null;
    }

    /**
     * Marks {@code address} unused and, after a connectivity error, switches families as described above.
     * Returns false if the address is not in this region.
     */
    boolean giveBack(EdgeAddress address, boolean connectivityError) {
        if (!free(primary, address) && !free(secondary, address)) {
            return false;
        }
        if (!connectivityError) {
            return true;
        }
        boolean primaryIsActive = active == primary;
        if (primaryIsActive && address.isIpv6() && !secondary.isEmpty()) {
            active = secondary;
            primaryTimeout = clock.instant().plus(PRIMARY_TIMEOUT);
        } else if (!primaryIsActive && (!address.isIpv6() || primaryTimeout.isBefore(clock.instant()))) {
            active = primary;
        }
        return true;
    }

    /** Whether the primary family is the active one. */
    boolean primaryIsActive() {
        return active == primary;
    }

    private static EdgeAddress usedBy(Map<EdgeAddress, Integer> set, int connIndex) {
        for (Map.Entry<EdgeAddress, Integer> entry : set.entrySet()) {
            if (entry.getValue() == connIndex) {
                return entry.getKey();
            }
        }
        return null;
    }

    private static boolean free(Map<EdgeAddress, Integer> set, EdgeAddress address) {
        return set.replace(address, UNUSED) != null;
    }

    @Override
    public String toString() {
        return "EdgeRegion{primary=" + primary + ", secondary=" + secondary + ", primaryActive="
                + primaryIsActive() + "}";
    }
}
