package dev.jflared.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ChannelBodySinkHttp2Test {

    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void chunksGoOutAsDataFramesAndTheEndIsAnEmptyEndStreamFrame() {
        ChannelBodySink sink = ChannelBodySink.install(channel, "sink", ChannelBodySink.Framing.HTTP2);

        sink.write(Unpooled.copiedBuffer("abc", US_ASCII));
        sink.flush();
        sink.end(EmptyHttpHeaders.INSTANCE);

        Http2DataFrame data = channel.readOutbound();
        assertThat(data.content().toString(US_ASCII)).isEqualTo("abc");
        assertThat(data.isEndStream()).isFalse();
        data.release();
        Http2DataFrame end = channel.readOutbound();
        assertThat(end.isEndStream()).isTrue();
        assertThat(end.content().readableBytes()).isZero();
        end.release();
        assertThat(channel.pipeline().get("sink")).isNull();
    }

    @Test
    void trailersGoOutAsTrailingHeadersWithLowerCaseNames() {
        ChannelBodySink sink = ChannelBodySink.install(channel, "sink", ChannelBodySink.Framing.HTTP2);
        HttpHeaders trailers = new DefaultHttpHeaders().add("Grpc-Status", "0").add("Grpc-Message", "ok");

        sink.end(trailers);

        Http2HeadersFrame last = channel.readOutbound();
        assertThat(last.isEndStream()).isTrue();
        assertThat(last.headers().get("grpc-status")).hasToString("0");
        assertThat(last.headers().get("grpc-message")).hasToString("ok");
    }

    @Test
    void aWriteAfterTheEndIsReleased() {
        ChannelBodySink sink = ChannelBodySink.install(channel, "sink", ChannelBodySink.Framing.HTTP2);
        sink.end(EmptyHttpHeaders.INSTANCE);
        ByteBuf late = Unpooled.copiedBuffer("late", US_ASCII);

        sink.write(late);

        assertThat(late.refCnt()).isZero();
    }
}
