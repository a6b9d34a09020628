package dev.jflared.rpc.schema;

import org.capnproto.DecodeException;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructSize;

/**
 * The edge's answer to {@code registerConnection}: struct {@code ConnectionResponse}
 * ({@code @0xdbaa9d03d52b62dc}) of {@code tunnelrpc.capnp}, whose group {@code result} is a union of
 * {@link ConnectionError} (tag 0) and {@link ConnectionDetails} (tag 1).
 *
 * <pre>{@code
 * ConnectionResponse response = RegisterConnectionResults.read(content);
 * if (response instanceof ConnectionDetails details) { ... } else { ConnectionError error = ...; }
 * }</pre>
 */
public sealed interface ConnectionResponse permits ConnectionError, ConnectionDetails {

    /** Layout from {@code capnp compile -ocapnp}: 1 data word (the union tag), 1 pointer (either member). */
    StructSize STRUCT_SIZE = new StructSize((short) 1, (short) 1);
    Factory FACTORY = new Factory();

    /** Reads whichever member is set; a tag not in the schema fails. */
    static ConnectionResponse read(Reader reader) {
        return switch (reader.which()) {
            case ERROR -> ConnectionError.read(reader.error());
            case CONNECTION_DETAILS -> ConnectionDetails.read(reader.connectionDetails());
        };
    }

    /** Writes this value as the union member it is. */
    static void write(ConnectionResponse response, Builder builder) {
        if (response instanceof ConnectionDetails details) {
            details.write(builder.initConnectionDetails());
        } else {
            ((ConnectionError) response).write(builder.initError());
        }
    }

    /** The members of the {@code result} union, in tag order. */
    enum Which {
        ERROR,
        CONNECTION_DETAILS
    }

    final class Factory extends StructFactory<Builder, Reader> {
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

    final class Reader extends SchemaReader {
        private static final int TAG_SHORT = 0;
        private static final int MEMBER = 0;

        Reader(SegmentReader segment, int data, int pointers, int dataSize, short pointerCount, int nestingLimit) {
            super(segment, data, pointers, dataSize, pointerCount, nestingLimit);
        }

        /** Which union member is set; a tag not in the schema fails with {@code DecodeException}. */
        public Which which() {
            int tag = Short.toUnsignedInt(_getShortField(TAG_SHORT));
            if (tag >= Which.values().length) {
                throw new DecodeException("ConnectionResponse.result tag " + tag
                        + " is not in the schema (error=0, connectionDetails=1)");
            }
            return Which.values()[tag];
        }

        /** The error member; only meaningful when {@link #which()} is {@link Which#ERROR}. */
        public ConnectionError.Reader error() {
            return _getPointerField(ConnectionError.FACTORY, MEMBER, null, 0);
        }

        /** The details member; only meaningful when {@link #which()} is {@link Which#CONNECTION_DETAILS}. */
        public ConnectionDetails.Reader connectionDetails() {
            return _getPointerField(ConnectionDetails.FACTORY, MEMBER, null, 0);
        }
    }

    final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }

        public ConnectionError.Builder initError() {
            _setShortField(Reader.TAG_SHORT, (short) Which.ERROR.ordinal());
            return _initPointerField(ConnectionError.FACTORY, Reader.MEMBER, 0);
        }

        public ConnectionDetails.Builder initConnectionDetails() {
            _setShortField(Reader.TAG_SHORT, (short) Which.CONNECTION_DETAILS.ordinal());
            return _initPointerField(ConnectionDetails.FACTORY, Reader.MEMBER, 0);
        }
    }
}
