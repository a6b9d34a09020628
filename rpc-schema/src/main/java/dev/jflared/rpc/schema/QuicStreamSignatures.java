package dev.jflared.rpc.schema;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * The preambles that open every edge-initiated QUIC stream, and a classifier for a stream's first bytes.
 *
 * <p>Source: cloudflared's {@code tunnelrpc/quic/protocol.go}. A data stream starts with
 * {@link #DATA_STREAM_SIGNATURE} followed by the two ASCII bytes of {@link #DATA_STREAM_VERSION}, then a
 * {@code ConnectRequest} message; the connector answers with the same eight bytes and a
 * {@code ConnectResponse}. An RPC stream starts with {@link #RPC_STREAM_SIGNATURE} alone and carries
 * Cap'n Proto RPC; the connector does not echo it. The control stream (opened by the connector) has no
 * preamble.
 *
 * <p>cloudflared reads the version bytes without checking them, so {@link #classify} does the same: any
 * two bytes after the data signature make a data stream.
 */
public final class QuicStreamSignatures {

    private static final byte[] DATA_STREAM_SIGNATURE =
            {0x0A, 0x36, (byte) 0xCD, 0x12, (byte) 0xA1, 0x3E};
    private static final byte[] RPC_STREAM_SIGNATURE =
            {0x52, (byte) 0xBB, (byte) 0x82, 0x5C, (byte) 0xDB, 0x65};
    private static final byte[] DATA_STREAM_VERSION = {'0', '1'};

    /** Length of either signature. */
    public static final int SIGNATURE_LENGTH = 6;
    /** Signature plus version: what precedes a data stream's {@code ConnectRequest} or {@code ConnectResponse}. */
    public static final int DATA_STREAM_PREAMBLE_LENGTH = SIGNATURE_LENGTH + 2;

    /** What the first bytes of a stream say it is. */
    public enum StreamKind {
        /** A data stream; its preamble is {@link #DATA_STREAM_PREAMBLE_LENGTH} bytes. */
        DATA(DATA_STREAM_PREAMBLE_LENGTH),
        /** An RPC stream; its preamble is {@link #SIGNATURE_LENGTH} bytes. */
        RPC(SIGNATURE_LENGTH),
        /** Neither signature: cloudflared closes such a stream. */
        UNKNOWN(0),
        /** Too few bytes yet to decide; wait for more. */
        NEEDS_MORE_BYTES(0);

        private final int preambleLength;

        StreamKind(int preambleLength) {
            this.preambleLength = preambleLength;
        }

        /** How many bytes to skip before the stream's Cap'n Proto messages; 0 when there is no preamble. */
        public int preambleLength() {
            return preambleLength;
        }
    }

    private QuicStreamSignatures() {}

    /** The data stream signature {@code 0A 36 CD 12 A1 3E}; a fresh copy. */
    public static byte[] dataStreamSignature() {
        return DATA_STREAM_SIGNATURE.clone();
    }

    /** The RPC stream signature {@code 52 BB 82 5C DB 65}; a fresh copy. */
    public static byte[] rpcStreamSignature() {
        return RPC_STREAM_SIGNATURE.clone();
    }

    /** The data stream protocol version, ASCII {@code "01"}; a fresh copy. */
    public static byte[] dataStreamVersion() {
        return DATA_STREAM_VERSION.clone();
    }

    /**
     * Classifies a stream by the readable bytes of {@code in}, without moving its reader index. The caller
     * keeps ownership of {@code in}. Once the result is not {@link StreamKind#NEEDS_MORE_BYTES}, skip
     * {@link StreamKind#preambleLength()} bytes.
     */
    public static StreamKind classify(ByteBuf in) {
        int readable = in.readableBytes();
        byte[] head = new byte[Math.min(readable, SIGNATURE_LENGTH)];
        in.getBytes(in.readerIndex(), head);
        boolean maybeData = startsLike(head, DATA_STREAM_SIGNATURE);
        boolean maybeRpc = startsLike(head, RPC_STREAM_SIGNATURE);
        if (!maybeData && !maybeRpc) {
            return StreamKind.UNKNOWN;
        }
        if (maybeRpc) {
            return readable >= SIGNATURE_LENGTH ? StreamKind.RPC : StreamKind.NEEDS_MORE_BYTES;
        }
        return readable >= DATA_STREAM_PREAMBLE_LENGTH ? StreamKind.DATA : StreamKind.NEEDS_MORE_BYTES;
    }

    /** Writes the eight-byte data stream preamble to {@code out}; the caller keeps ownership of {@code out}. */
    public static void writeDataStreamPreamble(ByteBuf out) {
        out.writeBytes(DATA_STREAM_SIGNATURE).writeBytes(DATA_STREAM_VERSION);
    }

    private static boolean startsLike(byte[] head, byte[] signature) {
        return Arrays.equals(head, 0, head.length, signature, 0, head.length);
    }
}
