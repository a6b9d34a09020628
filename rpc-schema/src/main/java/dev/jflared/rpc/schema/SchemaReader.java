package dev.jflared.rpc.schema;

import org.capnproto.Data;
import org.capnproto.SegmentReader;
import org.capnproto.StructReader;
import org.capnproto.Text;

/**
 * The base of every typed reader here: reads a null pointer as the schema's default (empty text, empty
 * data), which is how Cap'n Proto encodes an unset or empty field.
 */
abstract class SchemaReader extends StructReader {

    /** What a builder's {@code asReader()} allows: its own message was already built in memory. */
    static final int NO_NESTING_LIMIT = Integer.MAX_VALUE;

    SchemaReader(SegmentReader segment, int data, int pointers, int dataSize, short pointerCount,
            int nestingLimit) {
        super(segment, data, pointers, dataSize, pointerCount, nestingLimit);
    }

    final String text(int pointer) {
        if (_pointerFieldIsNull(pointer)) {
            return "";
        }
        return _getPointerField(Text.factory, pointer, null, 0, 0).toString();
    }

    final byte[] data(int pointer) {
        if (_pointerFieldIsNull(pointer)) {
            return new byte[0];
        }
        return _getPointerField(Data.factory, pointer, null, 0, 0).toArray();
    }

    final boolean has(int pointer) {
        return !_pointerFieldIsNull(pointer);
    }
}
