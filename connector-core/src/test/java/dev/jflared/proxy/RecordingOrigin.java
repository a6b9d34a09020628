package dev.jflared.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A loopback origin with no HTTP codec: it records the raw bytes of each request (head and body, as they came on the
 * wire) and answers {@code 200 ok} once the body is complete by the test's own rule, since a body the proxy sends
 * unframed cannot be delimited any other way. Records which connection each request came on, and closed
 * connections.
 */
final class RecordingOrigin implements AutoCloseable {

    private static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
            .getBytes(StandardCharsets.US_ASCII);

    private final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Integer> closed = new LinkedBlockingQueue<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Channel server;
    private volatile Predicate<String> bodyComplete = String::isEmpty;

    /**
     * One request as received.
     *
     * @param connection which connection it came on, counting from 1
     * @param head the request line and header lines, without the blank line
     * @param body the bytes after the blank line, as ISO-8859-1 text
     */
    record Request(int connection, String head, String body) {

        /** The header lines, without the request line. */
        List<String> headers() {
            List<String> lines = Arrays.asList(head.split("\r\n"));
            return lines.subList(1, lines.size());
        }
    }

    RecordingOrigin(EventLoopGroup group) {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new Recorder())
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    String url() {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** From now on, a body is complete once {@code complete} holds for the bytes received after the head. */
    void bodyCompleteWhen(Predicate<String> complete) {
        bodyComplete = complete;
    }

    /** The next request, waiting up to 10 s. */
    Request take() throws InterruptedException {
        Request request = requests.poll(10, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request reached the origin");
        }
        return request;
    }

    /** The next connection the proxy closed, waiting up to 10 s. */
    int takeClosed() throws InterruptedException {
        Integer connection = closed.poll(10, TimeUnit.SECONDS);
        if (connection == null) {
            throw new AssertionError("no connection to the origin was closed");
        }
        return connection;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }

    @ChannelHandler.Sharable
    private final class Recorder extends ChannelInboundHandlerAdapter {

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.channel().attr(Connection.KEY).set(new Connection(connections.incrementAndGet()));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            Connection connection = ctx.channel().attr(Connection.KEY).get();
            connection.received.append(bytes.toString(StandardCharsets.ISO_8859_1));
            bytes.release();
            int end = connection.received.indexOf("\r\n\r\n");
            if (end < 0) {
                return;
            }
            String body = connection.received.substring(end + 4);
            if (bodyComplete.test(body)) {
                requests.add(new Request(connection.number, connection.received.substring(0, end), body));
                connection.received.setLength(0);
                ctx.writeAndFlush(Unpooled.wrappedBuffer(RESPONSE));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.add(ctx.channel().attr(Connection.KEY).get().number);
            ctx.fireChannelInactive();
        }
    }

    private static final class Connection {

        static final AttributeKey<Connection> KEY = AttributeKey.valueOf("recorded");

        final int number;
        final StringBuilder received = new StringBuilder();

        Connection(int number) {
            this.number = number;
        }
    }
}
