package dev.jflared.rpc.schema;

import static java.util.Objects.requireNonNull;

import java.util.UUID;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructSize;

/**
 * The edge accepted a registration: struct {@code ConnectionDetails} ({@code @0xb5f39f082b9ac18a}) of
 * {@code tunnelrpc.capnp}, the {@code connectionDetails} member of a {@link ConnectionResponse}.
 *
 * @param uuid the connection's id at the edge; 16 raw bytes on the wire
 * @param locationName the colo's airport code, logged as {@code location=}
 * @param tunnelIsRemotelyManaged true when the configuration comes from the dashboard; when false,
 *     connection 0 sends {@code updateLocalConfiguration}
 */
public record ConnectionDetails(UUID uuid, String locationName, boolean tunnelIsRemotelyManaged)
        implements ConnectionResponse {

    /** Layout from {@code capnp compile -ocapnp}: 1 data word, 2 pointers. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 1, (short) 2);
    public static final Factory FACTORY = new Factory();

    private static final int UUID_FIELD = 0;
    private static final int LOCATION_NAME = 1;
    private static final int TUNNEL_IS_REMOTELY_MANAGED_BIT = 0;

    public ConnectionDetails {
        requireNonNull(uuid, "uuid");
        requireNonNull(locationName, "locationName");
    }

    /** Copies the details out of the message; a uuid that is not 16 bytes fails. */
    public static ConnectionDetails read(Reader reader) {
        return new ConnectionDetails(WireValues.uuid(reader.uuid(), "ConnectionDetails.uuid"),
                reader.locationName(), reader.tunnelIsRemotelyManaged());
    }

    public void write(Builder builder) {
        builder.setUuid(WireValues.uuidBytes(uuid));
        builder.setLocationName(locationName);
        builder.setTunnelIsRemotelyManaged(tunnelIsRemotelyManaged);
    }

    public static final class Factory extends StructFactory<Builder, Reader> {
        private Factory() {}

        @Override
        public Reader constructReader(SegmentReader segment, int data, int pointers, int dataSize,
                short pointerCount, int nestingLimit) {
            return new Reader(segment, data, pointers, dataSize, pointerCount, nestingLimit);
        }

        @Override
        public Builder constructBuilder(SegmentBuilder segment, int data, int pointers, int dataSize,
                short pointerCount) {
            return new Builder(segment, data, pointers, dataSize, pointerCount);
        }

        @Override
        public StructSize structSize() {
            return STRUCT_SIZE;
        }

        @Override
        public Reader asReader(Builder builder) {
            return builder.asReader();
        }
    }

    public static final class Reader extends SchemaReader {
        Reader(SegmentReader segment, int data, int pointers, int dataSize, short pointerCount, int nestingLimit) {
            super(segment, data, pointers, dataSize, pointerCount, nestingLimit);
        }

        /** The raw id bytes (16 when sent by the edge). */
        public byte[] uuid() {
            return data(UUID_FIELD);
        }

        public String locationName() {
            return text(LOCATION_NAME);
        }

        public boolean tunnelIsRemotelyManaged() {
            return _getBooleanField(TUNNEL_IS_REMOTELY_MANAGED_BIT);
        }
    }

    public static final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }

        public Builder setUuid(byte[] value) {
            data(UUID_FIELD, value);
            return this;
        }

        public Builder setLocationName(String value) {
            text(LOCATION_NAME, requireNonNull(value, "locationName"));
            return this;
        }

        public Builder setTunnelIsRemotelyManaged(boolean value) {
            _setBooleanField(TUNNEL_IS_REMOTELY_MANAGED_BIT, value);
            return this;
        }
    }
}
