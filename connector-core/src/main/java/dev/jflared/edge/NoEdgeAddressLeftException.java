package dev.jflared.edge;

/**
 * Every edge address is in use or excluded, so a connection cannot get one (cloudflared's
 * {@code ErrNoAddressesLeft}, {@code edgediscovery/edgediscovery.go}). An address given back becomes available
 * again; with discovered addresses cloudflared gives up on that connection.
 */
public final class NoEdgeAddressLeftException extends Exception {

    private static final long serialVersionUID = 1L;

    NoEdgeAddressLeftException(int connIndex) {
        super("there are no free edge addresses left to resolve to (connIndex=" + connIndex + ")");
    }
}
