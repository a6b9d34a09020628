package dev.jflared.http2;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.proxy.BodyEnd;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StreamBytesCodecTest {

    private final List<Object> events = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new StreamBytesDecoder(), new StreamBytesEncoder(),
            new ChannelInboundHandlerAdapter() {
                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    events.add(evt);
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    events.add(cause);
                }
            });

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void dataFramesBecomeTheirContentAndEndStreamAnInputShutdown() {
        channel.writeInbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("abc", US_ASCII)));
        channel.writeInbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("def", US_ASCII), true));

        ByteBuf first = channel.readInbound();
        ByteBuf second = channel.readInbound();
        assertThat(first.toString(US_ASCII)).isEqualTo("abc");
        assertThat(second.toString(US_ASCII)).isEqualTo("def");
        first.release();
        second.release();
        assertThat(events).containsExactly(ChannelInputShutdownEvent.INSTANCE);
    }

    @Test
    void anEmptyEndStreamFrameIsReleasedAndOnlyEnds() {
        Http2DataFrame empty = new DefaultHttp2DataFrame(Unpooled.buffer(0), true);

        channel.writeInbound(empty);

        assertThat(empty.refCnt()).isZero();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(events).containsExactly(ChannelInputShutdownEvent.INSTANCE);
    }

    @Test
    void trailingHeadersEndTheBodyWithTheirTrailers() {
        channel.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("grpc-status", "0"), true));

        BodyEnd end = channel.readInbound();
        assertThat(end.trailers().get("Grpc-Status")).isEqualTo("0");
        assertThat(events).containsExactly(ChannelInputShutdownEvent.INSTANCE);
    }

    @Test
    void aResetBeforeTheEndIsAnErrorAndAfterItOnlyAnEvent() {
        channel.pipeline().fireUserEventTriggered(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
        channel.pipeline().fireUserEventTriggered(new DefaultHttp2ResetFrame(Http2Error.CANCEL));

        assertThat(events.get(0)).isInstanceOf(StreamResetException.class).hasToString(
                "dev.jflared.http2.StreamResetException: stream reset by the edge: CANCEL");
        assertThat(events.subList(1, 3)).allMatch(e -> e instanceof DefaultHttp2ResetFrame);
    }

    @Test
    void writtenBytesGoOutAsDataAndCloseEndsTheStreamFirst() {
        ByteBuf empty = Unpooled.buffer(0);

        channel.writeOutbound(Unpooled.copiedBuffer("rpc", US_ASCII));
        channel.writeOutbound(empty);
        channel.close();

        Http2DataFrame data = channel.readOutbound();
        assertThat(data.content().toString(US_ASCII)).isEqualTo("rpc");
        assertThat(data.isEndStream()).isFalse();
        data.release();
        Http2DataFrame end = channel.readOutbound();
        assertThat(end.isEndStream()).isTrue();
        assertThat(end.content().readableBytes()).isZero();
        assertThat(empty.refCnt()).isZero();
        assertThat((Object) channel.readOutbound()).isNull();
    }
}
