package dev.jflared.rpc.schema;

import org.capnproto.Data;
import org.capnproto.SegmentBuilder;
import org.capnproto.StructBuilder;
import org.capnproto.Text;

/**
 * The base of every typed builder here. An empty text or data value is written as a null pointer, as
 * cloudflared's Go encoder does (its ConnectResponse with no error has a null {@code error} pointer), so
 * that our messages can be byte-for-byte identical to cloudflared's.
 */
abstract class SchemaBuilder extends StructBuilder {

    SchemaBuilder(SegmentBuilder segment, int data, int pointers, int dataSize, short pointerCount) {
        super(segment, data, pointers, dataSize, pointerCount);
    }

    final void text(int pointer, String value) {
        if (value.isEmpty()) {
            _clearPointerField(pointer);
        } else {
            _setPointerField(Text.factory, pointer, new Text.Reader(value));
        }
    }

    final void data(int pointer, byte[] value) {
        if (value.length == 0) {
            _clearPointerField(pointer);
        } else {
            _setPointerField(Data.factory, pointer, new Data.Reader(value));
        }
    }
}
