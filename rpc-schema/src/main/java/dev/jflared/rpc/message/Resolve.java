package dev.jflared.rpc.message;

import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructBuilder;
import org.capnproto.StructFactory;
import org.capnproto.StructReader;
import org.capnproto.StructSize;

/** {@code Resolve @0xbbc29655fa89086e}: a promise the sender exported has settled. */
public final class Resolve {

    public static final StructSize STRUCT_SIZE = new StructSize((short) 1, (short) 1);
    public static final Factory factory = new Factory();

    public static final int CAP = 0;
    public static final int EXCEPTION = 1;

    private Resolve() {}

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

        /** {@code promiseId @0 :ExportId}, bits [0, 32). */
        public int promiseId() {
            return _getIntField(0);
        }

        /** Union tag, bits [32, 48): {@link #CAP} or {@link #EXCEPTION}; other values are unknown. */
        public int which() {
            return Short.toUnsignedInt(_getShortField(2));
        }

        /** {@code cap @1 :CapDescriptor}, pointer 0. */
        public CapDescriptor.Reader cap() {
            return _getPointerField(CapDescriptor.factory, 0);
        }

        /** {@code exception @2 :Exception}, pointer 0. */
        public ExceptionInfo.Reader exception() {
            return _getPointerField(ExceptionInfo.factory, 0);
        }
    }

    public static final class Builder extends StructBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, Integer.MAX_VALUE);
        }

        public Builder setPromiseId(int promiseId) {
            _setIntField(0, promiseId);
            return this;
        }

        public CapDescriptor.Builder initCap() {
            _setShortField(2, (short) CAP);
            return _initPointerField(CapDescriptor.factory, 0, 0);
        }

        public ExceptionInfo.Builder initException() {
            _setShortField(2, (short) EXCEPTION);
            return _initPointerField(ExceptionInfo.factory, 0, 0);
        }
    }
}
