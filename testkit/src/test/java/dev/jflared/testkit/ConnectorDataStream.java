package dev.jflared.testkit;

import dev.jflared.rpc.CapabilityServer;
import dev.jflared.rpc.RpcConnection;
import dev.jflared.rpc.framing.CapnpFrameEncoder;
import dev.jflared.rpc.schema.ConnectRequest;
import dev.jflared.rpc.schema.ConnectResponse;
import dev.jflared.rpc.schema.Metadata;
import dev.jflared.rpc.schema.QuicStreamSignatures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamFrame;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.capnproto.Serialize;

/**
 * The connector's end of one request stream in tests: the {@link ConnectRequest} the edge sent, its body, and
 * methods to answer. Reading is demand-driven: nothing past the request is read until a test asks for the body.
 */
final class ConnectorDataStream extends ChannelInboundHandlerAdapter {

    private enum Mode { NONE, COLLECT, COUNT, ECHO }

    private static final int CHUNK = 16 * 1024;
    /** The pattern {@code i % 251} for any chunk: the chunk at position {@code p} starts at {@code p % 251}. */
    private static final byte[] PATTERN = new byte[251 + CHUNK];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) (i % 251);
        }
    }

    final QuicStreamChannel stream;
    final ConnectRequest request;
    private final CompositeByteBuf received;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> collected = new CompletableFuture<>();
    private final CompletableFuture<Long> counted = new CompletableFuture<>();
    private volatile Mode mode = Mode.NONE;
    private long count;
    private boolean fin;

    private ConnectorDataStream(QuicStreamChannel stream, ConnectRequest request, CompositeByteBuf rest) {
        this.stream = stream;
        this.request = request;
        this.received = rest;
    }

    /** Metadata values in order for {@code key}. */
    List<String> values(String key) {
        return request.metadata().stream().filter(m -> m.key().equals(key)).map(Metadata::val).toList();
    }

    String header(String name) {
        List<String> values = values("HttpHeader:" + name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Reads the whole body (until the edge's FIN). */
    byte[] body() throws Exception {
        start(Mode.COLLECT);
        return collected.get(30, TimeUnit.SECONDS);
    }

    /** Reads and discards the whole body, returning its length. */
    long discardBody() throws Exception {
        start(Mode.COUNT);
        return counted.get(60, TimeUnit.SECONDS);
    }

    /** Writes every byte received back (a websocket echo, raw). */
    void echo() {
        start(Mode.ECHO);
    }

    private void start(Mode newMode) {
        stream.eventLoop().execute(() -> {
            mode = newMode;
            if (received.isReadable()) {
                ByteBuf rest = received.retainedSlice();
                received.skipBytes(received.readableBytes());
                consume(rest);
            }
            if (fin) {
                finish();
            } else {
                stream.read();
            }
        });
    }

    /** Answers with a ConnectResponse: HttpStatus and headers. */
    void respond(int status, Map<String, String> headers) {
        List<Metadata> metadata = new ArrayList<>();
        metadata.add(new Metadata("HttpStatus", Integer.toString(status)));
        headers.forEach((name, value) -> metadata.add(new Metadata("HttpHeader:" + name, value)));
        writeHead(ConnectResponse.ok(metadata));
    }

    /** Answers with an error (origin unreachable). */
    void respondError(String error) {
        writeHead(ConnectResponse.failed(error, List.of()));
    }

    private void writeHead(ConnectResponse response) {
        ByteBuf out = Unpooled.buffer();
        QuicStreamSignatures.writeDataStreamPreamble(out);
        CapnpFrameEncoder.writeFrame(response.toMessage().getSegmentsForOutput(), out);
        stream.writeAndFlush(out);
    }

    void write(String text) {
        stream.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    /** Sends FIN. */
    void end() throws Exception {
        stream.writeAndFlush(QuicStreamFrame.EMPTY_FIN).get(10, TimeUnit.SECONDS);
    }

    /** Writes {@code total} bytes of the pattern {@code i % 251}, only while the stream is writable, then FIN. */
    CompletableFuture<Void> send(long total) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        stream.eventLoop().execute(() -> sendMore(new long[] {0}, total, done));
        return done;
    }

    /**
     * Writes chunks while the stream is writable; when it is not, the next chunk follows once QUIC has taken the
     * last one, so about one high-water mark of data waits here at most.
     */
    private void sendMore(long[] sent, long total, CompletableFuture<Void> done) {
        while (true) {
            if (sent[0] >= total) {
                stream.writeAndFlush(QuicStreamFrame.EMPTY_FIN).addListener(f -> done.complete(null));
                return;
            }
            int size = (int) Math.min(CHUNK, total - sent[0]);
            // One bulk write per chunk: paranoid leak detection can record a stack trace on every ByteBuf access
            // (unless acquireAndReleaseOnly), and writing 20 MiB a byte at a time then cost about a minute of CPU.
            ByteBuf chunk = stream.alloc().buffer(size).writeBytes(PATTERN, (int) (sent[0] % 251), size);
            sent[0] += size;
            ChannelFuture write = stream.writeAndFlush(chunk);
            if (!stream.isWritable()) {
                write.addListener(f -> {
                    if (f.isSuccess()) {
                        sendMore(sent, total, done);
                    } else {
                        done.completeExceptionally(f.cause());
                    }
                });
                return;
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (mode == Mode.NONE) {
            received.addComponent(true, in);
        } else {
            consume(in);
        }
    }

    private void consume(ByteBuf in) {
        switch (mode) {
            case COLLECT -> {
                byte[] bytes = new byte[in.readableBytes()];
                in.readBytes(bytes);
                body.writeBytes(bytes);
                in.release();
            }
            case COUNT -> {
                count += in.readableBytes();
                in.release();
            }
            case ECHO -> stream.writeAndFlush(in);
            default -> received.addComponent(true, in);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (mode != Mode.NONE && !fin) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownReadComplete) {
            fin = true;
            if (mode != Mode.NONE) {
                finish();
            }
        }
    }

    private void finish() {
        collected.complete(body.toByteArray());
        counted.complete(count);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        received.release();
        collected.completeExceptionally(new IllegalStateException("stream closed"));
        counted.completeExceptionally(new IllegalStateException("stream closed"));
    }

    /** Tells data streams from RPC streams by their preamble, as a connector does. */
    static final class Classifier extends ChannelInboundHandlerAdapter {
        private final BlockingQueue<ConnectorDataStream> requests;
        private final CapabilityServer cloudflared;
        private CompositeByteBuf head;

        Classifier(BlockingQueue<ConnectorDataStream> requests, CapabilityServer cloudflared) {
            this.requests = requests;
            this.cloudflared = cloudflared;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            head = ctx.alloc().compositeBuffer();
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            head.addComponent(true, (ByteBuf) msg);
            switch (QuicStreamSignatures.classify(head)) {
                case RPC -> {
                    head.skipBytes(QuicStreamSignatures.SIGNATURE_LENGTH);
                    ctx.channel().config().setAutoRead(true);
                    RpcConnection.server(ctx.channel(), cloudflared);
                    ByteBuf rest = head;
                    head = null;
                    ctx.pipeline().remove(this);
                    ctx.fireChannelRead(rest);
                }
                case DATA -> tryRequest(ctx);
                case UNKNOWN -> ctx.close();
                default -> { }
            }
        }

        private void tryRequest(ChannelHandlerContext ctx) {
            int start = head.readerIndex() + QuicStreamSignatures.DATA_STREAM_PREAMBLE_LENGTH;
            if (head.writerIndex() - start < 8) {
                return;
            }
            int segments = head.getIntLE(start) + 1;
            int table = (4 * (segments + 1) + 7) & ~7;
            if (head.writerIndex() - start < table) {
                return;
            }
            long words = 0;
            for (int i = 0; i < segments; i++) {
                words += head.getIntLE(start + 4 + 4 * i);
            }
            int length = (int) (table + words * 8);
            if (head.writerIndex() - start < length) {
                return;
            }
            ByteBuffer frame = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            head.getBytes(start, frame);
            frame.flip();
            ConnectRequest request;
            try {
                request = ConnectRequest.read(Serialize.read(frame));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            head.readerIndex(start + length);
            CompositeByteBuf rest = head;
            head = null;
            ConnectorDataStream data = new ConnectorDataStream((QuicStreamChannel) ctx.channel(), request, rest);
            ctx.pipeline().replace(this, "data", data);
            requests.add(data);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (head != null) {
                ctx.read();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownReadComplete && head != null) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (head != null) {
                head.release();
                head = null;
            }
            ctx.fireChannelInactive();
        }
    }
}
