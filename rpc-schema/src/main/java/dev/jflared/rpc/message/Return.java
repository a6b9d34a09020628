package dev.jflared.rpc.message;

import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructBuilder;
import org.capnproto.StructFactory;
import org.capnproto.StructReader;
import org.capnproto.StructSize;

/** {@code Return @0x9e19b28d3db3573a}: completes a call or bootstrap. */
public final class Return {

    public static final StructSize STRUCT_SIZE = new StructSize((short) 2, (short) 1);
    public static final Factory factory = new Factory();

    public static final int RESULTS = 0;
    public static final int EXCEPTION = 1;
    public static final int CANCELED = 2;
    public static final int RESULTS_SENT_ELSEWHERE = 3;
    public static final int TAKE_FROM_OTHER_QUESTION = 4;
    public static final int ACCEPT_FROM_THIRD_PARTY = 5;

    private Return() {}

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

        /** {@code answerId @0 :AnswerId}, bits [0, 32). */
        public int answerId() {
            return _getIntField(0);
        }

        /** {@code releaseParamCaps @1 :Bool = true}, bit 32. */
        public boolean releaseParamCaps() {
            return _getBooleanField(32, true);
        }

        /** Union tag, bits [48, 64): {@link #RESULTS}, {@link #EXCEPTION}, ...; other values are unknown. */
        public int which() {
            return Short.toUnsignedInt(_getShortField(3));
        }

        /** {@code results @2 :Payload}, pointer 0. */
        public Payload.Reader results() {
            return _getPointerField(Payload.factory, 0);
        }

        /** {@code exception @3 :Exception}, pointer 0. */
        public ExceptionInfo.Reader exception() {
            return _getPointerField(ExceptionInfo.factory, 0);
        }

        /** {@code takeFromOtherQuestion @6 :QuestionId}, bits [64, 96). */
        public int takeFromOtherQuestion() {
            return _getIntField(2);
        }
    }

    public static final class Builder extends StructBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, Integer.MAX_VALUE);
        }

        public Builder setAnswerId(int answerId) {
            _setIntField(0, answerId);
            return this;
        }

        public Builder setReleaseParamCaps(boolean release) {
            _setBooleanField(32, release, true);
            return this;
        }

        public Payload.Builder initResults() {
            _setShortField(3, (short) RESULTS);
            return _initPointerField(Payload.factory, 0, 0);
        }

        public ExceptionInfo.Builder initException() {
            _setShortField(3, (short) EXCEPTION);
            return _initPointerField(ExceptionInfo.factory, 0, 0);
        }

        public Builder setCanceled() {
            _setShortField(3, (short) CANCELED);
            return this;
        }
    }
}
