package dev.jflared.rpc.schema;

import org.capnproto.DecodeException;

/**
 * What a QUIC data stream carries: enum {@code ConnectionType} ({@code @0xc52e1bac26d379c8}) of
 * {@code quic_metadata_protocol.capnp}. The wire value is the ordinal, in declaration order.
 */
public enum ConnectionType {
    HTTP,
    WEBSOCKET,
    TCP;

    private static final ConnectionType[] VALUES = values();

    /** The 16-bit value on the wire. */
    public short wireValue() {
        return (short) ordinal();
    }

    /** Reads a wire value; one that is not in the schema fails, as cloudflared's own decoder would panic. */
    public static ConnectionType fromWire(short value) {
        int index = Short.toUnsignedInt(value);
        if (index >= VALUES.length) {
            throw new DecodeException("ConnectRequest.type " + index + " is not in the schema"
                    + " (http=0, websocket=1, tcp=2)");
        }
        return VALUES[index];
    }
}
