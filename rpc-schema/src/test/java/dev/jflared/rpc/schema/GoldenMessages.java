package dev.jflared.rpc.schema;

import dev.jflared.testing.Golden;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.util.Arrays;
import org.capnproto.AnyPointer;
import org.capnproto.MessageBuilder;
import org.capnproto.MessageReader;
import org.capnproto.Serialize;

/** Reads the golden Cap'n Proto captures with the runtime's standard (unpacked) framing. */
final class GoldenMessages {

    private GoldenMessages() {}

    /** One framed message, e.g. a {@code decoded/split/*.content.bin} file. */
    static MessageReader message(String relative) {
        return read(Golden.bytes(relative));
    }

    /** The root of a standalone params/results message, as an RPC payload's content pointer would be. */
    static AnyPointer.Reader content(String relative) {
        return message(relative).getRoot(AnyPointer.factory);
    }

    static MessageReader read(byte[] framed) {
        try {
            return Serialize.read(ByteBuffer.wrap(framed));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(MessageBuilder message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Serialize.write(Channels.newChannel(out), message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Splits a QUIC data stream capture into its preamble, its one framed message and the body after it. */
    static DataStream dataStream(String relative) {
        byte[] stream = Golden.bytes(relative);
        int start = QuicStreamSignatures.DATA_STREAM_PREAMBLE_LENGTH;
        int end = start + framedLength(stream, start);
        return new DataStream(Arrays.copyOf(stream, start), Arrays.copyOfRange(stream, start, end),
                Arrays.copyOfRange(stream, end, stream.length));
    }

    /** Standard framing: u32 segment count - 1, u32 words per segment, padding to 8 bytes, segments. */
    private static int framedLength(byte[] stream, int offset) {
        ByteBuffer header = ByteBuffer.wrap(stream, offset, stream.length - offset).order(ByteOrder.LITTLE_ENDIAN);
        int segments = header.getInt() + 1;
        long words = 0;
        for (int i = 0; i < segments; i++) {
            words += Integer.toUnsignedLong(header.getInt());
        }
        int headerBytes = (4 + 4 * segments + 7) / 8 * 8;
        return Math.toIntExact(headerBytes + words * 8);
    }

    record DataStream(byte[] preamble, byte[] message, byte[] body) {
        MessageReader reader() {
            return read(message);
        }
    }
}
