package dev.jflared.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.rpc.framing.CapnpFrameEncoder;
import dev.jflared.testing.Golden;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.capnproto.MessageBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The messages whose content is fixed are byte-for-byte what cloudflared and the edge sent. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RpcMessagesTest {

    private static final String CFD = "quic/decoded/split/control.cfd2edge.";
    private static final String EDGE = "quic/decoded/split/control.edge2cfd.";

    @Test
    void bootstrapMatchesCloudflared() {
        assertThat(bytes(RpcMessages.bootstrap(0))).isEqualTo(Golden.bytes(CFD + "m00.bin"));
    }

    @Test
    void finishMatchesCloudflared() {
        assertThat(bytes(RpcMessages.finish(0, false))).isEqualTo(Golden.bytes(CFD + "m02.bin"));
        assertThat(bytes(RpcMessages.finish(1, false))).isEqualTo(Golden.bytes(CFD + "m03.bin"));
    }

    @Test
    void releaseMatchesCloudflared() {
        assertThat(bytes(RpcMessages.release(0, 1))).isEqualTo(Golden.bytes(CFD + "m08.bin"));
    }

    /**
     * cloudflared's library predates {@code Exception.trace}, so its Exception struct has one pointer; ours follows
     * today's rpc.capnp with two (an empty trace), one word more. Readers of either schema read both alike.
     */
    @Test
    void shutdownAbortReadsLikeCloudflareds() {
        byte[] ours = bytes(RpcMessages.abort(RpcException.Type.FAILED, RpcConnection.SHUTDOWN_REASON));
        byte[] theirs = Golden.bytes(CFD + "m09.bin");

        assertThat(RpcTestSupport.describeAll(RpcTestSupport.decodeAll(ours)))
                .isEqualTo(RpcTestSupport.describeAll(RpcTestSupport.decodeAll(theirs)));
        assertThat(ours).hasSize(theirs.length + 8);
    }

    @Test
    void bootstrapReturnMatchesTheEdge() {
        assertThat(bytes(RpcMessages.bootstrapReturn(0, 0))).isEqualTo(Golden.bytes(EDGE + "m00.bin"));
    }

    private static byte[] bytes(MessageBuilder message) {
        ByteBuf out = Unpooled.buffer();
        try {
            CapnpFrameEncoder.writeFrame(message.getSegmentsForOutput(), out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }
}
