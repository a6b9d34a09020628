package dev.jflared.rpc;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A capability we serve: the methods it answers, keyed by (interface id, method id). Immutable once built; one
 * instance may be exported on any number of connections.
 *
 * <pre>{@code
 * CapabilityServer registration = CapabilityServer.builder()
 *         .method(0xf71695ec7fe85497L, 0, call -> registerConnection(call))
 *         .method(0xf71695ec7fe85497L, 1, call -> unregisterConnection(call))
 *         .build();
 * RpcConnection.server(channel, registration);
 * }</pre>
 *
 * A call to an interface or method not registered is answered with an {@code unimplemented} exception.
 */
public final class CapabilityServer {

    private final Map<MethodKey, RpcMethodHandler> methods;

    private CapabilityServer(Map<MethodKey, RpcMethodHandler> methods) {
        this.methods = Map.copyOf(methods);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The handler of a method, if registered. */
    public Optional<RpcMethodHandler> handler(long interfaceId, int methodId) {
        return Optional.ofNullable(methods.get(new MethodKey(interfaceId, methodId)));
    }

    @Override
    public String toString() {
        return "CapabilityServer" + methods.keySet();
    }

    private record MethodKey(long interfaceId, int methodId) {
        @Override
        public String toString() {
            return "0x" + Long.toHexString(interfaceId) + "/" + methodId;
        }
    }

    /** Collects method handlers; {@link #build()} may be called once or many times. */
    public static final class Builder {
        private final Map<MethodKey, RpcMethodHandler> methods = new HashMap<>();

        private Builder() {}

        /** Registers the handler of method {@code methodId} (0..65535) of interface {@code interfaceId}. */
        public Builder method(long interfaceId, int methodId, RpcMethodHandler handler) {
            requireNonNull(handler, "handler");
            if (methodId < 0 || methodId > 0xFFFF) {
                throw new IllegalArgumentException("methodId must be in 0..65535: " + methodId);
            }
            MethodKey key = new MethodKey(interfaceId, methodId);
            if (methods.putIfAbsent(key, handler) != null) {
                throw new IllegalArgumentException("method " + key + " is already registered");
            }
            return this;
        }

        public CapabilityServer build() {
            return new CapabilityServer(methods);
        }
    }
}
