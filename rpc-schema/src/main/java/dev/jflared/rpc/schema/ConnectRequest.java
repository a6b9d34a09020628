package dev.jflared.rpc.schema;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.capnproto.MessageBuilder;
import org.capnproto.MessageReader;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructList;
import org.capnproto.StructSize;

/**
 * What the edge asks for at the start of a QUIC data stream: struct {@code ConnectRequest}
 * ({@code @0xc47116a1045e4061}) of {@code quic_metadata_protocol.capnp}. It is the root of its own
 * message, right after the data stream preamble ({@link QuicStreamSignatures}).
 *
 * <pre>{@code
 * ConnectRequest request = ConnectRequest.read(Serialize.read(buffer));
 * String method = request.firstValue("HttpMethod").orElse("GET");
 * }</pre>
 *
 * @param dest where to connect, e.g. {@code http://host/path} or {@code host:port} for TCP
 * @param metadata entries in wire order; a key may repeat
 */
public record ConnectRequest(String dest, ConnectionType type, List<Metadata> metadata) {

    /** Layout from {@code capnp compile -ocapnp}: 1 data word, 2 pointers. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 1, (short) 2);
    public static final Factory FACTORY = new Factory();

    private static final int DEST = 0;
    private static final int METADATA = 1;
    private static final int TYPE = 0;

    public ConnectRequest {
        requireNonNull(dest, "dest");
        requireNonNull(type, "type");
        metadata = List.copyOf(metadata);
    }

    /** Reads the root of {@code message}. */
    public static ConnectRequest read(MessageReader message) {
        return read(root(message));
    }

    /** A view of the root of {@code message}, for reading fields without copying them all. */
    public static Reader root(MessageReader message) {
        return message.getRoot(FACTORY);
    }

    /** Makes a new ConnectRequest the root of {@code message}, for building it field by field. */
    public static Builder initRoot(MessageBuilder message) {
        return message.initRoot(FACTORY);
    }

    /** Copies the request out of the message. */
    public static ConnectRequest read(Reader reader) {
        return new ConnectRequest(reader.dest(), reader.type(), Metadata.readList(reader.metadata()));
    }

    /** The value of the first entry with {@code key}, if any. */
    public Optional<String> firstValue(String key) {
        return metadata.stream().filter(entry -> entry.key().equals(key)).map(Metadata::val).findFirst();
    }

    /** A new single-segment message whose root is this request. */
    public MessageBuilder toMessage() {
        MessageBuilder message = new MessageBuilder();
        write(initRoot(message));
        return message;
    }

    public void write(Builder builder) {
        builder.setDest(dest);
        builder.setType(type);
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

        public String dest() {
            return text(DEST);
        }

        /** The connection type; a value not in the schema fails with {@code DecodeException}. */
        public ConnectionType type() {
            return ConnectionType.fromWire(_getShortField(TYPE));
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

        public Builder setDest(String value) {
            text(DEST, requireNonNull(value, "dest"));
            return this;
        }

        public Builder setType(ConnectionType value) {
            _setShortField(TYPE, value.wireValue());
            return this;
        }

        public StructList.Builder<Metadata.Builder> initMetadata(int size) {
            return _initPointerField(Metadata.LIST_FACTORY, METADATA, size);
        }
    }
}
