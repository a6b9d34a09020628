package dev.jflared.rpc.schema;

import static java.util.Objects.requireNonNull;

import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructSize;

/**
 * The connector's answer to {@code updateConfiguration}: struct {@code UpdateConfigurationResponse}
 * ({@code @0xdb58ff694ba05cf9}) of {@code tunnelrpc.capnp}. An {@code err} next to the version means the
 * connector kept an older configuration because the newest could not be applied.
 *
 * @param err empty when the configuration was applied
 */
public record UpdateConfigurationResponse(int latestAppliedVersion, String err) {

    /** Layout from {@code capnp compile -ocapnp}: 1 data word, 1 pointer. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 1, (short) 1);
    public static final Factory FACTORY = new Factory();

    private static final int LATEST_APPLIED_VERSION_INT = 0;
    private static final int ERR = 0;

    public UpdateConfigurationResponse {
        requireNonNull(err, "err");
    }

    public static UpdateConfigurationResponse read(Reader reader) {
        return new UpdateConfigurationResponse(reader.latestAppliedVersion(), reader.err());
    }

    public void write(Builder builder) {
        builder.setLatestAppliedVersion(latestAppliedVersion);
        builder.setErr(err);
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

        public int latestAppliedVersion() {
            return _getIntField(LATEST_APPLIED_VERSION_INT);
        }

        public String err() {
            return text(ERR);
        }
    }

    public static final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }

        public Builder setLatestAppliedVersion(int value) {
            _setIntField(LATEST_APPLIED_VERSION_INT, value);
            return this;
        }

        public Builder setErr(String value) {
            text(ERR, requireNonNull(value, "err"));
            return this;
        }
    }
}
