package dev.jflared.rpc.message;

import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructBuilder;
import org.capnproto.StructFactory;
import org.capnproto.StructReader;
import org.capnproto.StructSize;

/** {@code Call @0x836a53ce789d4cd4}: starts a method call on a capability. */
public final class Call {

    public static final StructSize STRUCT_SIZE = new StructSize((short) 3, (short) 3);
    public static final Factory factory = new Factory();

    public static final int SEND_RESULTS_TO_CALLER = 0;
    public static final int SEND_RESULTS_TO_YOURSELF = 1;
    public static final int SEND_RESULTS_TO_THIRD_PARTY = 2;

    private Call() {}

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

        /** {@code questionId @0 :QuestionId}, bits [0, 32). */
        public int questionId() {
            return _getIntField(0);
        }

        /** {@code target @1 :MessageTarget}, pointer 0. */
        public MessageTarget.Reader target() {
            return _getPointerField(MessageTarget.factory, 0);
        }

        /** {@code interfaceId @2 :UInt64}, bits [64, 128). */
        public long interfaceId() {
            return _getLongField(1);
        }

        /** {@code methodId @3 :UInt16}, bits [32, 48). */
        public int methodId() {
            return Short.toUnsignedInt(_getShortField(2));
        }

        /** {@code params @4 :Payload}, pointer 1. */
        public Payload.Reader params() {
            return _getPointerField(Payload.factory, 1);
        }

        /** Tag of the {@code sendResultsTo} union, bits [48, 64): {@link #SEND_RESULTS_TO_CALLER} and others. */
        public int sendResultsTo() {
            return Short.toUnsignedInt(_getShortField(3));
        }

        /** {@code allowThirdPartyTailCall @8 :Bool}, bit 128. */
        public boolean allowThirdPartyTailCall() {
            return _getBooleanField(128);
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

        public MessageTarget.Builder initTarget() {
            return _initPointerField(MessageTarget.factory, 0, 0);
        }

        public Builder setInterfaceId(long interfaceId) {
            _setLongField(1, interfaceId);
            return this;
        }

        public Builder setMethodId(int methodId) {
            _setShortField(2, (short) methodId);
            return this;
        }

        public Payload.Builder initParams() {
            return _initPointerField(Payload.factory, 1, 0);
        }

        public Builder setSendResultsToCaller() {
            _setShortField(3, (short) SEND_RESULTS_TO_CALLER);
            return this;
        }
    }
}
