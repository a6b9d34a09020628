package dev.jflared.rpc.message;

import org.capnproto.AnyPointer;
import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructBuilder;
import org.capnproto.StructFactory;
import org.capnproto.StructList;
import org.capnproto.StructReader;
import org.capnproto.StructSize;

/** {@code Payload @0x9a0e61223d96743b}: call parameters or results plus the capabilities they refer to. */
public final class Payload {

    public static final StructSize STRUCT_SIZE = new StructSize((short) 0, (short) 2);
    public static final Factory factory = new Factory();

    private static final long POINTER_KIND_MASK = 3L;
    private static final long KIND_OTHER = 3L;
    private static final long OTHER_SUBKIND_MASK = 0xFFFF_FFFCL;

    /** A capability pointer (encoding spec: kind 3, B = 0, index in the upper 32 bits). */
    static long capabilityPointer(int index) {
        return ((long) index << 32) | KIND_OTHER;
    }

    /** The index held by a capability pointer word, or -1 when the word is not a capability pointer. */
    static int capabilityIndex(long word) {
        if ((word & POINTER_KIND_MASK) != KIND_OTHER || (word & OTHER_SUBKIND_MASK) != 0) {
            return -1;
        }
        return (int) (word >>> 32);
    }

    private Payload() {}

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

        /** {@code content @0 :AnyPointer}, pointer 0: the params or results struct. */
        public AnyPointer.Reader content() {
            return _getPointerField(AnyPointer.factory, 0);
        }

        /**
         * The capability table index the content points at when the content is a capability pointer (as in the
         * answer to {@code Bootstrap}), or -1 when it is anything else.
         */
        public int contentCapabilityIndex() {
            if (pointerCount < 1) {
                return -1;
            }
            return capabilityIndex(segment.get(pointers));
        }

        /** {@code capTable @1 :List(CapDescriptor)}, pointer 1. */
        public StructList.Reader<CapDescriptor.Reader> capTable() {
            return _getPointerField(CapDescriptor.listFactory, 1);
        }
    }

    public static final class Builder extends StructBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, Integer.MAX_VALUE);
        }

        /** {@code content @0 :AnyPointer}, pointer 0, for the caller to init as its params or results struct. */
        public AnyPointer.Builder content() {
            return _getPointerField(AnyPointer.factory, 0);
        }

        /** Makes the content a capability pointer to entry {@code index} of the capability table. */
        public Builder setContentCapability(int index) {
            segment.put(pointers, capabilityPointer(index));
            return this;
        }

        public StructList.Builder<CapDescriptor.Builder> initCapTable(int size) {
            return _initPointerField(CapDescriptor.listFactory, 1, size);
        }
    }
}
