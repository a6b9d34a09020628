package dev.jflared.rpc.schema;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import org.capnproto.AnyPointer;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructSize;

/**
 * The parameters of {@code RegistrationServer.updateLocalConfiguration} (method
 * {@value TunnelRpcIds#UPDATE_LOCAL_CONFIGURATION}): the implicit struct
 * {@code updateLocalConfiguration$Params} ({@code @0xc5d6e311876a3604}) of {@code tunnelrpc.capnp}. Its
 * results are an {@link EmptyStruct}.
 *
 * @param config the connector's local configuration as JSON; UTF-8 bytes in a {@code Data} field on the wire
 */
public record UpdateLocalConfigurationParams(String config) {

    /** Layout from {@code capnp compile -o-}: 0 data words, 1 pointer. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 0, (short) 1);
    public static final Factory FACTORY = new Factory();

    private static final int CONFIG = 0;

    public UpdateLocalConfigurationParams {
        requireNonNull(config, "config");
    }

    /** Reads call parameters from a payload's content pointer. */
    public static UpdateLocalConfigurationParams read(AnyPointer.Reader content) {
        return read(content.getAs(FACTORY));
    }

    public static UpdateLocalConfigurationParams read(Reader reader) {
        return new UpdateLocalConfigurationParams(new String(reader.config(), UTF_8));
    }

    /** Writes the parameters as a payload's content. */
    public void write(AnyPointer.Builder content) {
        write(content.initAs(FACTORY));
    }

    public void write(Builder builder) {
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

        public Builder setConfig(byte[] value) {
            data(CONFIG, value);
            return this;
        }
    }
}
