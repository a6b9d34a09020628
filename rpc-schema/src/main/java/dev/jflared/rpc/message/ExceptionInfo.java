package dev.jflared.rpc.message;

import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructBuilder;
import org.capnproto.StructFactory;
import org.capnproto.StructReader;
import org.capnproto.StructSize;
import org.capnproto.Text;

/** {@code Exception @0xd625b7063acf691a}: why a call, a promise or the whole connection failed. Named so as not to be mistaken for a {@link Throwable}. */
public final class ExceptionInfo {

    public static final StructSize STRUCT_SIZE = new StructSize((short) 1, (short) 2);
    public static final Factory factory = new Factory();

    public static final int FAILED = 0;
    public static final int OVERLOADED = 1;
    public static final int DISCONNECTED = 2;
    public static final int UNIMPLEMENTED = 3;

    private ExceptionInfo() {}

    public static final class Factory extends StructFactory<Builder, Reader> {
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

    public static final class Reader extends StructReader {
        Reader(SegmentReader segment, int data, int pointers, int dataSize, short pointerCount, int nestingLimit) {
            super(segment, data, pointers, dataSize, pointerCount, nestingLimit);
        }

        /** {@code reason @0 :Text}, pointer 0; empty when absent. */
        public String reason() {
            return _pointerFieldIsNull(0) ? "" : _getPointerField(Text.factory, 0, null, 0, 0).toString();
        }

        /** {@code type @3 :Type}, bits [32, 48): {@link #FAILED}, {@link #OVERLOADED}, {@link #DISCONNECTED},
         *  {@link #UNIMPLEMENTED}; other values are unknown. */
        public int type() {
            return Short.toUnsignedInt(_getShortField(2));
        }
    }

    public static final class Builder extends StructBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, Integer.MAX_VALUE);
        }

        public Builder setReason(String reason) {
            _setPointerField(Text.factory, 0, new Text.Reader(reason));
            return this;
        }

        public Builder setType(int type) {
            _setShortField(2, (short) type);
            return this;
        }
    }
}
