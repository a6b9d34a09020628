package dev.jflared.rpc.message;

import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructBuilder;
import org.capnproto.StructFactory;
import org.capnproto.StructList;
import org.capnproto.StructReader;
import org.capnproto.StructSize;

/** {@code PromisedAnswer.Op @0xf316944415569081}: one step of a pipelined transform. */
public final class PromisedAnswerOp {

    public static final StructSize STRUCT_SIZE = new StructSize((short) 1, (short) 0);
    public static final Factory factory = new Factory();

    public static final int NOOP = 0;
    public static final int GET_POINTER_FIELD = 1;
    public static final StructList.Factory<Builder, Reader> listFactory = new StructList.Factory<>(factory);

    private PromisedAnswerOp() {}

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

        /** Union tag, bits [0, 16): {@link #NOOP} or {@link #GET_POINTER_FIELD}; other values are unknown. */
        public int which() {
            return Short.toUnsignedInt(_getShortField(0));
        }

        /** {@code getPointerField @1 :UInt16}, bits [16, 32). */
        public int getPointerField() {
            return Short.toUnsignedInt(_getShortField(1));
        }
    }

    public static final class Builder extends StructBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, Integer.MAX_VALUE);
        }

        public Builder setNoop() {
            _setShortField(0, (short) NOOP);
            return this;
        }

        public Builder setGetPointerField(int pointerIndex) {
            _setShortField(0, (short) GET_POINTER_FIELD);
            _setShortField(1, (short) pointerIndex);
            return this;
        }
    }
}
