package dev.jflared.rpc.schema;

import static java.util.Objects.requireNonNull;

import java.util.UUID;
import org.capnproto.AnyPointer;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructSize;

/**
 * The parameters of {@code RegistrationServer.registerConnection} (method
 * {@value TunnelRpcIds#REGISTER_CONNECTION}): the implicit struct {@code registerConnection$Params}
 * ({@code @0xe6646dec8feaa6ee}) of {@code tunnelrpc.capnp}.
 *
 * <pre>{@code
 * // content: the AnyPointer.Builder of the Call's params payload
 * new RegisterConnectionParams(auth, tunnelId, connIndex, options).write(content);
 * }</pre>
 *
 * @param tunnelId 16 raw bytes on the wire
 * @param connIndex 0..255, the HA connection index
 */
public record RegisterConnectionParams(TunnelAuth auth, UUID tunnelId, int connIndex, ConnectionOptions options) {

    /** Layout from {@code capnp compile -o-}: 1 data word, 3 pointers. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 1, (short) 3);
    public static final Factory FACTORY = new Factory();

    private static final int AUTH = 0;
    private static final int TUNNEL_ID = 1;
    private static final int OPTIONS = 2;
    private static final int CONN_INDEX_BYTE = 0;

    public RegisterConnectionParams {
        requireNonNull(auth, "auth");
        requireNonNull(tunnelId, "tunnelId");
        WireValues.checkUnsigned(connIndex, 0xff, "connIndex");
        requireNonNull(options, "options");
    }

    /** Reads call parameters from a payload's content pointer. */
    public static RegisterConnectionParams read(AnyPointer.Reader content) {
        return read(content.getAs(FACTORY));
    }

    /** Copies the parameters out of the message; ids of the wrong length fail. */
    public static RegisterConnectionParams read(Reader reader) {
        return new RegisterConnectionParams(TunnelAuth.read(reader.auth()),
                WireValues.uuid(reader.tunnelId(), "registerConnection.tunnelId"), reader.connIndex(),
                ConnectionOptions.read(reader.options()));
    }

    /** Writes the parameters as a payload's content. */
    public void write(AnyPointer.Builder content) {
        write(content.initAs(FACTORY));
    }

    public void write(Builder builder) {
        auth.write(builder.initAuth());
        builder.setTunnelId(WireValues.uuidBytes(tunnelId));
        builder.setConnIndex(connIndex);
        options.write(builder.initOptions());
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

        public TunnelAuth.Reader auth() {
            return _getPointerField(TunnelAuth.FACTORY, AUTH, null, 0);
        }

        /** The raw tunnel id bytes. */
        public byte[] tunnelId() {
            return data(TUNNEL_ID);
        }

        public int connIndex() {
            return Byte.toUnsignedInt(_getByteField(CONN_INDEX_BYTE));
        }

        public ConnectionOptions.Reader options() {
            return _getPointerField(ConnectionOptions.FACTORY, OPTIONS, null, 0);
        }
    }

    public static final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }

        public TunnelAuth.Builder initAuth() {
            return _initPointerField(TunnelAuth.FACTORY, AUTH, 0);
        }

        public Builder setTunnelId(byte[] value) {
            data(TUNNEL_ID, value);
            return this;
        }

        public Builder setConnIndex(int value) {
            _setByteField(CONN_INDEX_BYTE, (byte) WireValues.checkUnsigned(value, 0xff, "connIndex"));
            return this;
        }

        public ConnectionOptions.Builder initOptions() {
            return _initPointerField(ConnectionOptions.FACTORY, OPTIONS, 0);
        }
    }
}
