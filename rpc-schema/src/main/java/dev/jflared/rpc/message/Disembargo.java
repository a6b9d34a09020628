package dev.jflared.rpc.message;

import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructBuilder;
import org.capnproto.StructFactory;
import org.capnproto.StructReader;
import org.capnproto.StructSize;

/** {@code Disembargo @0xf964368b0fbd3711}: lifts an embargo on a resolved promise. */
public final class Disembargo {

    public static final StructSize STRUCT_SIZE = new StructSize((short) 1, (short) 1);
    public static final Factory factory = new Factory();

    public static final int SENDER_LOOPBACK = 0;
    public static final int RECEIVER_LOOPBACK = 1;
    public static final int ACCEPT = 2;
    public static final int PROVIDE = 3;

    private Disembargo() {}

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

        /** {@code target @0 :MessageTarget}, pointer 0. */
        public MessageTarget.Reader target() {
            return _getPointerField(MessageTarget.factory, 0);
        }

        /** Tag of the {@code context} union, bits [32, 48): {@link #SENDER_LOOPBACK} and others. */
        public int context() {
            return Short.toUnsignedInt(_getShortField(2));
        }

        /** The embargo id of {@code senderLoopback}/{@code receiverLoopback} (or {@code provide}), bits [0, 32). */
        public int contextId() {
            return _getIntField(0);
        }
    }

    public static final class Builder extends StructBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, Integer.MAX_VALUE);
        }

        public MessageTarget.Builder initTarget() {
            return _initPointerField(MessageTarget.factory, 0, 0);
        }

        public Builder setSenderLoopback(int embargoId) {
            _setShortField(2, (short) SENDER_LOOPBACK);
            _setIntField(0, embargoId);
            return this;
        }

        public Builder setReceiverLoopback(int embargoId) {
            _setShortField(2, (short) RECEIVER_LOOPBACK);
            _setIntField(0, embargoId);
            return this;
        }
    }
}
