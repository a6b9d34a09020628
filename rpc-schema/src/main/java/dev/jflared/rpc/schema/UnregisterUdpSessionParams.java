package dev.jflared.rpc.schema;

import static java.util.Objects.requireNonNull;

import java.util.UUID;
import org.capnproto.AnyPointer;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructSize;

/**
 * The parameters of {@code SessionManager.unregisterUdpSession} (method
 * {@value TunnelRpcIds#UNREGISTER_UDP_SESSION}): the implicit struct {@code unregisterUdpSession$Params}
 * ({@code @0x96b74375ce9b0ef6}) of {@code tunnelrpc.capnp}. Its results are an {@link EmptyStruct}.
 *
 * @param sessionId 16 raw bytes on the wire
 * @param message why the edge ends the session
 */
public record UnregisterUdpSessionParams(UUID sessionId, String message) {

    /** Layout from {@code capnp compile -o-}: 0 data words, 2 pointers. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 0, (short) 2);
    public static final Factory FACTORY = new Factory();

    private static final int SESSION_ID = 0;
    private static final int MESSAGE = 1;

    public UnregisterUdpSessionParams {
        requireNonNull(sessionId, "sessionId");
        requireNonNull(message, "message");
    }

    /** Reads call parameters from a payload's content pointer. */
    public static UnregisterUdpSessionParams read(AnyPointer.Reader content) {
        return read(content.getAs(FACTORY));
    }

    public static UnregisterUdpSessionParams read(Reader reader) {
        return new UnregisterUdpSessionParams(
                WireValues.uuid(reader.sessionId(), "unregisterUdpSession.sessionId"), reader.message());
    }

    /** Writes the parameters as a payload's content. */
    public void write(AnyPointer.Builder content) {
        write(content.initAs(FACTORY));
    }

    public void write(Builder builder) {
        builder.setSessionId(WireValues.uuidBytes(sessionId));
        builder.setMessage(message);
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

        public byte[] sessionId() {
            return data(SESSION_ID);
        }

        public String message() {
            return text(MESSAGE);
        }
    }

    public static final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }

        public Builder setSessionId(byte[] value) {
            data(SESSION_ID, value);
            return this;
        }

        public Builder setMessage(String value) {
            text(MESSAGE, requireNonNull(value, "message"));
            return this;
        }
    }
}
