package dev.jflared.rpc.framing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.testing.Golden;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.concurrent.TimeUnit;
import org.capnproto.MessageBuilder;
import org.capnproto.Text;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CapnpFrameEncoderTest {

    @Test
    void decodedGoldenMessageReencodesToTheSameBytes() {
        byte[] golden = Golden.bytes("quic/decoded/split/control.cfd2edge.m01.bin");
        EmbeddedChannel decoder = new EmbeddedChannel(new CapnpFrameDecoder());
        decoder.writeInbound(Unpooled.wrappedBuffer(golden));
        CapnpMessage message = decoder.readInbound();
        decoder.finishAndReleaseAll();
        MessageBuilder copy = MessageBuilder.unsafeConstructFromMessageReader(message.reader());
        EmbeddedChannel encoder = new EmbeddedChannel(new CapnpFrameEncoder());

        encoder.writeOutbound(copy);
        ByteBuf written = encoder.readOutbound();

        assertThat(ByteBufUtil.getBytes(written)).isEqualTo(golden);
        written.release();
        assertThat(encoder.finishAndReleaseAll()).isFalse();
    }

    @Test
    void messageOverTheLimitFailsItsWriteAndWritesNothing() {
        EmbeddedChannel encoder = new EmbeddedChannel(new CapnpFrameEncoder(new CapnpLimits(4, 64, 1000, 8)));
        MessageBuilder big = new MessageBuilder();
        big.getRoot(org.capnproto.AnyPointer.factory).initAs(Text.factory, 200);

        ChannelFuture write = encoder.writeOneOutbound(big);
        encoder.flushOutbound();

        assertThat(write.cause()).isInstanceOf(EncoderException.class).hasMessageContaining("exceeds the limit of 64");
        assertThat((Object) encoder.readOutbound()).isNull();
        encoder.finishAndReleaseAll();
    }
}
