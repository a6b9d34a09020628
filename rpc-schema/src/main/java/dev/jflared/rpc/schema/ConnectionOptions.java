package dev.jflared.rpc.schema;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructSize;

/**
 * How a connection registers: struct {@code ConnectionOptions} ({@code @0xb4bf9861fe035d04}) of
 * {@code tunnelrpc.capnp}.
 *
 * @param originLocalIp the connector's local address of the edge connection; IPv4 is sent in the 16-byte
 *     IPv4-mapped form, as cloudflared does
 * @param replaceExisting whether the edge should drop an existing connection with the same index
 * @param compressionQuality 0..255; cloudflared sends 0
 * @param numPreviousAttempts 0..255, how many times this connection index was retried
 */
public record ConnectionOptions(ClientInfo client, InetAddress originLocalIp, boolean replaceExisting,
        int compressionQuality, int numPreviousAttempts) {

    /** Layout from {@code capnp compile -ocapnp}: 1 data word, 2 pointers. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 1, (short) 2);
    public static final Factory FACTORY = new Factory();

    private static final int CLIENT = 0;
    private static final int ORIGIN_LOCAL_IP = 1;
    private static final int REPLACE_EXISTING_BIT = 0;
    private static final int COMPRESSION_QUALITY_BYTE = 1;
    private static final int NUM_PREVIOUS_ATTEMPTS_BYTE = 2;

    public ConnectionOptions {
        requireNonNull(client, "client");
        requireNonNull(originLocalIp, "originLocalIp");
        WireValues.checkUnsigned(compressionQuality, 0xff, "compressionQuality");
        WireValues.checkUnsigned(numPreviousAttempts, 0xff, "numPreviousAttempts");
    }

    /** Copies the options out of the message; an originLocalIp that is not 4 or 16 bytes fails. */
    public static ConnectionOptions read(Reader reader) {
        return new ConnectionOptions(ClientInfo.read(reader.client()),
                WireValues.ip(reader.originLocalIp(), "ConnectionOptions.originLocalIp"),
                reader.replaceExisting(), reader.compressionQuality(), reader.numPreviousAttempts());
    }

    public void write(Builder builder) {
        client.write(builder.initClient());
        builder.setOriginLocalIp(WireValues.ipBytes(originLocalIp));
        builder.setReplaceExisting(replaceExisting);
        builder.setCompressionQuality(compressionQuality);
        builder.setNumPreviousAttempts(numPreviousAttempts);
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

        public ClientInfo.Reader client() {
            return _getPointerField(ClientInfo.FACTORY, CLIENT, null, 0);
        }

        /** The raw address bytes. */
        public byte[] originLocalIp() {
            return data(ORIGIN_LOCAL_IP);
        }

        public boolean replaceExisting() {
            return _getBooleanField(REPLACE_EXISTING_BIT);
        }

        public int compressionQuality() {
            return Byte.toUnsignedInt(_getByteField(COMPRESSION_QUALITY_BYTE));
        }

        public int numPreviousAttempts() {
            return Byte.toUnsignedInt(_getByteField(NUM_PREVIOUS_ATTEMPTS_BYTE));
        }
    }

    public static final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }

        public ClientInfo.Builder initClient() {
            return _initPointerField(ClientInfo.FACTORY, CLIENT, 0);
        }

        public Builder setOriginLocalIp(byte[] value) {
            data(ORIGIN_LOCAL_IP, value);
            return this;
        }

        public Builder setReplaceExisting(boolean value) {
            _setBooleanField(REPLACE_EXISTING_BIT, value);
            return this;
        }

        public Builder setCompressionQuality(int value) {
            _setByteField(COMPRESSION_QUALITY_BYTE,
                    (byte) WireValues.checkUnsigned(value, 0xff, "compressionQuality"));
            return this;
        }

        public Builder setNumPreviousAttempts(int value) {
            _setByteField(NUM_PREVIOUS_ATTEMPTS_BYTE,
                    (byte) WireValues.checkUnsigned(value, 0xff, "numPreviousAttempts"));
            return this;
        }
    }
}
