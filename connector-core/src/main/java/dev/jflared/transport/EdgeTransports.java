package dev.jflared.transport;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/** The transports on the class path, by protocol. */
public final class EdgeTransports {

    private final Map<Protocol, EdgeTransport> byProtocol;

    private EdgeTransports(Map<Protocol, EdgeTransport> byProtocol) {
        this.byProtocol = byProtocol;
    }

    /** Finds the transports that {@code classLoader} can load through {@link ServiceLoader}. */
    public static EdgeTransports load(ClassLoader classLoader) {
        Map<Protocol, EdgeTransport> found = new EnumMap<>(Protocol.class);
        for (EdgeTransport transport : ServiceLoader.load(EdgeTransport.class, classLoader)) {
            found.putIfAbsent(transport.protocol(), transport);
        }
        return new EdgeTransports(found);
    }

    /** Transports given explicitly, as the embedding API allows. */
    public static EdgeTransports of(EdgeTransport... transports) {
        Map<Protocol, EdgeTransport> found = new EnumMap<>(Protocol.class);
        for (EdgeTransport transport : transports) {
            found.put(transport.protocol(), transport);
        }
        return new EdgeTransports(found);
    }

    /** The transport for {@code protocol}, if its module is on the class path. */
    public Optional<EdgeTransport> find(Protocol protocol) {
        return Optional.ofNullable(byProtocol.get(protocol));
    }

    /**
     * The transport for {@code protocol}.
     *
     * @throws IllegalStateException naming the artifact to add when that transport is missing
     */
    public EdgeTransport require(Protocol protocol) {
        return find(protocol).orElseThrow(() -> new IllegalStateException(
                "no " + protocol + " transport on the class path: add the dev.jflared:" + artifactOf(protocol)
                        + " artifact (found: " + byProtocol.keySet() + ")"));
    }

    /** The Maven artifact that provides {@code protocol}'s transport. */
    public static String artifactOf(Protocol protocol) {
        return switch (protocol) {
            case QUIC -> "transport-quic";
            case HTTP2 -> "transport-http2";
        };
    }
}
