package dev.jflared.testkit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import javax.net.ssl.SSLParameters;

/**
 * An HTTP/2 connector that says nothing of its own: it dials a {@link LocalEdge} as cloudflared does (TCP, TLS with
 * SNI {@code h2.cftunnel.com} and no ALPN, the edge's CA as the only trust) and then writes cloudflared's HTTP/2
 * frames from shared/golden/http2 byte for byte, each once the edge has sent on that stream what the stand-in edge
 * had sent before it ({@link GoldenHttp2Capture.Gate}). The frames carry HPACK state, so the edge must see every one
 * of cloudflared's header blocks in order: the test sends its eyeball requests in the capture's order, and the
 * edge opens its streams in that order (control stream, then one per request).
 *
 * <h2>Stream ids</h2>
 * The one change made to cloudflared's bytes: the stream identifier of each frame is renumbered from the capture's
 * to LocalEdge's, the n-th stream the stand-in edge opened to the n-th LocalEdge opened. The stand-in edge (Go's
 * HTTP/2 client) numbered its streams 1, 3, 5, ...; LocalEdge's Netty client starts at 3 (Netty keeps stream 1 for
 * an HTTP/1.1 upgrade). A client may skip ids (RFC 9113 section 5.1.1), and Go's server, cloudflared's, accepts any
 * increasing odd id. Tests name streams by their capture ids; {@link #awaitStream} translates.
 *
 * <p>The edge's frames are recorded and parsed on the test thread, HEADERS decoded with one HPACK decoder, as
 * {@link EdgeStream}s.
 */
final class ReplayingHttp2Connector implements AutoCloseable {

    /** The control stream: the first stream the edge opens. */
    static final int CONTROL_STREAM = 1;
    private static final String SERVER_NAME = "h2.cftunnel.com";
    private static final int STREAM_ID_OFFSET = 5;

    private final Channel channel;
    private final Recorder recorder;
    private final List<GoldenHttp2Capture.Step> script;
    private final List<Integer> goldenStreams;
    // Test thread only.
    private int next;
    private int parsed = -1;
    private int settings;
    private final Map<Integer, EdgeStream> streams = new TreeMap<>();
    /** LocalEdge's streams in the order it opened them (by their first HEADERS). */
    private final List<Integer> opened = new ArrayList<>();
    private final Http2Frames.HeaderDecoder decoder = new Http2Frames.HeaderDecoder();

    /** What the edge sent on one stream. */
    static final class EdgeStream {
        final List<Http2Headers> headers = new ArrayList<>();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        /** END_STREAM received. */
        boolean ended;
        /** RST_STREAM received. */
        boolean reset;

        List<byte[]> rpcFrames() {
            return RpcFrames.split(data.toByteArray(), 0);
        }

        @Override
        public String toString() {
            return headers.size() + " HEADERS, " + data.size() + " DATA bytes" + (ended ? ", ended" : "")
                    + (reset ? ", reset" : "");
        }
    }

    private ReplayingHttp2Connector(Channel channel, Recorder recorder, GoldenHttp2Capture capture) {
        this.channel = channel;
        this.recorder = recorder;
        this.script = capture.cloudflared;
        this.goldenStreams = capture.edgeStreams;
    }

    static ReplayingHttp2Connector dial(EventLoopGroup group, LocalEdge edge, GoldenHttp2Capture capture)
            throws Exception {
        InetSocketAddress address = edge.connectorAddresses().get(0);
        SslContext tls = SslContextBuilder.forClient().trustManager(edge.caFile().toFile()).build();
        Recorder recorder = new Recorder();
        Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler ssl = tls.newHandler(ch.alloc(), SERVER_NAME, address.getPort());
                        SSLParameters parameters = ssl.engine().getSSLParameters();
                        parameters.setEndpointIdentificationAlgorithm("HTTPS");
                        ssl.engine().setSSLParameters(parameters);
                        ch.pipeline().addLast(ssl, recorder);
                    }
                })
                .connect(address).sync().channel();
        channel.pipeline().get(SslHandler.class).handshakeFuture().get(10, TimeUnit.SECONDS);
        return new ReplayingHttp2Connector(channel, recorder, capture);
    }

    /** The ALPN protocol TLS agreed on; null when none, as with cloudflared. */
    String applicationProtocol() {
        return channel.pipeline().get(SslHandler.class).applicationProtocol();
    }

    /** Writes cloudflared's frames up to, not including, its next frame on the capture's {@code stream}. */
    void playUntilStream(int stream) throws Exception {
        playWhile(frame -> frame.streamId() != stream);
    }

    /** Writes cloudflared's frames up to, not including, its next {@code type} frame on the capture's stream. */
    void playUntil(int stream, int type) throws Exception {
        playWhile(frame -> frame.streamId() != stream || frame.type() != type);
    }

    void playToEnd() throws Exception {
        playWhile(frame -> true);
    }

    /** Writes cloudflared's next frames in order while {@code more} accepts them, each once its gate is open. */
    private void playWhile(Predicate<Http2Frames.Frame> more) throws Exception {
        for (; next < script.size() && more.test(script.get(next).frame()); next++) {
            GoldenHttp2Capture.Step step = script.get(next);
            int stream = step.frame().streamId();
            await(() -> open(step.gate(), stream), "what the edge sent before cloudflared's " + step.frame());
            ByteBuf frame = Unpooled.wrappedBuffer(step.frame().wire().clone());
            frame.setInt(STREAM_ID_OFFSET, localId(stream));
            channel.writeAndFlush(frame).get(ReplayedStream.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** LocalEdge's id of the capture's stream {@code goldenId}; -1 while LocalEdge has not opened it. */
    private int localId(int goldenId) {
        if (goldenId == 0) {
            return 0;
        }
        int index = goldenStreams.indexOf(goldenId);
        return index >= 0 && index < opened.size() ? opened.get(index) : -1;
    }

    private boolean open(GoldenHttp2Capture.Gate gate, int goldenId) {
        if (goldenId == 0) {
            return settings >= gate.settings();
        }
        int id = localId(goldenId);
        if (id < 0) {
            return gate.headers() == 0;
        }
        EdgeStream stream = streams.get(id);
        if (stream.headers.size() < gate.headers()) {
            return false;
        }
        if (goldenId == CONTROL_STREAM) {
            return stream.rpcFrames().size() >= gate.dataFrames();
        }
        return gate.endStream() ? stream.ended : stream.data.size() >= gate.dataBytes();
    }

    /** The edge's stream that is {@code goldenId} in the capture, once {@code condition} holds for it. */
    EdgeStream awaitStream(int goldenId, Predicate<EdgeStream> condition, String what) throws InterruptedException {
        await(() -> localId(goldenId) > 0 && condition.test(streams.get(localId(goldenId))),
                what + " on the capture's stream " + goldenId);
        return streams.get(localId(goldenId));
    }

    private void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + ReplayedStream.WAIT.toNanos();
        while (true) {
            synchronized (recorder) {
                parse(recorder.received.toByteArray());
                if (condition.getAsBoolean()) {
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || recorder.closed) {
                    throw new AssertionError("no " + what + " within " + ReplayedStream.WAIT
                            + (recorder.closed ? " (connection closed)" : "") + "; from the edge: " + streams);
                }
                TimeUnit.NANOSECONDS.timedWait(recorder, left);
            }
        }
    }

    /** Takes the frames received since the last call into the streams' records. */
    private void parse(byte[] received) {
        if (parsed < 0) {
            if (received.length < Http2Frames.CLIENT_PREFACE.length) {
                return;
            }
            byte[] preface = Arrays.copyOf(received, Http2Frames.CLIENT_PREFACE.length);
            if (!Arrays.equals(preface, Http2Frames.CLIENT_PREFACE)) {
                throw new AssertionError("the edge did not start with the HTTP/2 client preface");
            }
            parsed = preface.length;
        }
        for (Http2Frames.Frame frame : Http2Frames.split(received, parsed)) {
            parsed += frame.wire().length;
            EdgeStream stream = streams.computeIfAbsent(frame.streamId(), k -> new EdgeStream());
            switch (frame.type()) {
                case Http2Frames.SETTINGS -> settings += frame.has(Http2Frames.ACK) ? 0 : 1;
                case Http2Frames.HEADERS -> {
                    if (stream.headers.isEmpty()) {
                        opened.add(frame.streamId());
                    }
                    stream.headers.add(decoder.decode(frame));
                }
                case Http2Frames.DATA -> stream.data.writeBytes(frame.payload());
                case Http2Frames.RST_STREAM -> stream.reset = true;
                default -> { }
            }
            if ((frame.type() == Http2Frames.HEADERS || frame.type() == Http2Frames.DATA)
                    && frame.has(Http2Frames.END_STREAM)) {
                stream.ended = true;
            }
        }
    }

    @Override
    public void close() throws Exception {
        channel.close().get(10, TimeUnit.SECONDS);
    }

    /** Keeps every byte received, copied to the heap; notifies waiters. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        boolean closed;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            byte[] bytes = ByteBufUtil.getBytes(in);
            in.release();
            synchronized (this) {
                received.writeBytes(bytes);
                notifyAll();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
            ctx.fireChannelInactive();
        }
    }
}
