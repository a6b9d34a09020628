package dev.jflared.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The adapter transports use for request bodies, driven through an embedded channel. */
@Timeout(10)
class ChannelBodySourceTest {

    /** Collects what a source delivers. */
    static final class Collector implements BodyReceiver {
        final StringBuilder bytes = new StringBuilder();
        final List<String> events = new ArrayList<>();
        HttpHeaders trailers;

        @Override
        public void onChunk(ByteBuf chunk) {
            bytes.append(chunk.toString(StandardCharsets.UTF_8));
            chunk.release();
        }

        @Override
        public void onReadComplete() {
            events.add("complete");
        }

        @Override
        public void onEnd(HttpHeaders endTrailers) {
            trailers = endTrailers;
            events.add("end");
        }

        @Override
        public void onError(Throwable cause) {
            events.add("error");
        }
    }

    static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    @Test
    void httpContentAndTrailersBecomeChunksAndTheEnd() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ChannelBodySource source = ChannelBodySource.install(channel, "body");
        Collector collector = new Collector();
        source.subscribe(collector);
        source.request();
        DefaultLastHttpContent last = new DefaultLastHttpContent(text("b"));
        last.trailingHeaders().set("x-sum", "1");

        channel.writeInbound(new DefaultHttpContent(text("a")), last);

        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(collector.bytes).hasToString("ab");
        assertThat(collector.trailers.get("x-sum")).isEqualTo("1");
        assertThat(collector.events).containsExactly("end");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void chunksArrivingBeforeSubscriptionWaitForTheFirstRequest() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ChannelBodySource source = ChannelBodySource.install(channel, "body");
        channel.writeInbound(text("early"), new BodyEnd(new DefaultHttpHeaders()));
        Collector collector = new Collector();

        source.subscribe(collector);
        source.request();

        assertThat(collector.bytes).hasToString("early");
        assertThat(collector.events).containsExactly("end");
        channel.finishAndReleaseAll();
    }

    @Test
    void abortReleasesWhatWasQueued() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ChannelBodySource source = ChannelBodySource.install(channel, "body");
        ByteBuf queued = text("never read");
        channel.writeInbound(queued);

        source.abort(new IllegalStateException("origin gone"));
        channel.writeInbound(text("late"));

        assertThat(queued.refCnt()).isZero();
        channel.finishAndReleaseAll();
    }
}
