package dev.jflared.rpc.schema;

import org.capnproto.AnyPointer;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructSize;

/**
 * The results of {@code ConfigurationManager.updateConfiguration}: the implicit struct
 * {@code updateConfiguration$Results} ({@code @0x958096448eb3373e}) of {@code tunnelrpc.capnp}, whose only
 * field {@code result} is an {@link UpdateConfigurationResponse}.
 */
public final class UpdateConfigurationResults {

    /** Layout from {@code capnp compile -o-}: 0 data words, 1 pointer. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 0, (short) 1);
    public static final Factory FACTORY = new Factory();

    private static final int RESULT = 0;

    private UpdateConfigurationResults() {}

    /** Reads the response from a return payload's content pointer. */
    public static UpdateConfigurationResponse read(AnyPointer.Reader content) {
        return UpdateConfigurationResponse.read(content.getAs(FACTORY).result());
    }

    /** Writes {@code response} as a return payload's content. */
    public static void write(UpdateConfigurationResponse response, AnyPointer.Builder content) {
        response.write(content.initAs(FACTORY).initResult());
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

        public UpdateConfigurationResponse.Reader result() {
            return _getPointerField(UpdateConfigurationResponse.FACTORY, RESULT, null, 0);
        }
    }

    public static final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }

        public UpdateConfigurationResponse.Builder initResult() {
            return _initPointerField(UpdateConfigurationResponse.FACTORY, RESULT, 0);
        }
    }
}
