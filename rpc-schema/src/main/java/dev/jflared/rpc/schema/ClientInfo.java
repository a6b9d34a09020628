package dev.jflared.rpc.schema;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructSize;
import org.capnproto.Text;
import org.capnproto.TextList;

/**
 * Who is connecting: struct {@code ClientInfo} ({@code @0x83ced0145b2f114b}) of {@code tunnelrpc.capnp}.
 *
 * @param clientId the connector's id, one per process; 16 raw bytes on the wire
 * @param features feature flags such as {@code allow_remote_config}; cloudflared sends them in no fixed order
 * @param version the connector's version, e.g. {@code 2025.5.0}
 * @param arch {@code <os>_<cpu>} as Go names them, e.g. {@code linux_amd64}
 */
public record ClientInfo(UUID clientId, List<String> features, String version, String arch) {

    /** Layout from {@code capnp compile -ocapnp}: 0 data words, 4 pointers. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 0, (short) 4);
    public static final Factory FACTORY = new Factory();

    private static final int CLIENT_ID = 0;
    private static final int FEATURES = 1;
    private static final int VERSION = 2;
    private static final int ARCH = 3;

    public ClientInfo {
        requireNonNull(clientId, "clientId");
        features = List.copyOf(features);
        requireNonNull(version, "version");
        requireNonNull(arch, "arch");
    }

    /** Copies the client info out of the message; a clientId that is not 16 bytes fails. */
    public static ClientInfo read(Reader reader) {
        return new ClientInfo(WireValues.uuid(reader.clientId(), "ClientInfo.clientId"), reader.features(),
                reader.version(), reader.arch());
    }

    public void write(Builder builder) {
        builder.setClientId(WireValues.uuidBytes(clientId));
        builder.setFeatures(features);
        builder.setVersion(version);
        builder.setArch(arch);
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

        /** The raw id bytes (16 when sent by cloudflared). */
        public byte[] clientId() {
            return data(CLIENT_ID);
        }

        /** The features in wire order. */
        public List<String> features() {
            TextList.Reader list = _getPointerField(TextList.factory, FEATURES, null, 0);
            List<String> features = new ArrayList<>(list.size());
            for (Text.Reader feature : list) {
                features.add(feature.toString());
            }
            return List.copyOf(features);
        }

        public String version() {
            return text(VERSION);
        }

        public String arch() {
            return text(ARCH);
        }
    }

    public static final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }

        public Builder setClientId(byte[] value) {
            data(CLIENT_ID, value);
            return this;
        }

        public Builder setFeatures(List<String> values) {
            TextList.Builder list = _initPointerField(TextList.factory, FEATURES, values.size());
            for (int i = 0; i < values.size(); i++) {
                list.set(i, new Text.Reader(values.get(i)));
            }
            return this;
        }

        public Builder setVersion(String value) {
            text(VERSION, requireNonNull(value, "version"));
            return this;
        }

        public Builder setArch(String value) {
            text(ARCH, requireNonNull(value, "arch"));
            return this;
        }
    }
}
