package dev.jflared.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jflared.config.TunnelCredentials;
import dev.jflared.rpc.schema.ClientInfo;
import dev.jflared.rpc.schema.ConnectionOptions;
import dev.jflared.rpc.schema.RegisterConnectionParams;
import dev.jflared.rpc.schema.TunnelAuth;
import dev.jflared.transport.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link EyeballHandler} alone in an {@link EmbeddedChannel}, with a session whose stream opens when told. */
@Timeout(10)
class EyeballHandlerTest {

    private static final TunnelCredentials CREDENTIALS = new TunnelCredentials("0123456789abcdef0123456789abcdef",
            new byte[32], UUID.fromString("11111111-2222-3333-4444-555555555555"), Optional.empty());

    private final EdgeState state = new EdgeState(CREDENTIALS, "TST", false, List.of(), List.of(), Optional.empty());
    private final EmbeddedChannel eyeball = new LoopbackEmbeddedChannel();
    private final ManualSession session = new ManualSession(new RecordingStream(eyeball));

    @AfterEach
    void tearDown() {
        eyeball.finishAndReleaseAll();
    }

    /**
     * The connector may answer before the stream-opened notification reaches the eyeball's loop (a fast connector:
     * cloudflared's golden HTTP/2 bytes replayed against LocalEdge showed it). A websocket's 101 then switches the
     * eyeball to raw bytes while the stream is still unknown there; the first frames must wait for it, not vanish.
     */
    @Test
    void websocketBytesReadBeforeTheStreamIsKnownAreForwardedOnceItIs() {
        register();
        eyeball.pipeline().addLast(EyeballServer.HTTP_CODEC, new HttpServerCodec())
                .addLast("eyeball", new EyeballHandler(state, new AdminEndpoints(state)));
        eyeball.writeInbound(ascii("GET /ws HTTP/1.1\r\nHost: ws.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));

        session.exchange.respond(new EdgeResponse(101, List.of(Map.entry("Sec-Websocket-Accept",
                "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")), ""));
        eyeball.writeInbound(ascii("first frame"));
        session.opened.setSuccess(session.stream);
        eyeball.runPendingTasks();

        ByteBuf head = eyeball.readOutbound();
        assertThat(head.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101 Switching Protocols");
        head.release();
        assertThat(session.stream.received.toString(StandardCharsets.US_ASCII)).isEqualTo("first frame");
    }

    private void register() {
        ConnectionOptions options = new ConnectionOptions(new ClientInfo(UUID.randomUUID(), List.of(), "DEV",
                "linux_amd64"), InetAddress.getLoopbackAddress(), false, 0, 0);
        state.register(session, new RegisterConnectionParams(new TunnelAuth(CREDENTIALS.accountTag(), new byte[32]),
                CREDENTIALS.tunnelId(), 0, options));
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    /** Opens its one request stream only when the test completes {@link #opened}. */
    private static final class ManualSession implements EdgeSession {
        final Promise<RequestStream> opened = ImmediateEventExecutor.INSTANCE.newPromise();
        final RecordingStream stream;
        EyeballExchange exchange;

        ManualSession(RecordingStream stream) {
            this.stream = stream;
        }

        @Override
        public Protocol protocol() {
            return Protocol.QUIC;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 7844);
        }

        @Override
        public Future<RequestStream> openRequestStream(EyeballExchange exchange) {
            this.exchange = exchange;
            return opened;
        }

        @Override
        public CompletableFuture<ConfigPushResult> pushConfig(int connIndex, int version, String json) {
            throw new UnsupportedOperationException("no configuration is pushed here");
        }

        @Override
        public void drop() {
            throw new UnsupportedOperationException("no connection is dropped here");
        }

        @Override
        public void stallControlStream() {
            throw new UnsupportedOperationException("no control stream is stalled here");
        }
    }

    /** Keeps the request bytes written to it. */
    private static final class RecordingStream implements RequestStream {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final EmbeddedChannel channel;

        RecordingStream(EmbeddedChannel channel) {
            this.channel = channel;
        }

        @Override
        public ChannelFuture writeBody(ByteBuf chunk) {
            byte[] bytes = new byte[chunk.readableBytes()];
            chunk.readBytes(bytes);
            chunk.release();
            received.writeBytes(bytes);
            return channel.newSucceededFuture();
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void whenWritable(ChannelFuture lastWrite, Runnable task) {
            task.run();
        }

        @Override
        public void endBody() {
        }

        @Override
        public void abort() {
        }
    }

    /** An embedded channel with loopback socket addresses, as the eyeball server's channels have. */
    private static final class LoopbackEmbeddedChannel extends EmbeddedChannel {
        @Override
        protected SocketAddress localAddress0() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000);
        }
    }
}
