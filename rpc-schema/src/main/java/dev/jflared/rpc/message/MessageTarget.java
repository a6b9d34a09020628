package dev.jflared.rpc.message;

import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructBuilder;
import org.capnproto.StructFactory;
import org.capnproto.StructReader;
import org.capnproto.StructSize;

/** {@code MessageTarget @0x95bc14545813fbc1}: what a call or disembargo is addressed to. */
public final class MessageTarget {

    public static final StructSize STRUCT_SIZE = new StructSize((short) 1, (short) 1);
    public static final Factory factory = new Factory();

    public static final int IMPORTED_CAP = 0;
    public static final int PROMISED_ANSWER = 1;

    private MessageTarget() {}

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

        /** Union tag, bits [32, 48): {@link #IMPORTED_CAP} or {@link #PROMISED_ANSWER}; other values are unknown. */
        public int which() {
            return Short.toUnsignedInt(_getShortField(2));
        }

        /** {@code importedCap @0 :ImportId}, bits [0, 32). */
        public int importedCap() {
            return _getIntField(0);
        }

        /** {@code promisedAnswer @1 :PromisedAnswer}, pointer 0. */
        public PromisedAnswer.Reader promisedAnswer() {
            return _getPointerField(PromisedAnswer.factory, 0);
        }
    }

    public static final class Builder extends StructBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, Integer.MAX_VALUE);
        }

        public Builder setImportedCap(int importId) {
            _setShortField(2, (short) IMPORTED_CAP);
            _setIntField(0, importId);
            return this;
        }

        public PromisedAnswer.Builder initPromisedAnswer() {
            _setShortField(2, (short) PROMISED_ANSWER);
            return _initPointerField(PromisedAnswer.factory, 0, 0);
        }
    }
}
