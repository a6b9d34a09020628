package dev.jflared.rpc;

import static java.util.Objects.requireNonNull;

/**
 * A call, a bootstrap or the whole RPC connection failed: either the peer answered with a Cap'n Proto
 * {@code Exception} (its {@link #type()} and {@link #reason()} are the peer's), or the connection ended before an
 * answer came ({@link Type#DISCONNECTED}). A handler may also throw it to choose the type the peer receives.
 *
 * <p>Reach: the exception of one {@code Return} fails only that call; {@link Type#DISCONNECTED} means the connection
 * is gone and every call on it failed.
 */
public class RpcException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** rpc.capnp {@code Exception.Type}, with its wire values. */
    public enum Type {
        FAILED(0), OVERLOADED(1), DISCONNECTED(2), UNIMPLEMENTED(3);

        /** The value on the wire. */
        public final int wire;

        Type(int wire) {
            this.wire = wire;
        }

        /** The type for a wire value; an unknown value reads as {@link #FAILED}, as rpc.capnp's receivers do. */
        public static Type fromWire(int wire) {
            for (Type type : values()) {
                if (type.wire == wire) {
                    return type;
                }
            }
            return FAILED;
        }
    }

    private final Type type;
    private final String reason;

    public RpcException(Type type, String reason) {
        super(type.name().toLowerCase() + ": " + reason);
        this.type = requireNonNull(type, "type");
        this.reason = requireNonNull(reason, "reason");
    }

    public Type type() {
        return type;
    }

    /** The reason text exactly as sent (or as we would send it). */
    public String reason() {
        return reason;
    }
}
