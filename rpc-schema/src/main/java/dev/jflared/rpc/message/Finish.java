package dev.jflared.rpc.message;

import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructBuilder;
import org.capnproto.StructFactory;
import org.capnproto.StructReader;
import org.capnproto.StructSize;

/** {@code Finish @0xd37d2eb2c2f80e63}: the caller is done with a question (releases the answer or cancels the call). */
public final class Finish {

    public static final StructSize STRUCT_SIZE = new StructSize((short) 1, (short) 0);
    public static final Factory factory = new Factory();

    private Finish() {}

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

        /** {@code questionId @0 :UInt32}, bits [0, 32). */
        public int questionId() {
            return _getIntField(0);
        }

        /** {@code releaseResultCaps @1 :Bool = true}, bit 32. */
        public boolean releaseResultCaps() {
            return _getBooleanField(32, true);
        }
    }

    public static final class Builder extends StructBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, Integer.MAX_VALUE);
        }

        public Builder setQuestionId(int questionId) {
            _setIntField(0, questionId);
            return this;
        }

        public Builder setReleaseResultCaps(boolean release) {
            _setBooleanField(32, release, true);
            return this;
        }
    }
}
