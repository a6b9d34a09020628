package dev.jflared.rpc;

import org.capnproto.Data;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructBuilder;
import org.capnproto.StructFactory;
import org.capnproto.StructReader;
import org.capnproto.StructSize;
import org.capnproto.Text;

/**
 * A struct of any size with untyped field access, for tests that need params or results of tunnelrpc methods before
 * the typed classes of {@code dev.jflared.rpc.schema} are wired in. Offsets are in units of the field width, as in
 * the runtime.
 */
final class RawStruct {

    private RawStruct() {}

    static Factory factory(int dataWords, int pointers) {
        return new Factory(new StructSize((short) dataWords, (short) pointers));
    }

    static final class Factory extends StructFactory<Builder, Reader> {
        private final StructSize size;

        Factory(StructSize size) {
            this.size = size;
        }

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
            return size;
        }

        @Override
        public Reader asReader(Builder builder) {
            return new Reader(builder.segment(), builder.data(), builder.pointers(), builder.dataSize(),
                    builder.pointerCount(), Integer.MAX_VALUE);
        }
    }

    static final class Reader extends StructReader {
        Reader(SegmentReader segment, int data, int pointers, int dataSize, short pointerCount, int nestingLimit) {
            super(segment, data, pointers, dataSize, pointerCount, nestingLimit);
        }

        int getInt(int offset) {
            return _getIntField(offset);
        }

        short getShort(int offset) {
            return _getShortField(offset);
        }

        boolean getBoolean(int bit) {
            return _getBooleanField(bit);
        }

        String getText(int pointer) {
            return _getPointerField(Text.factory, pointer, null, 0, 0).toString();
        }

        byte[] getData(int pointer) {
            return _getPointerField(Data.factory, pointer, null, 0, 0).toArray();
        }

        Reader getStruct(int pointer, RawStruct.Factory factory) {
            return _getPointerField(factory, pointer);
        }
    }

    static final class Builder extends StructBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        SegmentBuilder segment() {
            return segment;
        }

        int data() {
            return data;
        }

        int pointers() {
            return pointers;
        }

        int dataSize() {
            return dataSize;
        }

        short pointerCount() {
            return pointerCount;
        }

        Builder setInt(int offset, int value) {
            _setIntField(offset, value);
            return this;
        }

        Builder setShort(int offset, short value) {
            _setShortField(offset, value);
            return this;
        }

        Builder setText(int pointer, String value) {
            _setPointerField(Text.factory, pointer, new Text.Reader(value));
            return this;
        }

        Builder setData(int pointer, byte[] value) {
            _setPointerField(Data.factory, pointer, new Data.Reader(value));
            return this;
        }

        Builder initStruct(int pointer, RawStruct.Factory factory) {
            return _initPointerField(factory, pointer, 0);
        }
    }
}
