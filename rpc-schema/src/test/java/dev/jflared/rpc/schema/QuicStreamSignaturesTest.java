package dev.jflared.rpc.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.rpc.schema.QuicStreamSignatures.StreamKind;
import dev.jflared.testing.Golden;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class QuicStreamSignaturesTest {

    @Test
    void goldenDataStreamsAreClassifiedAsData() {
        for (String name : new String[] {"data1", "data2", "data3"}) {
            assertThat(classify(Golden.bytes("quic/raw/quic-conn1/" + name + ".edge2cfd.bin")))
                    .as(name).isEqualTo(StreamKind.DATA);
        }
    }

    @Test
    void goldenRpcStreamIsClassifiedAsRpc() {
        assertThat(classify(Golden.bytes("quic/raw/quic-conn1/rpc1.edge2cfd.bin"))).isEqualTo(StreamKind.RPC);
        assertThat(StreamKind.RPC.preambleLength()).isEqualTo(6);
    }

    @Test
    void theControlStreamHasNoSignature() {
        assertThat(classify(Golden.bytes("quic/raw/quic-conn1/control.cfd2edge.bin"))).isEqualTo(StreamKind.UNKNOWN);
    }

    @Test
    void everyProperPrefixOfAPreambleNeedsMoreBytes() {
        byte[] data = Golden.bytes("quic/raw/quic-conn1/data1.edge2cfd.bin");
        byte[] rpc = Golden.bytes("quic/raw/quic-conn1/rpc1.edge2cfd.bin");

        for (int length = 0; length < QuicStreamSignatures.DATA_STREAM_PREAMBLE_LENGTH; length++) {
            assertThat(classify(Arrays.copyOf(data, length))).as("data prefix %d", length)
                    .isEqualTo(StreamKind.NEEDS_MORE_BYTES);
        }
        for (int length = 0; length < QuicStreamSignatures.SIGNATURE_LENGTH; length++) {
            assertThat(classify(Arrays.copyOf(rpc, length))).as("rpc prefix %d", length)
                    .isEqualTo(StreamKind.NEEDS_MORE_BYTES);
        }
    }

    @Test
    void aWrongFirstByteIsUnknownAtOnce() {
        assertThat(classify(new byte[] {0x0B})).isEqualTo(StreamKind.UNKNOWN);
        assertThat(classify(new byte[] {0x0A, 0x36, (byte) 0xCD, 0x12, (byte) 0xA1, 0x3F, '0', '1'}))
                .isEqualTo(StreamKind.UNKNOWN);
    }

    @Test
    void classifyDoesNotMoveTheReaderIndex() {
        ByteBuf in = Unpooled.wrappedBuffer(Golden.bytes("quic/raw/quic-conn1/data1.edge2cfd.bin"));
        try {
            QuicStreamSignatures.classify(in);

            assertThat(in.readerIndex()).isZero();
        } finally {
            in.release();
        }
    }

    @Test
    void writtenPreambleIsTheOneCloudflaredSends() {
        byte[] golden = Arrays.copyOf(Golden.bytes("quic/raw/quic-conn1/data1.cfd2edge.bin"), 8);
        ByteBuf out = Unpooled.buffer();
        try {
            QuicStreamSignatures.writeDataStreamPreamble(out);

            assertThat(readAll(out)).isEqualTo(golden);
        } finally {
            out.release();
        }
    }

    @Test
    void constantsAreCopies() {
        QuicStreamSignatures.dataStreamSignature()[0] = 0;

        assertThat(QuicStreamSignatures.dataStreamSignature()).startsWith(0x0A);
        assertThat(QuicStreamSignatures.rpcStreamSignature()).containsExactly(0x52, 0xBB, 0x82, 0x5C, 0xDB, 0x65);
        assertThat(QuicStreamSignatures.dataStreamVersion()).containsExactly('0', '1');
    }

    private static StreamKind classify(byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            return QuicStreamSignatures.classify(in);
        } finally {
            in.release();
        }
    }

    private static byte[] readAll(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        return bytes;
    }
}
