package dev.jflared.rpc.schema;

import org.capnproto.AnyPointer;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructSize;

/**
 * A struct with no fields, for the parameters and results that have none: {@code unregisterConnection$Params}
 * and {@code $Results}, {@code updateLocalConfiguration$Results} and {@code unregisterUdpSession$Results}
 * of {@code tunnelrpc.capnp} (their node ids are in {@link TunnelRpcIds}; the layout, which is all that
 * travels, is the same for all of them).
 *
 * <p>Like cloudflared's encoder, the runtime writes an empty struct as a struct pointer with offset -1 and no
 * words, never as a null pointer.
 */
public final class EmptyStruct {

    /** No data words, no pointers. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 0, (short) 0);
    public static final Factory FACTORY = new Factory();

    private EmptyStruct() {}

    /** Writes empty parameters or results as a payload's content. */
    public static void write(AnyPointer.Builder content) {
        content.initAs(FACTORY);
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
    }

    public static final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }
    }
}
