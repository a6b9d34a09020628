package dev.jflared.rpc.message;

import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructBuilder;
import org.capnproto.StructFactory;
import org.capnproto.StructList;
import org.capnproto.StructReader;
import org.capnproto.StructSize;

/** {@code CapDescriptor @0x8523ddc40b86b8b0}: one entry of a payload's capability table. */
public final class CapDescriptor {

    public static final StructSize STRUCT_SIZE = new StructSize((short) 1, (short) 1);
    public static final Factory factory = new Factory();

    public static final int NONE = 0;
    public static final int SENDER_HOSTED = 1;
    public static final int SENDER_PROMISE = 2;
    public static final int RECEIVER_HOSTED = 3;
    public static final int RECEIVER_ANSWER = 4;
    public static final int THIRD_PARTY_HOSTED = 5;
    public static final StructList.Factory<Builder, Reader> listFactory = new StructList.Factory<>(factory);

    private CapDescriptor() {}

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

        /** Union tag, bits [0, 16): one of the constants of {@link CapDescriptor}; other values are unknown. */
        public int which() {
            return Short.toUnsignedInt(_getShortField(0));
        }

        /** The id of {@code senderHosted}, {@code senderPromise} or {@code receiverHosted}, bits [32, 64). */
        public int id() {
            return _getIntField(1);
        }

        /** {@code receiverAnswer @4 :PromisedAnswer}, pointer 0. */
        public PromisedAnswer.Reader receiverAnswer() {
            return _getPointerField(PromisedAnswer.factory, 0);
        }

        /** {@code attachedFd @6 :UInt8 = 255}, bits [16, 24). */
        public int attachedFd() {
            return Byte.toUnsignedInt(_getByteField(2, (byte) -1));
        }
    }

    public static final class Builder extends StructBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, Integer.MAX_VALUE);
        }

        public Builder setSenderHosted(int exportId) {
            _setShortField(0, (short) SENDER_HOSTED);
            _setIntField(1, exportId);
            return this;
        }

        public Builder setReceiverHosted(int importId) {
            _setShortField(0, (short) RECEIVER_HOSTED);
            _setIntField(1, importId);
            return this;
        }

        public Builder setNone() {
            _setShortField(0, (short) NONE);
            return this;
        }
    }
}
