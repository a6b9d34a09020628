package dev.jflared.rpc.schema;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructSize;

/**
 * The connector's answer to {@code registerUdpSession}: struct {@code RegisterUdpSessionResponse}
 * ({@code @0xab6d5210c1f26687}) of {@code tunnelrpc.capnp}.
 *
 * @param err empty when the session was registered
 * @param spans tracing spans in protobuf form, empty when not traced
 */
public record RegisterUdpSessionResponse(String err, byte[] spans) {

    /** Layout from {@code capnp compile -ocapnp}: 0 data words, 2 pointers. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 0, (short) 2);
    public static final Factory FACTORY = new Factory();

    private static final int ERR = 0;
    private static final int SPANS = 1;

    public RegisterUdpSessionResponse {
        requireNonNull(err, "err");
        spans = spans.clone();
    }

    /** A copy of the spans. */
    @Override
    public byte[] spans() {
        return spans.clone();
    }

    public static RegisterUdpSessionResponse read(Reader reader) {
        return new RegisterUdpSessionResponse(reader.err(), reader.spans());
    }

    public void write(Builder builder) {
        builder.setErr(err);
        builder.setSpans(spans);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RegisterUdpSessionResponse that
                && err.equals(that.err) && Arrays.equals(spans, that.spans);
    }

    @Override
    public int hashCode() {
        return 31 * err.hashCode() + Arrays.hashCode(spans);
    }

    @Override
    public String toString() {
        return "RegisterUdpSessionResponse[err=" + err + ", spans=" + spans.length + " bytes]";
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

        public String err() {
            return text(ERR);
        }

        public byte[] spans() {
            return data(SPANS);
        }
    }

    public static final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }

        public Builder setErr(String value) {
            text(ERR, requireNonNull(value, "err"));
            return this;
        }

        public Builder setSpans(byte[] value) {
            data(SPANS, value);
            return this;
        }
    }
}
