package dev.jflared.rpc.schema;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructFactory;
import org.capnproto.StructList;
import org.capnproto.StructSize;

/**
 * One key/value entry of a {@link ConnectRequest} or {@link ConnectResponse}: struct {@code Metadata}
 * ({@code @0xe1446b97bfd1cd37}) of {@code quic_metadata_protocol.capnp}. HTTP headers travel as
 * {@code HttpHeader:<Name>} keys, one entry per value (shared/protocol/NOTES.md).
 */
public record Metadata(String key, String val) {

    /** Layout from {@code capnp compile -ocapnp}: 0 data words, 2 pointers. */
    public static final StructSize STRUCT_SIZE = new StructSize((short) 0, (short) 2);
    public static final Factory FACTORY = new Factory();
    public static final StructList.Factory<Builder, Reader> LIST_FACTORY = new StructList.Factory<>(FACTORY);

    private static final int KEY = 0;
    private static final int VAL = 1;

    public Metadata {
        requireNonNull(key, "key");
        requireNonNull(val, "val");
    }

    /** Copies the entry out of the message. */
    public static Metadata read(Reader reader) {
        return new Metadata(reader.key(), reader.val());
    }

    public void write(Builder builder) {
        builder.setKey(key);
        builder.setVal(val);
    }

    static List<Metadata> readList(StructList.Reader<Reader> list) {
        List<Metadata> entries = new ArrayList<>(list.size());
        for (Reader entry : list) {
            entries.add(read(entry));
        }
        return List.copyOf(entries);
    }

    static void writeList(List<Metadata> entries, StructList.Builder<Builder> list) {
        for (int i = 0; i < entries.size(); i++) {
            entries.get(i).write(list.get(i));
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

        public String key() {
            return text(KEY);
        }

        public String val() {
            return text(VAL);
        }
    }

    public static final class Builder extends SchemaBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, SchemaReader.NO_NESTING_LIMIT);
        }

        public Builder setKey(String value) {
            text(KEY, requireNonNull(value, "key"));
            return this;
        }

        public Builder setVal(String value) {
            text(VAL, requireNonNull(value, "val"));
            return this;
        }
    }
}
