package dev.jflared.edge;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands edge addresses to the tunnel's HA connections, spread over the edge's two regions, and rotates an address
 * out when its connection keeps failing ({@code edgediscovery/edgediscovery.go} and {@code allregions/regions.go}).
 *
 * <ul>
 *   <li>{@link #addressFor(int)} gives a connection the address it already holds, else an unused one from the
 *       region with more unused addresses (region 2 on a tie), else from the other region.</li>
 *   <li>{@link #differentAddressFor(int, boolean)} gives the connection's address back and assigns another one,
 *       never the same; the old one is free for the next call.</li>
 *   <li>Both throw {@link NoEdgeAddressLeftException} when no address is free.</li>
 * </ul>
 *
 * <pre>{@code
 * EdgeAddress address = pool.addressFor(connIndex);
 * // ... dial fails with a network error:
 * address = pool.differentAddressFor(connIndex, true);
 * }</pre>
 *
 * <p>Thread-safe: every method locks the pool, as cloudflared's {@code Edge} does.
 */
public final class EdgeAddressPool {

    private static final Logger logger = LoggerFactory.getLogger(EdgeAddressPool.class);

    private final EdgeRegion region1;
    private final EdgeRegion region2;

    private EdgeAddressPool(EdgeRegion region1, EdgeRegion region2) {
        this.region1 = region1;
        this.region2 = region2;
    }

    /**
     * A pool over the addresses of two discovered regions, filtered by {@code ipVersion}; the clock times the
     * return from IPv4 to IPv6 after a connectivity error.
     */
    public static EdgeAddressPool ofRegions(List<EdgeAddress> region1, List<EdgeAddress> region2,
            EdgeIpVersion ipVersion, Clock clock) {
        Objects.requireNonNull(ipVersion, "ipVersion");
        Objects.requireNonNull(clock, "clock");
        return new EdgeAddressPool(new EdgeRegion(List.copyOf(region1), ipVersion, clock),
                new EdgeRegion(List.copyOf(region2), ipVersion, clock));
    }

    /**
     * A pool over fixed addresses ({@code --edge}): they are dealt alternately into the two regions, as
     * cloudflared's {@code NewNoResolve} does, and both families are used.
     */
    public static EdgeAddressPool ofStaticAddresses(List<EdgeAddress> addresses, Clock clock) {
        List<EdgeAddress> region1 = new ArrayList<>();
        List<EdgeAddress> region2 = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            (i % 2 == 0 ? region1 : region2).add(Objects.requireNonNull(addresses.get(i), "addresses[" + i + "]"));
        }
        return ofRegions(region1, region2, EdgeIpVersion.AUTO, clock);
    }

    /**
     * The address connection {@code connIndex} holds, or else a newly assigned unused one.
     *
     * @throws NoEdgeAddressLeftException when the connection holds none and none is free
     */
    public synchronized EdgeAddress addressFor(int connIndex) throws NoEdgeAddressLeftException {
        requireConnIndex(connIndex);
        EdgeAddress held = addressUsedBy(connIndex);
        if (held != null) {
            return held;
        }
        EdgeAddress address = assignUnused(null, connIndex);
        if (address == null) {
            throw new NoEdgeAddressLeftException(connIndex);
        }
        logger.debug("connIndex={} ip={} gets a new edge address", connIndex, address);
        return address;
    }

    /**
     * Gives back the address connection {@code connIndex} holds and assigns it a different one.
     * {@code connectivityError} says the old address failed at the network level (a dial error, not a refused
     * registration): in a region whose preferred family is IPv6 that moves the connections to IPv4.
     *
     * @throws NoEdgeAddressLeftException when no other address is free; the old one is then free again
     */
    public synchronized EdgeAddress differentAddressFor(int connIndex, boolean connectivityError)
            throws NoEdgeAddressLeftException {
        requireConnIndex(connIndex);
        EdgeAddress old = addressUsedBy(connIndex);
        if (old != null) {
            giveBackLocked(old, connectivityError);
        }
        EdgeAddress address = assignUnused(old, connIndex);
        if (address == null) {
            throw new NoEdgeAddressLeftException(connIndex);
        }
        logger.debug("connIndex={} ip={} replaces {}; {} edge address(es) left", connIndex, address, old,
                availableLocked());
        return address;
    }

    /** How many addresses are unused. */
    public synchronized int availableAddresses() {
        return availableLocked();
    }

    /**
     * Marks {@code address} unused so other connections can take it; returns false if it is not in this pool.
     */
    public synchronized boolean giveBack(EdgeAddress address, boolean connectivityError) {
        Objects.requireNonNull(address, "address");
        return giveBackLocked(address, connectivityError);
    }

    @Override
    public synchronized String toString() {
        return "EdgeAddressPool{region1=" + region1 + ", region2=" + region2 + "}";
    }

    private static void requireConnIndex(int connIndex) {
        if (connIndex < 0) {
            throw new IllegalArgumentException("connIndex: " + connIndex + " (expected >= 0)");
        }
    }

    private EdgeAddress addressUsedBy(int connIndex) {
        EdgeAddress address = region1.addressUsedBy(connIndex);
        return address != null ? address : region2.addressUsedBy(connIndex);
    }

    private EdgeAddress assignUnused(EdgeAddress excluding, int connIndex) {
        // cloudflared prefers the region with more unused addresses, and region 2 on a tie.
        EdgeRegion first = region1.availableAddresses() > region2.availableAddresses() ? region1 : region2;
        EdgeRegion second = first == region1 ? region2 : region1;
        EdgeAddress address = first.assignAnyAddress(connIndex, excluding);
        return address != null ? address : second.assignAnyAddress(connIndex, excluding);
    }

    private boolean giveBackLocked(EdgeAddress address, boolean connectivityError) {
        return region1.giveBack(address, connectivityError) || region2.giveBack(address, connectivityError);
    }

    private int availableLocked() {
        return region1.availableAddresses() + region2.availableAddresses();
    }
}
