package dev.jflared.rpc.schema;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.capnproto.MessageBuilder;
import org.capnproto.MessageReader;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructList;
import org.capnproto.StructSize;

/**
 * The connector's answer on a QUIC data stream: struct {@code ConnectResponse} ({@code @0xb1032ec91cef8727})
 * of {@code quic_metadata_protocol.capnp}, the root of its own message after the data stream preamble.
 * A non-empty {@code error} means the origin was not reached; otherwise {@code metadata} carries
 * {@code HttpStatus} and the {@code HttpHeader:<Name>} entries (shared/protocol/NOTES.md).
 *
 * <pre>{@code
 * MessageBuilder answer = ConnectResponse.ok(List.of(new Metadata("HttpStatus", "200"))).toMessage();
 * }</pre>
 *
 * @param error empty on success
 */
public record ConnectResponse(String error, List<Metadata> metadata) {

    /** Layout from {@code capnp compile -ocapnp}: 0 data words, 2 pointers. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 0, (short) 2);
    public static final Factory FACTORY = new Factory();

    private static final int ERROR = 0;
    private static final int METADATA = 1;

    public ConnectResponse {
        requireNonNull(error, "error");
        metadata = List.copyOf(metadata);
    }

    /** A successful response. */
    public static ConnectResponse ok(List<Metadata> metadata) {
        return new ConnectResponse("", metadata);
    }

    /** A refusal; {@code error} must not be empty, since an empty error means success. */
    public static ConnectResponse failed(String error, List<Metadata> metadata) {
        if (error.isEmpty()) {
            throw new IllegalArgumentException("error must not be empty: an empty error means success");
        }
        return new ConnectResponse(error, metadata);
    }

    public boolean isOk() {
        return error.isEmpty();
    }

    /** Reads the root of {@code message}. */
    public static ConnectResponse read(MessageReader message) {
        return read(root(message));
    }

    /** A view of the root of {@code message}, for reading fields without copying them all. */
    public static Reader root(MessageReader message) {
        return message.getRoot(FACTORY);
    }

    /** Makes a new ConnectResponse the root of {@code message}, for building it field by field. */
    public static Builder initRoot(MessageBuilder message) {
        return message.initRoot(FACTORY);
    }

    /** Copies the response out of the message. */
    public static ConnectResponse read(Reader reader) {
        return new ConnectResponse(reader.error(), Metadata.readList(reader.metadata()));
    }

    /** A new single-segment message whose root is this response. */
    public MessageBuilder toMessage() {
        MessageBuilder message = new MessageBuilder();
        write(initRoot(message));
        return message;
    }

    public void write(Builder builder) {
        builder.setError(error);
        if (!metadata.isEmpty()) {
            Metadata.writeList(metadata, builder.initMetadata(metadata.size()));
        }
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

        public String error() {
            return text(ERROR);
        }

        public StructList.Reader<Metadata.Reader> metadata() {
            return _getPointerField(Metadata.LIST_FACTORY, METADATA, null, 0);
        }
    }

    public static final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }

        public Builder setError(String value) {
            text(ERROR, requireNonNull(value, "error"));
            return this;
        }

        public StructList.Builder<Metadata.Builder> initMetadata(int size) {
            return _initPointerField(Metadata.LIST_FACTORY, METADATA, size);
        }
    }
}
