package dev.jflared.rpc.schema;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import org.capnproto.AnyPointer;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructSize;

/**
 * The parameters of {@code ConfigurationManager.updateConfiguration} (method
 * {@value TunnelRpcIds#UPDATE_CONFIGURATION}), which the edge calls on a QUIC RPC stream: the implicit struct
 * {@code updateConfiguration$Params} ({@code @0xb177ca2526a3ca76}) of {@code tunnelrpc.capnp}.
 *
 * @param version the configuration's version; the connector applies only a newer one
 * @param config the remotely managed configuration as JSON; UTF-8 bytes in a {@code Data} field on the wire
 */
public record UpdateConfigurationParams(int version, String config) {

    /** Layout from {@code capnp compile -o-}: 1 data word, 1 pointer. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 1, (short) 1);
    public static final Factory FACTORY = new Factory();

    private static final int VERSION_INT = 0;
    private static final int CONFIG = 0;

    public UpdateConfigurationParams {
        requireNonNull(config, "config");
    }

    /** Reads call parameters from a payload's content pointer. */
    public static UpdateConfigurationParams read(AnyPointer.Reader content) {
        return read(content.getAs(FACTORY));
    }

    public static UpdateConfigurationParams read(Reader reader) {
        return new UpdateConfigurationParams(reader.version(), new String(reader.config(), UTF_8));
    }

    /** Writes the parameters as a payload's content. */
    public void write(AnyPointer.Builder content) {
        write(content.initAs(FACTORY));
    }

    public void write(Builder builder) {
        builder.setVersion(version);
        builder.setConfig(config.getBytes(UTF_8));
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

        public int version() {
            return _getIntField(VERSION_INT);
        }

        /** The raw configuration bytes. */
        public byte[] config() {
            return data(CONFIG);
        }
    }

    public static final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }

        public Builder setVersion(int value) {
            _setIntField(VERSION_INT, value);
            return this;
        }

        public Builder setConfig(byte[] value) {
            data(CONFIG, value);
            return this;
        }
    }
}
