package dev.jflared.rpc.message;

import org.capnproto.SegmentBuilder;
import org.capnproto.SegmentReader;
import org.capnproto.StructBuilder;
import org.capnproto.StructFactory;
import org.capnproto.StructReader;
import org.capnproto.StructSize;

/** {@code Message @0x91b79f1f808db032}: one RPC message; a union over every message kind. */
public final class Message {

    public static final StructSize STRUCT_SIZE = new StructSize((short) 1, (short) 1);
    public static final Factory factory = new Factory();

    /** The kinds of message, with their union tags from rpc.capnp. */
    public enum Which {
        UNIMPLEMENTED(0), ABORT(1), CALL(2), RETURN(3), FINISH(4), RESOLVE(5), RELEASE(6), OBSOLETE_SAVE(7),
        BOOTSTRAP(8), OBSOLETE_DELETE(9), PROVIDE(10), ACCEPT(11), JOIN(12), DISEMBARGO(13), NOT_IN_SCHEMA(-1);

        private static final Which[] BY_TAG = {
            UNIMPLEMENTED, ABORT, CALL, RETURN, FINISH, RESOLVE, RELEASE, OBSOLETE_SAVE, BOOTSTRAP, OBSOLETE_DELETE,
            PROVIDE, ACCEPT, JOIN, DISEMBARGO,
        };

        /** The union tag on the wire; -1 for {@link #NOT_IN_SCHEMA}. */
        public final int tag;

        Which(int tag) {
            this.tag = tag;
        }

        static Which of(int tag) {
            return tag >= 0 && tag < BY_TAG.length ? BY_TAG[tag] : NOT_IN_SCHEMA;
        }
    }

    private Message() {}

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

        /** The kind of this message; {@link Which#NOT_IN_SCHEMA} for a tag this schema does not know. */
        public Which which() {
            return Which.of(rawWhich());
        }

        /** The union tag as sent, bits [0, 16). */
        public int rawWhich() {
            return Short.toUnsignedInt(_getShortField(0));
        }

        public Message.Reader unimplemented() {
            return _getPointerField(Message.factory, 0);
        }

        public ExceptionInfo.Reader abort() {
            return _getPointerField(ExceptionInfo.factory, 0);
        }

        public Bootstrap.Reader bootstrap() {
            return _getPointerField(Bootstrap.factory, 0);
        }

        public Call.Reader call() {
            return _getPointerField(Call.factory, 0);
        }

        public Return.Reader return_() {
            return _getPointerField(Return.factory, 0);
        }

        public Finish.Reader finish() {
            return _getPointerField(Finish.factory, 0);
        }

        public Resolve.Reader resolve() {
            return _getPointerField(Resolve.factory, 0);
        }

        public Release.Reader release() {
            return _getPointerField(Release.factory, 0);
        }

        public Disembargo.Reader disembargo() {
            return _getPointerField(Disembargo.factory, 0);
        }
    }

    public static final class Builder extends StructBuilder {
        Builder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
            super(segment, data, pointers, dataSize, pointerCount);
        }

        public Reader asReader() {
            return new Reader(segment, data, pointers, dataSize, pointerCount, Integer.MAX_VALUE);
        }

        /** Echoes {@code received} back as {@code unimplemented} (deep copy, as rpc.capnp asks). */
        public Builder setUnimplemented(Message.Reader received) {
            _setShortField(0, (short) Which.UNIMPLEMENTED.tag);
            _setPointerField(Message.factory, 0, received);
            return this;
        }

        /** Starts an {@code unimplemented} echo whose content the caller fills (e.g. only the kind). */
        public Message.Builder initUnimplemented() {
            _setShortField(0, (short) Which.UNIMPLEMENTED.tag);
            return _initPointerField(Message.factory, 0, 0);
        }

        /** Sets the union tag to a raw value; for echoing kinds this schema does not know. */
        public Builder setRawWhich(int tag) {
            _setShortField(0, (short) tag);
            return this;
        }

        public ExceptionInfo.Builder initAbort() {
            _setShortField(0, (short) Which.ABORT.tag);
            return _initPointerField(ExceptionInfo.factory, 0, 0);
        }

        public Bootstrap.Builder initBootstrap() {
            _setShortField(0, (short) Which.BOOTSTRAP.tag);
            return _initPointerField(Bootstrap.factory, 0, 0);
        }

        public Call.Builder initCall() {
            _setShortField(0, (short) Which.CALL.tag);
            return _initPointerField(Call.factory, 0, 0);
        }

        public Return.Builder initReturn() {
            _setShortField(0, (short) Which.RETURN.tag);
            return _initPointerField(Return.factory, 0, 0);
        }

        public Finish.Builder initFinish() {
            _setShortField(0, (short) Which.FINISH.tag);
            return _initPointerField(Finish.factory, 0, 0);
        }

        public Resolve.Builder initResolve() {
            _setShortField(0, (short) Which.RESOLVE.tag);
            return _initPointerField(Resolve.factory, 0, 0);
        }

        public Release.Builder initRelease() {
            _setShortField(0, (short) Which.RELEASE.tag);
            return _initPointerField(Release.factory, 0, 0);
        }

        public Disembargo.Builder initDisembargo() {
            _setShortField(0, (short) Which.DISEMBARGO.tag);
            return _initPointerField(Disembargo.factory, 0, 0);
        }
    }
}
